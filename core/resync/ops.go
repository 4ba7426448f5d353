package resync

import (
	"context"
	"errors"
	"fmt"

	"github.com/ocean-go/ocean/clients/port"
	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/core/appconfig"
)

// ensureEvent returns ctx inside an event: the caller's if it has one (an HTTP
// request, a start hook), else a new manual event that end closes.
func (e *Engine) ensureEvent(ctx context.Context) (context.Context, *oceanctx.Event, func()) {
	if ev := oceanctx.EventFrom(ctx); ev != nil {
		return ctx, ev, func() {}
	}
	ctx, ev := e.Events.Begin(ctx, oceanctx.HTTPRequest, oceanctx.Manual, nil)
	return ctx, ev, func() { e.Events.End(ev) }
}

// mapped is the outcome of mapping raw items with every resource of a kind.
type mapped struct {
	passed []port.Entity // selector true
	failed []port.Entity // selector false (mapped with parseAll)
	errs   []error
}

// mapKind maps items with every resource of the mapping whose kind matches
// (none: nothing is mapped).
func (e *Engine) mapKind(ctx context.Context, mapping *appconfig.PortAppConfig, kind string, items []any, parseAll bool) (mapped, error) {
	var out mapped
	found := false
	for i := range mapping.Resources {
		rc := &mapping.Resources[i]
		if rc.Kind != kind {
			continue
		}
		found = true
		m, err := e.Processor.Compile(rc)
		if err != nil {
			return out, fmt.Errorf("resource %d (%s): %w", i, kind, err)
		}
		expanded, errs := expand(ctx, m, items)
		out.errs = append(out.errs, errs...)
		res := m.Process(oceanctx.WithResource(ctx, rc, i), expanded, parseAll)
		out.passed = append(out.passed, res.Passed...)
		out.failed = append(out.failed, res.Failed...)
		for _, ie := range res.Errors {
			out.errs = append(out.errs, ie)
		}
	}
	if !found {
		// As in Ocean: a live event for a kind the user does not map (or no
		// longer maps) syncs nothing.
		e.Log.WithField("kind", kind).Debug("No resource of the mapping has this kind; nothing to sync")
	}
	return out, nil
}

// RegisterRaw maps raw items of kind with every resource of that kind and
// upserts the entities that pass the selectors. Entities that a selector now
// rejects, and no other resource produced, are deleted if the integration owns
// them. With any mapping error nothing is deleted and the error is returned.
func (e *Engine) RegisterRaw(ctx context.Context, kind string, items []any) ([]port.Entity, error) {
	ctx, ev, end := e.ensureEvent(ctx)
	defer end()
	mapping, err := e.Mapping(ctx, false)
	if err != nil {
		return nil, err
	}
	res, err := e.mapKind(ctx, mapping, kind, items, true)
	if err != nil {
		return nil, err
	}
	opts := applierOptions(mapping, ev)
	upserted, err := e.Applier.Register(ctx, res.passed, opts)
	if err != nil {
		return upserted, err
	}
	if len(res.errs) > 0 {
		return upserted, fmt.Errorf("mapping %s: %w (nothing deleted)", kind, errors.Join(res.errs...))
	}
	// Upserted keys carry the identifiers Port resolved for search identifiers:
	// a rejected entity another resource wrote that way is not stale.
	keep := map[port.Key]bool{}
	for _, list := range [][]port.Entity{res.passed, upserted} {
		for i := range list {
			keep[list[i].Key()] = true
		}
	}
	var stale []port.Entity
	for _, f := range res.failed {
		if !keep[f.Key()] && !f.HasSearchIdentifier() {
			stale = append(stale, f)
		}
	}
	if len(stale) > 0 {
		if err := e.Applier.Unregister(ctx, stale, opts); err != nil {
			return upserted, err
		}
	}
	return upserted, nil
}

