package applier

import (
	"context"
	"errors"
	"fmt"

	"github.com/ocean-go/ocean/clients/port"
)

// target is an entity to delete: its key and, for ordering, its relations.
type target struct {
	Key  port.Key
	Refs []relRef
}

// errNotDeleted is reported for an entity that is still there after a bulk
// delete that did not say why.
var errNotDeleted = errors.New("not confirmed deleted by Port")

// errGone is reported for an entity that was already gone when deleted (Port
// answered 404): someone else deleted it, not us. It is no failure.
var errGone = errors.New("already deleted by someone else")

// deleteAll deletes targets and returns, per target, nil when this call
// deleted it and errGone when it was gone already. (With delete_dependents,
// an entity gone as a dependent of another one counts as deleted: Port does
// not say by whom.)
func (a *Applier) deleteAll(ctx context.Context, targets []target, opts Options) []error {
	if len(targets) == 0 {
		return nil
	}
	if opts.DeleteDependentEntities {
		return a.deleteBulk(ctx, targets, opts)
	}
	return a.deleteOrdered(ctx, targets, opts)
}

// deleteBulk deletes with delete_dependents=true, so order does not matter.
// An entity Port does not list as deleted may have gone as a dependent of
// another one in the same call, so Port is asked which of those remain.
func (a *Applier) deleteBulk(ctx context.Context, targets []target, opts Options) []error {
	keys := make([]port.Key, len(targets))
	for i, t := range targets {
		keys[i] = t.Key
	}
	deleted, err := a.client.DeleteEntities(ctx, keys, opts.delete())
	gone := make(map[port.Key]bool, len(deleted))
	for _, k := range deleted {
		gone[k] = true
	}
	var unconfirmed []port.Key
	for _, k := range keys {
		if !gone[k] {
			unconfirmed = append(unconfirmed, k)
		}
	}
	remain := map[port.Key]bool{}
	if len(unconfirmed) > 0 {
		left, unchecked, lerr := a.owned(ctx, unconfirmed, false)
		err = errors.Join(err, lerr)
		for _, t := range left {
			remain[t.Key] = true
		}
		for k := range unchecked { // unknown: assume they remain
			remain[k] = true
		}
	}
	errs := make([]error, len(keys))
	for i, k := range keys {
		if remain[k] {
			errs[i] = fmt.Errorf("delete %s: %w", k, firstErr(err, errNotDeleted))
		}
	}
	return errs
}

// deleteOrdered deletes one entity per request, each entity before the
// entities it relates to, because Port refuses to delete an entity that others
// still point at. (Ocean deletes relation targets first, the order it uses for
// upserts, and so fails on required relations; this is deliberate.) Entities
// with no order between them are deleted concurrently.
func (a *Applier) deleteOrdered(ctx context.Context, targets []target, opts Options) []error {
	keys := make([]port.Key, len(targets))
	refs := make([][]relRef, len(targets))
	for i, t := range targets {
		keys[i], refs[i] = t.Key, t.Refs
	}
	relatesTo := a.targets(ctx).dependencyEdges(keys, refs)
	errs := make([]error, len(targets))
	for _, layer := range layers(reverse(relatesTo)) {
		lerrs := parallel(len(layer), deleteConcurrency, func(n int) error {
			k := keys[layer[n]]
			deleted, err := a.client.DeleteEntity(ctx, k.Blueprint, k.Identifier, opts.delete())
			if err == nil && !deleted {
				return errGone
			}
			return err
		})
		for n, err := range lerrs {
			switch {
			case errors.Is(err, errGone):
				errs[layer[n]] = err
			case err != nil:
				errs[layer[n]] = fmt.Errorf("delete %s: %w", keys[layer[n]], err)
			}
		}
	}
	return errs
}

// protection is the set of entities a deletion must spare because entities
// being written relate to them.
type protection struct {
	keys  map[port.Key]bool
	anyBP map[string]bool // target blueprint unknown: spare the id in any blueprint
}

// protect spares the targets of refs and, transitively, what the spared
// entities among through relate to (see spread).
func (a *Applier) protect(ctx context.Context, refs map[relRef]struct{}, through []target) protection {
	p := protection{keys: map[port.Key]bool{}, anyBP: map[string]bool{}}
	t := a.targets(ctx)
	for ref := range refs {
		p.add(t, ref)
	}
	p.spread(t, through)
	return p
}

// add spares the target of ref and returns its blueprint, "" when unknown.
func (p protection) add(t *targetResolver, ref relRef) string {
	bp := t.target(ref.Blueprint, ref.Relation)
	if bp != "" {
		p.keys[port.Key{Blueprint: bp, Identifier: ref.ID}] = true
	} else {
		p.anyBP[ref.ID] = true
	}
	return bp
}

// spread spares, transitively, what the spared entities among cands relate
// to: with delete_dependents, deleting such a target would cascade through the
// spared entity into the entity it was spared for.
func (p protection) spread(t *targetResolver, cands []target) {
	keys := make([]port.Key, len(cands))
	for i := range cands {
		keys[i] = cands[i].Key
	}
	ix := newKeyIndex(keys)
	done := make([]bool, len(cands))
	var queue []int
	for i, k := range keys {
		if p.has(k) {
			done[i] = true
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, ref := range cands[i].Refs {
			for _, j := range ix.find(p.add(t, ref), ref.ID) {
				if !done[j] {
					done[j] = true
					queue = append(queue, j)
				}
			}
		}
	}
}

func (p protection) has(k port.Key) bool { return p.keys[k] || p.anyBP[k.Identifier] }
