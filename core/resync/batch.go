package resync

import (
	"context"
	"errors"
	"fmt"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/core/appconfig"
	"github.com/ocean-go/ocean/core/applier"
)

// RawChange is the result of one live event for one kind: the raw items it
// updated and those it deleted.
type RawChange struct {
	Kind             string
	Updated, Deleted []any
}

// SyncRawResults applies a live event's raw results for kind, as Ocean's
// sync_raw_results: SyncRawBatch with one change.
func (e *Engine) SyncRawResults(ctx context.Context, kind string, updated, deleted []any) error {
	return e.SyncRawBatch(ctx, []RawChange{{Kind: kind, Updated: updated, Deleted: deleted}})[0]
}

// SyncRawBatch applies changes, the results of live events in arrival order,
// with as few Port requests as possible, leaving Port as SyncRawResults on
// each change in turn would. errs[i] is the error of changes[i], nil when it
// was applied.
//
// Each change is synced as Ocean's sync_raw_results: updated items whose
// entities pass a selector are upserted; the entities a selector rejects and
// those of deleted items are deleted if owned, unless the same change upserts
// them (search identifiers as Port resolved them); entities identified by a
// search query are never deleted. Across changes only the last operation on an
// entity counts: a deletion never beats a later upsert, nor an upsert a later
// deletion (with merge, an earlier upsert setting a field the later one does
// not set is kept, before it, and an upsert after a deletion is sent after
// it). What is left goes to Port in one
// Applier.RegisterEach (bulk requests, several at a time; relation targets
// first when Port does not create missing ones) and one
// Applier.UnregisterEach. A change with a search identifier is synced apart,
// since what it resolves to depends on the changes before it.
//
// A change fails alone, and then deletes nothing, as on its own:
//   - when a resource of its kind does not compile, it does nothing at all;
//   - when some of its items do not map, it upserts what mapped;
//   - when Port refuses one of its upserts. Port tells which entity failed,
//     and only the change that entity came from fails. That change still
//     supersedes the operations of earlier changes on the same entities,
//     which are not sent: retrying it applies it.
//
// A deletion Port refuses fails the change it came from.
func (e *Engine) SyncRawBatch(ctx context.Context, changes []RawChange) (errs []error) {
	errs = make([]error, len(changes))
	if len(changes) == 0 {
		return errs
	}
	ctx, ev, end := e.ensureEvent(ctx)
	defer end()
	mapping, err := e.Mapping(ctx, false)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	mapped := make([]changeOps, len(changes))
	for i, c := range changes {
		mapped[i], errs[i] = e.mapChange(ctx, mapping, c)
	}
	// Port resolves a search identifier against what it holds when the
	// entity is written, so a change with one is synced on its own, after the
	// changes before it and before those after it.
	//
	// With merge, an upsert after a deletion of its entity must follow it
	// (else the fields it does not set survive): the batch is cut before it.
	opts := applierOptions(mapping, ev)
	apply := func(from, to int) {
		if from < to {
			e.syncOps(ctx, opts, mapped[from:to], errs[from:to])
		}
	}
	start, deleted := 0, map[port.Key]bool{}
	for i := range mapped {
		switch {
		case mapped[i].search:
			apply(start, i)
			apply(i, i+1)
			start, deleted = i+1, map[port.Key]bool{}
			continue
		case opts.Merge && mapped[i].upsertsAny(deleted):
			apply(start, i)
			start, deleted = i, map[port.Key]bool{}
		}
		for _, en := range mapped[i].deletes {
			deleted[en.Key()] = true
		}
	}
	apply(start, len(mapped))
	return errs
}

// changeOps are what one change does: its upserts, then its deletions.
type changeOps struct {
	upserts, deletes []port.Entity
	search           bool // an upsert has a search identifier
}

// upsertsAny reports whether c upserts one of keys.
func (c changeOps) upsertsAny(keys map[port.Key]bool) bool {
	for i := range c.upserts {
		if keys[c.upserts[i].Key()] {
			return true
		}
	}
	return false
}

// mapChange maps the items of c into what it upserts and deletes. With a
// mapping error it deletes nothing, and upserts nothing when a resource does
// not compile.
func (e *Engine) mapChange(ctx context.Context, mapping *appconfig.PortAppConfig, c RawChange) (changeOps, error) {
	up, err := e.mapKind(ctx, mapping, c.Kind, c.Updated, true)
	if err != nil {
		return changeOps{}, err
	}
	del, err := e.mapKind(ctx, mapping, c.Kind, c.Deleted, false)
	if err != nil {
		return changeOps{}, err
	}
	ops := changeOps{upserts: up.passed}
	for i := range up.passed {
		ops.search = ops.search || up.passed[i].HasSearchIdentifier()
	}
	if errs := append(up.errs, del.errs...); len(errs) > 0 {
		return ops, fmt.Errorf("mapping %s: %w (nothing deleted)", c.Kind, errors.Join(errs...))
	}
	keep := make(map[port.Key]bool, len(up.passed))
	for i := range up.passed {
		keep[up.passed[i].Key()] = true
	}
	for _, list := range [][]port.Entity{up.failed, del.passed} {
		for _, en := range list {
			if !keep[en.Key()] && !en.HasSearchIdentifier() {
				ops.deletes = append(ops.deletes, en)
			}
		}
	}
	return ops, nil
}

