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
	// Uncompared counts entities Port already had, written without knowing
	// whether they changed: their change-detection lookup failed.
	Uncompared int
	Failed     int
	Dropped    int // search identifier matched no entity: nothing to write
	Failures   []Failure
	// CreatedKeys and UpdatedKeys are, in a dry run, the first SampleSize
	// entities it would create and update (Uncompared ones are not named).
	CreatedKeys, UpdatedKeys []port.Key
}

// Failure is an entity Port refused, kept whole so that it can be retried.
type Failure struct {
	Entity port.Entity
	Err    error
	Kind   string // the kind whose load wrote it, when a Reconciler recorded it

	copy portCopy // what change detection saw in Port, to count a retry
	at   int      // position of the entity in the input of the write
}

func (r *LoadResult) add(o LoadResult) {
	r.Created += o.Created
	r.Updated += o.Updated
	r.Unchanged += o.Unchanged
	r.Uncompared += o.Uncompared
	r.Failed += o.Failed
	r.Dropped += o.Dropped
	r.Failures = append(r.Failures, o.Failures...)
	r.CreatedKeys = appendSample(r.CreatedKeys, o.CreatedKeys...)
	r.UpdatedKeys = appendSample(r.UpdatedKeys, o.UpdatedKeys...)
}

// appendSample appends keys to sample up to SampleSize in all.
func appendSample(sample []port.Key, keys ...port.Key) []port.Key {
	return append(sample, keys[:min(len(keys), max(0, SampleSize-len(sample)))]...)
}

// countWrite counts one entity Port accepted. Port's created flag says what
// the last attempt found; what change detection saw before the first one
// corrects it: an entity the integration did not have, that Port says existed
// after an attempt that may have been carried out (lostAttempt), was created
// by that attempt; one that could not be looked up may not have changed.
func (r *LoadResult) countWrite(created bool, c portCopy, lostAttempt bool) {
	switch {
	case created, c == copyAbsent && lostAttempt:
		r.Created++
	case c == copyUnknown:
		r.Uncompared++
	default:
		r.Updated++
	}
}

// Load writes one batch of a resync: entities equal to Port's copy are
// skipped, the others are upserted in bulk. One entity failing never stops the
// others; failures are returned for the end-of-resync retry. The error is set
// only when the batch could not be written at all (the entities are then also
// in Failures).
func (a *Applier) Load(ctx context.Context, entities []port.Entity, opts Options) (LoadResult, error) {
	res, _, err := a.load(ctx, entities, opts, nil, nil)
	return res, err
}

// load is Load, also returning the entities written and those with a search
// identifier found unchanged, with the identifiers Port resolved for search
// identifiers. snap and earlier are detect's.
func (a *Applier) load(ctx context.Context, entities []port.Entity, opts Options, snap *snapshot, earlier []bool) (LoadResult, []port.Entity, error) {
	copies, ids := a.detect(ctx, entities, opts.Merge, snap, earlier)
	var res LoadResult
	var found []port.Entity
	changed := make([]port.Entity, 0, len(entities))
	changedCopies := make([]portCopy, 0, len(entities))
	for i := range entities {
		if copies[i] == copySame {
			res.Unchanged++
			if entities[i].HasSearchIdentifier() {
				e := entities[i]
				e.Identifier = ids[i]
				found = append(found, e)
			}
		} else {
			changed = append(changed, entities[i])
			changedCopies = append(changedCopies, copies[i])
		}
	}
	if a.dryRun {
		w, planned := plan(changed, changedCopies, ids, copies)
		res.add(w)
		return res, append(planned, found...), nil
	}
	w, written, _, err := a.write(ctx, changed, changedCopies, opts)
	res.add(w)
	a.log.WithFields(map[string]any{
		"created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged,
		"uncompared": res.Uncompared, "failed": res.Failed, "dropped": res.Dropped,
	}).Debug("Loaded entities")
	return res, append(written, found...), err
}

