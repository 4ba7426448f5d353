package applier

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ocean-go/ocean/clients/port"
)

// Register upserts entities, all of them (no comparison with Port), and
// returns those Port accepted, search identifiers resolved.
func (a *Applier) Register(ctx context.Context, entities []port.Entity, opts Options) ([]port.Entity, error) {
	res, written, err := a.write(ctx, entities, nil, opts)
	return written, errors.Join(err, failuresErr(res.Failures))
}

// Unregister deletes those of entities that the integration owns in Port;
// entities owned by another data source, missing, or identified by a search
// query are left alone.
func (a *Applier) Unregister(ctx context.Context, entities []port.Entity, opts Options) error {
	keys := make([]port.Key, 0, len(entities))
	for i := range entities {
		if !entities[i].HasSearchIdentifier() {
			keys = append(keys, entities[i].Key())
		}
	}
	return a.deleteOwned(ctx, keys, opts)
}

// ApplyDiff moves Port from before to after: it upserts every entity of after
// and deletes the owned entities only before has, with no threshold. It never
// deletes an entity of after (search identifiers as resolved), a relation
// target of one when protected (see Options), or anything of a blueprint where
// a search identifier of after could not be resolved.
func (a *Applier) ApplyDiff(ctx context.Context, before, after []port.Entity, opts Options) error {
	res, written, err := a.write(ctx, after, nil, opts)
	keep := map[port.Key]bool{}
	blocked := map[string]bool{}
	related := map[relRef]struct{}{}
	for _, list := range [][]port.Entity{after, written} {
		for i := range list {
			keep[list[i].Key()] = true
		}
	}
	for _, f := range res.Failures {
		if f.Entity.HasSearchIdentifier() {
			blocked[f.Entity.Blueprint] = true
		}
	}
	if opts.protectsRelated() {
		for i := range after {
			for _, ref := range relRefs(&after[i], false) {
				related[ref] = struct{}{}
			}
		}
	}
	var through []target
	if opts.DeleteDependentEntities {
		for i := range before {
			if !before[i].HasSearchIdentifier() {
				through = append(through, target{Key: before[i].Key(), Refs: relRefs(&before[i], false)})
			}
		}
	}
	spared := a.protect(ctx, related, through)
	var gone []port.Key
	for i := range before {
		k := before[i].Key()
		if before[i].HasSearchIdentifier() || keep[k] || blocked[k.Blueprint] || spared.has(k) {
			continue
		}
		gone = append(gone, k)
	}
	return errors.Join(err, failuresErr(res.Failures), a.deleteOwned(ctx, gone, opts))
}

// Sync makes the integration's entities in Port exactly entities: it writes
// them (skipping the unchanged), retries failures, then deletes every other
// owned entity last updated before the call, under the per-blueprint
// threshold (see Reconciler.Reconcile). Entities written concurrently by
// someone else during the call are not touched.
func (a *Applier) Sync(ctx context.Context, entities []port.Entity, threshold float64, opts Options) error {
	started := time.Now()
	rec := a.NewReconciler(opts)
	_, err := rec.Load(ctx, "", entities)
	rec.RetryFailed(ctx)
	_, rerr := rec.Reconcile(ctx, started, threshold)
	failed, overflow := rec.Failures()
	ferr := failuresErr(failed)
	if overflow > 0 {
		ferr = fmt.Errorf("%w (and %d more)", ferr, overflow)
	}
	return errors.Join(err, ferr, rerr)
}

// deleteOwned deletes those of keys the integration owns, after asking Port.
func (a *Applier) deleteOwned(ctx context.Context, keys []port.Key, opts Options) error {
	owned, err := a.owned(ctx, keys, !opts.DeleteDependentEntities)
	errs := []error{err}
	for _, e := range a.deleteAll(ctx, owned, opts) {
		if !errors.Is(e, errGone) {
			errs = append(errs, e)
		}
	}
	return errors.Join(errs...)
}

// owned returns those of keys that exist in Port and belong to the
// integration, with their relations when withRefs (for deletion order).
func (a *Applier) owned(ctx context.Context, keys []port.Key, withRefs bool) ([]target, error) {
	byBP := map[string][]string{}
	var bps []string
	seen := make(map[port.Key]bool, len(keys))
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		if _, ok := byBP[k.Blueprint]; !ok {
			bps = append(bps, k.Blueprint)
		}
		byBP[k.Blueprint] = append(byBP[k.Blueprint], k.Identifier)
	}
	type chunk struct {
		bp  string
		ids []string
	}
	var chunks []chunk
	for _, bp := range bps {
		for ids := range slices.Chunk(byBP[bp], lookupChunk) {
			chunks = append(chunks, chunk{bp, ids})
		}
	}
	include := []string{"blueprint", "identifier"}
	if withRefs {
		include = append(include, "relations")
	}
	found := make([][]target, len(chunks))
	errs := parallel(len(chunks), lookupConcurrency, func(c int) error {
		q := port.And(port.Cond("$identifier", "in", chunks[c].ids), port.Cond("$blueprint", "=", chunks[c].bp))
		got, err := a.client.SearchOwnedEntities(ctx, q, include...)
		if err != nil {
			return fmt.Errorf("check ownership of %d %s entities: %w", len(chunks[c].ids), chunks[c].bp, err)
		}
		for i := range got {
			if id, ok := got[i].ID(); ok {
				t := target{Key: port.Key{Blueprint: chunks[c].bp, Identifier: id}}
				if withRefs {
					t.Refs = relRefs(&got[i], false)
				}
				found[c] = append(found[c], t)
			}
		}
		return nil
	})
	return slices.Concat(found...), errors.Join(errs...)
}

// failuresErr joins the errors of failed upserts, or returns nil.
func failuresErr(fs []Failure) error {
	errs := make([]error, len(fs))
	for i, f := range fs {
		errs[i] = f.Err
	}
	return errors.Join(errs...)
}
