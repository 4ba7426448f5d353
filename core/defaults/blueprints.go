package defaults

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
)

// Keys left out of a blueprint until the stage where what they refer to exists:
// derived properties need relations, relations need their target blueprints.
var (
	derivedKeys = []string{"calculationProperties", "mirrorProperties", "aggregationProperties"}
	linkKeys    = []string{"relations", "ownership", "teamInheritance"}
)

// anyBlueprintExists reports whether Port already has one of the blueprints;
// if so the integration's defaults were (partly) created before and are left
// alone.
func anyBlueprintExists(ctx context.Context, c *port.Client, ids []string) (bool, error) {
	for _, id := range ids {
		_, err := c.GetBlueprint(ctx, id)
		switch {
		case err == nil:
			return true, nil
		case !errors.Is(err, port.ErrNotFound):
			return false, fmt.Errorf("defaults: check whether blueprint %s exists: %w", id, err)
		}
	}
	return false, nil
}

// createBlueprints creates the blueprints in three stages, so that blueprints
// may refer to each other in any order: (a) POST each without links and derived
// properties, (b) PATCH in relations, ownership and team inheritance, (c) PATCH
// the full definitions. When a stage fails, the blueprints created so far are
// deleted and the stage's errors are returned.
func createBlueprints(ctx context.Context, c *port.Client, bps []map[string]any, log logrus.FieldLogger) error {
	var created []string
	var errs []error
	for _, bp := range bps {
		id := bp["identifier"].(string) // checked by initializeDefaults
		_, err := c.CreateBlueprint(ctx, without(bp, derivedKeys, linkKeys))
		switch {
		case errors.Is(err, port.ErrConflict):
			// Created meanwhile by another instance of this integration (a
			// blueprint that existed before was caught by anyBlueprintExists):
			// not ours to roll back, and the next stages apply the same definition.
			log.WithField("blueprint", id).Info("The blueprint was created by another instance meanwhile")
		case err != nil:
			errs = append(errs, fmt.Errorf("create blueprint %s: %w", id, err))
		default:
			created = append(created, id)
		}
	}
	stages := []struct {
		name string
		body func(map[string]any) map[string]any
	}{
		{"add relations to", func(bp map[string]any) map[string]any { return without(bp, derivedKeys) }},
		{"complete", func(bp map[string]any) map[string]any { return bp }},
	}
	for _, st := range stages {
		if len(errs) > 0 {
			break
		}
		for _, bp := range bps {
			id := bp["identifier"].(string)
			if _, err := c.PatchBlueprint(ctx, id, st.body(bp)); err != nil {
				errs = append(errs, fmt.Errorf("%s blueprint %s: %w", st.name, id, err))
			}
		}
	}
	if len(errs) == 0 {
		log.WithField("blueprints", created).Info("Created the default blueprints")
		return nil
	}
	log.WithField("blueprints", created).Warn("Creating the default blueprints failed; deleting the ones created")
	if err := deleteBlueprints(ctx, c, created); err != nil {
		errs = append(errs, err)
	}
	return fmt.Errorf("defaults: %w", errors.Join(errs...))
}

// deleteBlueprints deletes the blueprints in passes: one that is still the
// target of another's relation may only go once that one is gone.
func deleteBlueprints(ctx context.Context, c *port.Client, ids []string) error {
	left := ids
	for len(left) > 0 {
		var failed []string
		var errs []error
		for i := len(left) - 1; i >= 0; i-- {
			if err := c.DeleteBlueprint(ctx, left[i]); err != nil && !errors.Is(err, port.ErrNotFound) {
				failed = append(failed, left[i])
				errs = append(errs, fmt.Errorf("roll back blueprint %s: %w", left[i], err))
			}
		}
		if len(failed) == len(left) || ctx.Err() != nil {
			return errors.Join(errs...)
		}
		left = failed
	}
	return nil
}

// without returns a shallow copy of bp without the given keys.
func without(bp map[string]any, keySets ...[]string) map[string]any {
	out := maps.Clone(bp)
	for _, ks := range keySets {
		for _, k := range ks {
			delete(out, k)
		}
	}
	return out
}