// write upserts entities, all of them, and returns the ones Port accepted;
// at[k] is the position in entities of written[k]. copies[i] is what change
// detection saw of entities[i] (nil: nothing, the writes count as Port says).
// When a key appears more than once, later copies go in later rounds so that
// they apply in input order (with merge, each adds its fields).
func (a *Applier) write(ctx context.Context, entities []port.Entity, copies []portCopy, opts Options) (LoadResult, []port.Entity, []int, error) {
	var res LoadResult
	written := make([]port.Entity, 0, len(entities))
	at := make([]int, 0, len(entities))
	var errs []error
	for _, round := range rounds(entities) {
		batch := make([]port.Entity, len(round))
		for n, i := range round {
			batch[n] = entities[i]
		}
		results, err := a.client.UpsertEntities(ctx, batch, opts.upsert())
		if err != nil {
			errs = append(errs, err)
		}
		for n, i := range round {
			c := copyChanged
			if copies != nil {
				c = copies[i]
			}
			var r port.UpsertResult
			if n < len(results) {
				r = results[n]
			}
			switch {
			case r.Dropped:
				res.Dropped++
			case r.Err == nil && r.Entity.Identifier != nil:
				res.countWrite(r.Created, c, r.Resent)
				e := batch[n]
				e.Identifier = r.Entity.Identifier
				written = append(written, e)
				at = append(at, i)
			default:
				ferr := firstErr(r.Err, err)
				res.Failed++
				res.Failures = append(res.Failures, Failure{Entity: batch[n], Err: fmt.Errorf("upsert %s: %w", batch[n].Key(), ferr), copy: c, at: i})
			}
		}
	}
	if len(errs) > 0 {
		return res, written, at, fmt.Errorf("upsert entities: %w", errors.Join(errs...))
	}
	return res, written, at, nil
}

// plan counts what writing changed would do, as a dry run: absent entities
// would be created, the others updated (Uncompared when their lookup failed).
// It returns the entities as they would be written, with the identifier a
// search identifier resolved to when change detection resolved it. ids and
// copies are change detection's, by position in the whole batch: changed
// keeps their order.
func plan(changed []port.Entity, changedCopies []portCopy, ids []string, copies []portCopy) (LoadResult, []port.Entity) {
	var res LoadResult
	resolved := make([]string, 0, len(changed))
	for i := range copies {
		if copies[i] != copySame {
			resolved = append(resolved, ids[i])
		}
	}
	planned := make([]port.Entity, len(changed))
	for i, e := range changed {
		if e.HasSearchIdentifier() && resolved[i] != "" {
			e.Identifier = resolved[i]
		}
		planned[i] = e
		switch changedCopies[i] {
		case copyAbsent:
			res.Created++
			res.CreatedKeys = appendSample(res.CreatedKeys, e.Key())
		case copyUnknown:
			res.Uncompared++
		default:
			res.Updated++
			res.UpdatedKeys = appendSample(res.UpdatedKeys, e.Key())
		}
	}
	return res, planned
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

// rounds splits the positions of entities so that no round holds a key
// twice; the n-th copy of a key goes to round n.
func rounds(entities []port.Entity) [][]int {
	var out [][]int
	copies := make(map[port.Key]int, len(entities))
	for i := range entities {
		k := entities[i].Key()
		n := copies[k]
		copies[k] = n + 1
		if n == len(out) {
			out = append(out, nil)
		}
		out[n] = append(out[n], i)
	}
	return out
}

// mayHaveWritten reports whether a failed upsert may still have been carried
// out: Port refused neither the entity nor the request (no answer came, or a
// server error).
func mayHaveWritten(err error) bool {
	var ee *port.EntityError
	if errors.As(err, &ee) {
		return false
	}
	var ae *port.APIError
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500
	}
	return !errors.Is(err, port.ErrValidation)
}
