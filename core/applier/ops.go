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
	res, written, _, err := a.write(ctx, entities, nil, opts)
	return written, errors.Join(err, failuresErr(res.Failures))
}

// RegisterEach is Register reporting per entity, for callers that write the
// entities of several sources at once: keys[i] is the key Port wrote
// entities[i] under (a search identifier resolved), errs[i] why it was not
// written. Both are zero for an entity dropped because its search identifier
// matched nothing. Entities go to Port in the order writeOrder gives.
func (a *Applier) RegisterEach(ctx context.Context, entities []port.Entity, opts Options) (keys []port.Key, errs []error) {
	keys = make([]port.Key, len(entities))
	errs = make([]error, len(entities))
	for _, layer := range a.writeOrder(ctx, entities, opts) {
		batch := make([]port.Entity, len(layer))
		for n, i := range layer {
			batch[n] = entities[i]
		}
		res, written, at, _ := a.write(ctx, batch, nil, opts)
		for k, n := range at {
			keys[layer[n]] = written[k].Key()
		}
		// The error of a write that stopped early is also each unwritten entity's.
		for _, f := range res.Failures {
			errs[layer[f.at]] = f.Err
		}
	}
	return keys, errs
}

// writeOrder splits the positions of entities into layers to write one after
// the other, usually one. Unless Port creates missing related entities, it
// refuses an entity whose relation target does not exist yet, so targets go
// before the entities relating to them, as if each source's entities were
// written in turn. Copies of one key keep their order.
func (a *Applier) writeOrder(ctx context.Context, entities []port.Entity, opts Options) [][]int {
	if opts.CreateMissingRelatedEntities {
		all := make([]int, len(entities))
		for i := range all {
			all[i] = i
		}
		return [][]int{all}
	}
	keys := make([]port.Key, len(entities))
	refs := make([][]relRef, len(entities))
	for i := range entities {
		keys[i], refs[i] = entities[i].Key(), relRefs(&entities[i], false)
	}
	deps := a.targets(ctx).dependencyEdges(keys, refs)
	previous := make(map[port.Key]int, len(keys))
	for i, k := range keys {
		if j, ok := previous[k]; ok {
			deps[i] = append(deps[i], j)
		}
		previous[k] = i
	}
	return layers(deps)
}

// Unregister deletes those of entities that the integration owns in Port;
// entities owned by another data source, missing, or identified by a search
// query are left alone.
func (a *Applier) Unregister(ctx context.Context, entities []port.Entity, opts Options) error {
	_, err := a.UnregisterEach(ctx, entities, opts)
	return err
}

// UnregisterEach is Unregister also reporting per entity: errs[i] is why
// entities[i] may still be in Port (its ownership could not be checked, or
// Port did not delete it).
func (a *Applier) UnregisterEach(ctx context.Context, entities []port.Entity, opts Options) (errs []error, err error) {
	keys := make([]port.Key, 0, len(entities))
	for i := range entities {
		if !entities[i].HasSearchIdentifier() {
			keys = append(keys, entities[i].Key())
		}
	}
	failed, err := a.deleteOwned(ctx, keys, opts)
	errs = make([]error, len(entities))
	if len(failed) > 0 {
		for i := range entities {
			if !entities[i].HasSearchIdentifier() {
				errs[i] = failed[entities[i].Key()]
			}
		}
	}
	return errs, err
}

// ApplyDiff moves Port from before to after: it upserts every entity of after
// and deletes the owned entities only before has, with no threshold. It never
// deletes an entity of after (search identifiers as resolved), a relation
// target of one when protected (see Options), or anything of a blueprint where
// a search identifier of after could not be resolved.
func (a *Applier) ApplyDiff(ctx context.Context, before, after []port.Entity, opts Options) error {
	res, written, _, err := a.write(ctx, after, nil, opts)
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
	_, derr := a.deleteOwned(ctx, gone, opts)
	return errors.Join(err, failuresErr(res.Failures), derr)
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
// failed[k] is why k may remain; err joins every error once.
func (a *Applier) deleteOwned(ctx context.Context, keys []port.Key, opts Options) (failed map[port.Key]error, err error) {
	owned, failed, err := a.owned(ctx, keys, !opts.DeleteDependentEntities)
	errs := []error{err}
	for i, e := range a.deleteAll(ctx, owned, opts) {
		if e != nil && !errors.Is(e, errGone) {
			failed[owned[i].Key] = e
			errs = append(errs, e)
		}
	}
	return failed, errors.Join(errs...)
}

// owned returns those of keys that exist in Port and belong to the
// integration, with their relations when withRefs (for deletion order).
// unchecked holds the keys whose search failed, with its error; err joins
// those errors, once per search.
func (a *Applier) owned(ctx context.Context, keys []port.Key, withRefs bool) (found []target, unchecked map[port.Key]error, err error) {
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
	byChunk := make([][]target, len(chunks))
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
				byChunk[c] = append(byChunk[c], t)
			}
		}
		return nil
	})
	unchecked = map[port.Key]error{}
	for c, e := range errs {
		for _, id := range chunks[c].ids {
			if e != nil {
				unchecked[port.Key{Blueprint: chunks[c].bp, Identifier: id}] = e
			}
		}
	}
	return slices.Concat(byChunk...), unchecked, errors.Join(errs...)
}

// failuresErr joins the errors of failed upserts, or returns nil.
func failuresErr(fs []Failure) error {
	errs := make([]error, len(fs))
	for i, f := range fs {
		errs[i] = f.Err
	}
	return errors.Join(errs...)
}
