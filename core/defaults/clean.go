package defaults

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
)

// CleanOptions are the choices of `defaults clean` (Ocean's -f, -w, -d).
type CleanOptions struct {
	// Force deletes each default blueprint with all its entities (Port runs
	// a migration); without it a blueprint is deleted only when it has no
	// entities (Port refuses otherwise).
	Force bool
	// Wait waits for the migrations Force started to finish.
	Wait bool
	// Destroy deletes the integration too.
	Destroy bool
	// WaitEvery is how often a migration is polled; default 5 s, as in Ocean.
	WaitEvery time.Duration
}

// Clean removes what Initialize created: when the integration exists, each
// default blueprint of res (and, with Destroy, the integration). A blueprint
// Port does not have is skipped. Every failure is logged and returned, joined;
// one never stops the others.
func Clean(ctx context.Context, c *port.Client, res *Resources, o CleanOptions, log logrus.FieldLogger) error {
	if _, err := c.GetIntegration(ctx); errors.Is(err, port.ErrNotFound) {
		log.Info("The integration does not exist in Port: nothing to clean")
		return nil
	} else if err != nil {
		return fmt.Errorf("defaults: get the integration: %w", err)
	}
	var errs []error
	fail := func(err error, l logrus.FieldLogger, msg string) {
		l.WithError(err).Error(msg)
		errs = append(errs, err)
	}
	if res == nil || len(res.Blueprints) == 0 {
		log.Info("No default blueprints to delete")
	}
	for _, id := range deleteOrder(res.Blueprints) {
		l := log.WithField("blueprint", id)
		if !o.Force {
			switch err := c.DeleteBlueprint(ctx, id); {
			case errors.Is(err, port.ErrNotFound):
				l.Info("No such blueprint in Port")
			case err != nil:
				fail(fmt.Errorf("delete blueprint %s (with --force its entities go too): %w", id, err), l, "Could not delete a default blueprint")
			default:
				l.Info("Deleted a default blueprint")
			}
			continue
		}
		migration, err := c.DeleteAllEntities(ctx, id, true)
		switch {
		case errors.Is(err, port.ErrNotFound):
			l.Info("No such blueprint in Port")
			continue
		case err != nil:
			fail(fmt.Errorf("delete blueprint %s with its entities: %w", id, err), l, "Could not delete a default blueprint")
			continue
		}
		l = l.WithField("migration", migration)
		if !o.Wait || migration == "" {
			l.Info("Deleting a default blueprint with its entities")
			continue
		}
		m, err := c.WaitMigration(ctx, migration, o.WaitEvery)
		switch {
		case err != nil:
			fail(fmt.Errorf("wait for the deletion of blueprint %s: %w", id, err), l, "Could not follow a deletion")
		case m.Status == "FAILURE" || m.Status == "FAILED":
			fail(fmt.Errorf("deletion of blueprint %s ended %s", id, m.Status), l, "A deletion failed")
		default:
			l.Info("Deleted a default blueprint with its entities")
		}
	}
	if o.Destroy {
		if err := c.DeleteIntegration(ctx); err != nil && !errors.Is(err, port.ErrNotFound) {
			fail(fmt.Errorf("delete the integration: %w", err), log, "Could not delete the integration")
		} else {
			log.Info("Deleted the integration")
		}
	}
	return errors.Join(errs...)
}

// deleteOrder lists the blueprints' identifiers so that each comes before the
// blueprints its relations target (Port refuses to delete a relation's
// target): dependents first, otherwise in reverse file order; in a cycle, the
// latest in the file goes first.
func deleteOrder(bps []map[string]any) []string {
	targets := make([]map[string]bool, len(bps))
	for i, bp := range bps {
		targets[i] = map[string]bool{}
		rels, _ := bp["relations"].(map[string]any)
		for _, r := range rels {
			if rm, ok := r.(map[string]any); ok {
				if t, ok := rm["target"].(string); ok {
					targets[i][t] = true
				}
			}
		}
	}
	id := func(i int) string { s, _ := bps[i]["identifier"].(string); return s }
	done := make([]bool, len(bps))
	var order []string
	for len(order) < len(bps) {
		pick := -1
		for i := len(bps) - 1; i >= 0 && pick < 0; i-- {
			if done[i] {
				continue
			}
			targeted := false
			for j := range bps {
				if !done[j] && j != i && targets[j][id(i)] {
					targeted = true
				}
			}
			if !targeted {
				pick = i
			}
		}
		if pick < 0 { // a cycle: the latest remaining
			for i := len(bps) - 1; pick < 0; i-- {
				if !done[i] {
					pick = i
				}
			}
		}
		done[pick] = true
		order = append(order, id(pick))
	}
	return order
}