// UnregisterRaw maps raw items of kind and deletes the resulting entities that
// the integration owns. Resources that identify entities by search query are
// skipped: a deleted item cannot be searched for.
func (e *Engine) UnregisterRaw(ctx context.Context, kind string, items []any) error {
	ctx, ev, end := e.ensureEvent(ctx)
	defer end()
	mapping, err := e.Mapping(ctx, false)
	if err != nil {
		return err
	}
	res, err := e.mapKind(ctx, mapping, kind, items, false)
	if err != nil {
		return err
	}
	if len(res.errs) > 0 {
		return fmt.Errorf("mapping %s: %w (nothing deleted)", kind, errors.Join(res.errs...))
	}
	var del []port.Entity
	for _, en := range res.passed {
		if !en.HasSearchIdentifier() {
			del = append(del, en)
		}
	}
	return e.Applier.Unregister(ctx, del, applierOptions(mapping, ev))
}

// UpdateRawDiff maps the before and after states of any number of items of
// kind and applies the difference: upserts what is in after, deletes what
// only before had. When mapping after fails, nothing is deleted.
func (e *Engine) UpdateRawDiff(ctx context.Context, kind string, before, after []any) error {
	ctx, ev, end := e.ensureEvent(ctx)
	defer end()
	mapping, err := e.Mapping(ctx, false)
	if err != nil {
		return err
	}
	a, err := e.mapKind(ctx, mapping, kind, after, false)
	if err != nil {
		return err
	}
	var b mapped
	if len(a.errs) == 0 {
		if b, err = e.mapKind(ctx, mapping, kind, before, false); err != nil {
			return err
		}
	}
	if err := e.Applier.ApplyDiff(ctx, b.passed, a.passed, applierOptions(mapping, ev)); err != nil {
		return err
	}
	if len(a.errs) > 0 {
		return fmt.Errorf("mapping %s: %w (nothing deleted)", kind, errors.Join(a.errs...))
	}
	return nil
}

// withMapping runs fn with the (cached) mapping's write options inside an event.
func (e *Engine) withMapping(ctx context.Context, fn func(context.Context, *appconfig.PortAppConfig, *oceanctx.Event) error) error {
	ctx, ev, end := e.ensureEvent(ctx)
	defer end()
	mapping, err := e.Mapping(ctx, false)
	if err != nil {
		return err
	}
	return fn(ctx, mapping, ev)
}

// Register upserts entities.
func (e *Engine) Register(ctx context.Context, entities []port.Entity) ([]port.Entity, error) {
	var out []port.Entity
	err := e.withMapping(ctx, func(ctx context.Context, m *appconfig.PortAppConfig, ev *oceanctx.Event) (err error) {
		out, err = e.Applier.Register(ctx, entities, applierOptions(m, ev))
		return err
	})
	return out, err
}

// Unregister deletes entities the integration owns.
func (e *Engine) Unregister(ctx context.Context, entities []port.Entity) error {
	return e.withMapping(ctx, func(ctx context.Context, m *appconfig.PortAppConfig, ev *oceanctx.Event) error {
		return e.Applier.Unregister(ctx, entities, applierOptions(m, ev))
	})
}

// UpdateDiff upserts after and deletes what only before had.
func (e *Engine) UpdateDiff(ctx context.Context, before, after []port.Entity) error {
	return e.withMapping(ctx, func(ctx context.Context, m *appconfig.PortAppConfig, ev *oceanctx.Event) error {
		return e.Applier.ApplyDiff(ctx, before, after, applierOptions(m, ev))
	})
}

// Sync makes the integration's entities in Port exactly entities: it upserts
// them and deletes every other entity the integration owns, under the
// mapping's deletion threshold.
func (e *Engine) Sync(ctx context.Context, entities []port.Entity) error {
	return e.withMapping(ctx, func(ctx context.Context, m *appconfig.PortAppConfig, ev *oceanctx.Event) error {
		return e.Applier.Sync(ctx, entities, m.EntityDeletionThreshold, applierOptions(m, ev))
	})
}

// MappedKinds are the kinds of the mapping's resources.
func (e *Engine) MappedKinds(ctx context.Context) (map[string]bool, error) {
	mapping, err := e.Mapping(ctx, false)
	if err != nil {
		return nil, err
	}
	kinds := map[string]bool{}
	for _, rc := range mapping.Resources {
		kinds[rc.Kind] = true
	}
	return kinds, nil
}