// syncOps applies the operations of changes in order, only the last one on
// each entity, in one Register and one Unregister; errs[i] gets the errors of
// changes[i].
func (e *Engine) syncOps(ctx context.Context, opts applier.Options, changes []changeOps, errs []error) {
	pending := pendingOps{merge: opts.Merge, live: map[port.Key][]int{}}
	for i := range changes {
		pending.upsert(i, changes[i].upserts)
		for _, en := range changes[i].deletes {
			pending.delete(i, en)
		}
	}
	upserts, upChange, deletes, delChange := pending.survivors()

	upsertFailed := map[int]bool{}
	lastUpsert := map[port.Key]int{} // latest change whose upsert Port wrote under the key
	if len(upserts) > 0 {
		keys, uerrs := e.Applier.RegisterEach(ctx, upserts, opts)
		for p, k := range keys {
			c := upChange[p]
			switch {
			case uerrs[p] != nil:
				errs[c] = errors.Join(errs[c], uerrs[p])
				upsertFailed[c] = true
			case k != port.Key{}:
				if last, ok := lastUpsert[k]; !ok || c > last {
					lastUpsert[k] = c
				}
			}
		}
	}
	var gone []port.Entity
	var goneChange []int
	for p := range deletes {
		c := delChange[p]
		if upsertFailed[c] {
			continue
		}
		// A search identifier of the change resolved to the entity: it was
		// written, so it stays.
		if last, ok := lastUpsert[deletes[p].Key()]; ok && last >= c {
			continue
		}
		gone = append(gone, deletes[p])
		goneChange = append(goneChange, c)
	}
	if len(gone) > 0 {
		// Every error of the call is also some entity's.
		derrs, _ := e.Applier.UnregisterEach(ctx, gone, opts)
		for p, err := range derrs {
			if err != nil {
				errs[goneChange[p]] = errors.Join(errs[goneChange[p]], err)
			}
		}
	}
}

// pendingOps are the upserts and deletions of a batch of changes in arrival
// order, those a later operation on the same entity makes useless dropped.
type pendingOps struct {
	merge bool // upserts merge into Port's copy rather than replace it
	ops   []pendingOp
	live  map[port.Key][]int // positions in ops not dropped, per entity
}

type pendingOp struct {
	change  int
	entity  port.Entity
	delete  bool
	dropped bool
}

// upsert adds the upserts of change. An upsert drops an earlier deletion of
// the entity and the earlier upserts it overwrites entirely: with merge, an
// earlier upsert setting a field the later one does not set still counts.
func (o *pendingOps) upsert(change int, entities []port.Entity) {
	for i := range entities {
		en := &entities[i]
		k := en.Key()
		kept := o.live[k][:0]
		for _, p := range o.live[k] {
			if prev := &o.ops[p]; !prev.delete && o.merge && !setsAllOf(en, &prev.entity) {
				kept = append(kept, p)
			} else {
				prev.dropped = true
			}
		}
		o.live[k] = append(kept, len(o.ops))
		o.ops = append(o.ops, pendingOp{change: change, entity: *en})
	}
}

// delete adds a deletion by change, which drops every earlier operation on
// the entity.
func (o *pendingOps) delete(change int, en port.Entity) {
	k := en.Key()
	for _, p := range o.live[k] {
		o.ops[p].dropped = true
	}
	o.live[k] = append(o.live[k][:0], len(o.ops))
	o.ops = append(o.ops, pendingOp{change: change, entity: en, delete: true})
}

// survivors returns the operations not dropped, in arrival order, each with
// its change.
func (o *pendingOps) survivors() (upserts []port.Entity, upChange []int, deletes []port.Entity, delChange []int) {
	for _, op := range o.ops {
		switch {
		case op.dropped:
		case op.delete:
			deletes = append(deletes, op.entity)
			delChange = append(delChange, op.change)
		default:
			upserts = append(upserts, op.entity)
			upChange = append(upChange, op.change)
		}
	}
	return upserts, upChange, deletes, delChange
}

// setsAllOf reports whether later sets every field earlier sets, so that a
// merge upsert of later leaves nothing of earlier in Port.
func setsAllOf(later, earlier *port.Entity) bool {
	if earlier.Title != nil && later.Title == nil ||
		earlier.Icon != nil && later.Icon == nil ||
		earlier.Team != nil && later.Team == nil {
		return false
	}
	for _, m := range [][2]map[string]any{{earlier.Properties, later.Properties}, {earlier.Relations, later.Relations}} {
		for name := range m[0] {
			if _, ok := m[1][name]; !ok {
				return false
			}
		}
	}
	return true
}
