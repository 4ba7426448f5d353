package applier

import (
	"context"
	"errors"
	"fmt"

	"github.com/ocean-go/ocean/clients/port"
)

// LoadResult counts what Load did with one batch.
type LoadResult struct {
	Created, Updated int
	Unchanged        int // equal to Port's copy: not written
	Failed           int
	Dropped          int // search identifier matched no entity: nothing to write
	Failures         []Failure
}

// Failure is an entity Port refused, kept whole so that it can be retried.
type Failure struct {
	Entity port.Entity
	Err    error
	Kind   string // the kind whose load wrote it, when a Reconciler recorded it
}

func (r *LoadResult) add(o LoadResult) {
	r.Created += o.Created
	r.Updated += o.Updated
	r.Unchanged += o.Unchanged
	r.Failed += o.Failed
	r.Dropped += o.Dropped
	r.Failures = append(r.Failures, o.Failures...)
}

// Load writes one batch of a resync: entities equal to Port's copy are
// skipped, the others are upserted in bulk. One entity failing never stops the
// others; failures are returned for the end-of-resync retry. The error is set
// only when the batch could not be written at all (the entities are then also
// in Failures).
func (a *Applier) Load(ctx context.Context, entities []port.Entity, opts Options) (LoadResult, error) {
	res, _, err := a.load(ctx, entities, opts)
	return res, err
}

// load is Load, also returning the entities written, with the identifiers Port
// resolved for search identifiers.
func (a *Applier) load(ctx context.Context, entities []port.Entity, opts Options) (LoadResult, []port.Entity, error) {
	unchanged := a.findUnchanged(ctx, entities, opts.Merge)
	var res LoadResult
	changed := make([]port.Entity, 0, len(entities))
	for i := range entities {
		if unchanged[i] {
			res.Unchanged++
		} else {
			changed = append(changed, entities[i])
		}
	}
	w, written, err := a.write(ctx, changed, opts)
	res.add(w)
	a.log.WithFields(map[string]any{
		"created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged,
		"failed": res.Failed, "dropped": res.Dropped,
	}).Debug("Loaded entities")
	return res, written, err
}

// write upserts entities, all of them, and returns the ones Port accepted.
// When a key appears more than once, later copies go in later rounds so that
// they apply in input order (with merge, each adds its fields).
func (a *Applier) write(ctx context.Context, entities []port.Entity, opts Options) (LoadResult, []port.Entity, error) {
	var res LoadResult
	written := make([]port.Entity, 0, len(entities))
	var errs []error
	for _, batch := range rounds(entities) {
		results, err := a.client.UpsertEntities(ctx, batch, opts.upsert())
		if err != nil {
			errs = append(errs, err)
		}
		for i := range batch {
			var r port.UpsertResult
			if i < len(results) {
				r = results[i]
			}
			switch {
			case r.Dropped:
				res.Dropped++
			case r.Err == nil && r.Entity.Identifier != nil:
				if r.Created {
					res.Created++
				} else {
					res.Updated++
				}
				e := batch[i]
				e.Identifier = r.Entity.Identifier
				written = append(written, e)
			default:
				ferr := firstErr(r.Err, err)
				res.Failed++
				res.Failures = append(res.Failures, Failure{Entity: batch[i], Err: fmt.Errorf("upsert %s: %w", batch[i].Key(), ferr)})
			}
		}
	}
	if len(errs) > 0 {
		return res, written, fmt.Errorf("upsert entities: %w", errors.Join(errs...))
	}
	return res, written, nil
}

// errNoResult explains a failure Port gave no reason for.
var errNoResult = errors.New("no result for this entity")

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return errNoResult
}

// rounds splits entities so that no round holds a key twice; the n-th copy of
// a key goes to round n.
func rounds(entities []port.Entity) [][]port.Entity {
	var out [][]port.Entity
	copies := make(map[port.Key]int, len(entities))
	for _, e := range entities {
		k := e.Key()
		n := copies[k]
		copies[k] = n + 1
		if n == len(out) {
			out = append(out, nil)
		}
		out[n] = append(out[n], e)
	}
	return out
}
