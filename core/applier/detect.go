package applier

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/ocean-go/ocean/clients/port"
)

// portCopy is what change detection learnt of an entity's copy in Port. It
// decides whether the entity is written, and how its write is counted.
type portCopy uint8

const (
	// copyUnknown: the lookup failed, so whether Port's copy differs is unknown.
	copyUnknown portCopy = iota
	// copyChanged: Port's copy differs, or the entity is written as changed
	// without comparison (see detect).
	copyChanged
	// copyAbsent: the integration owns no entity with this key.
	copyAbsent
	// copySame: Port holds the entity exactly as given; writing it would
	// change nothing.
	copySame
)

// detect reports, per entity, what Port holds of it: whether writing it would
// change nothing (copySame). It asks Port for the entities the integration
// owns, 50 identifiers of one blueprint per search. Search queries (an
// identifier or relations) are first resolved as Port would resolve them (see
// resolver), and the result is what is compared with Port's copy; ids holds
// the identifier each entity was compared under.
//
// Never reported unchanged (copyChanged): entities whose key appears twice in
// the batch (or whose search identifier resolves to another entity's key),
// with a search-query team, with a relation the blueprint does not define, or
// with a query Port would not resolve to one stored value (it refuses or drops
// the write, which then says why). Those whose lookup failed are copyUnknown.
//
// With a snapshot (a resync's), entities with a plain identifier and plain
// relations are first answered from it, except those of keys the resync
// wrote already (earlier[i]), for which it is out of date.
func (a *Applier) detect(ctx context.Context, entities []port.Entity, merge bool, snap *snapshot, earlier []bool) (copies []portCopy, ids []string) {
	copies = make([]portCopy, len(entities))
	ids = make([]string, len(entities))
	seen := make(map[port.Key]int, len(entities))
	for i := range entities {
		seen[entities[i].Key()]++
	}
	schema := a.targets(ctx)
	res := newResolver()
	idRefs := map[int]queryRef{}
	rels := map[int][]queryRel{}
	var cands []int
	for i := range entities {
		e := &entities[i]
		qrs, ok := queryRelations(e, schema)
		if seen[e.Key()] > 1 || !isPlainValue(e.Team) || !ok {
			copies[i] = copyChanged
			continue
		}
		for n := range qrs {
			qrs[n].ref = res.add(qrs[n].target, qrs[n].query)
		}
		if len(qrs) > 0 {
			rels[i] = qrs
		}
		if e.HasSearchIdentifier() {
			idRefs[i] = res.add(e.Blueprint, e.Identifier)
		}
		cands = append(cands, i)
	}
	res.run(ctx, a)

	var firstErr error
	fail := func(i int, err error) {
		copies[i] = copyUnknown
		firstErr = cmp.Or(firstErr, err)
	}
	subst := map[int]map[string]any{}
	compared := map[port.Key]int{}
	var resolved []int
	for _, i := range cands {
		e := &entities[i]
		id, plain := e.ID()
		if !plain {
			r := res.get(idRefs[i])
			switch {
			case r == nil || r.err == nil && len(r.ids) != 1:
				copies[i] = copyChanged // Port drops or refuses it
				continue
			case r.err != nil:
				fail(i, r.err)
				continue
			}
			id = r.ids[0]
		}
		s, err := resolvedRelations(rels[i], res)
		switch {
		case errors.Is(err, errUnresolvable):
			copies[i] = copyChanged
			continue
		case err != nil:
			fail(i, err)
			continue
		}
		if len(s) > 0 {
			subst[i] = s
		}
		ids[i] = id
		compared[port.Key{Blueprint: e.Blueprint, Identifier: id}]++
		resolved = append(resolved, i)
	}
	// The entities written without comparison count too: one of them may be
	// the entity a search identifier resolved to.
	isResolved := make([]bool, len(entities))
	for _, i := range resolved {
		isResolved[i] = true
	}
	for i := range entities {
		if id, ok := entities[i].ID(); ok && !isResolved[i] {
			compared[port.Key{Blueprint: entities[i].Blueprint, Identifier: id}]++
		}
	}

	groups := map[string][]int{}
	var blueprints []string
	for _, i := range resolved {
		e := &entities[i]
		if compared[port.Key{Blueprint: e.Blueprint, Identifier: ids[i]}] > 1 {
			copies[i], ids[i] = copyChanged, ""
			continue
		}
		if snap != nil && !earlier[i] && !e.HasSearchIdentifier() && subst[i] == nil {
			if c := snap.lookup(e, ids[i]); c != copyUnknown {
				copies[i] = c
				continue
			}
		}
		if _, ok := groups[e.Blueprint]; !ok {
			blueprints = append(blueprints, e.Blueprint)
		}
		groups[e.Blueprint] = append(groups[e.Blueprint], i)
	}
	var chunks [][]int
	for _, bp := range blueprints {
		chunks = slices.AppendSeq(chunks, slices.Chunk(groups[bp], lookupChunk))
	}
	// Each chunk writes only its own indices of copies; a failed one leaves
	// them copyUnknown.
	errs := parallel(len(chunks), lookupConcurrency, func(c int) error {
		return a.compareChunk(ctx, entities, ids, subst, chunks[c], merge, copies)
	})
	for _, err := range errs {
		firstErr = cmp.Or(firstErr, err)
	}
	if firstErr != nil {
		failed := 0
		for _, c := range copies {
			if c == copyUnknown {
				failed++
			}
		}
		a.log.WithError(firstErr).WithField("entities", failed).Warn("Cannot compare some entities with Port; writing them without comparison")
	}
	return copies, ids
}

// compareChunk looks up entities[idx] (one blueprint, identifiers ids[i],
// relations replaced by subst[i]) and sets their copies.
func (a *Applier) compareChunk(ctx context.Context, entities []port.Entity, ids []string, subst map[int]map[string]any,
	idx []int, merge bool, copies []portCopy) error {
	chunkIDs := make([]string, len(idx))
	props, rels := map[string]bool{}, map[string]bool{}
	for n, i := range idx {
		e := &entities[i]
		chunkIDs[n] = ids[i]
		for k := range e.Properties {
			props[k] = true
		}
		for k := range e.Relations {
			rels[k] = true
		}
	}
	q := port.And(
		port.Cond("$identifier", "in", chunkIDs),
		port.Cond("$blueprint", "=", entities[idx[0]].Blueprint),
	)
	include := []string{"blueprint", "identifier", "title", "icon", "team"}
	if merge {
		include = append(include, includePaths("properties", props)...)
		include = append(include, includePaths("relations", rels)...)
	} else {
		// A replace clears what ours does not set: Port's other fields count.
		include = append(include, "properties", "relations")
	}
	found, err := a.client.SearchOwnedEntities(ctx, q, include...)
	if err != nil {
		return err
	}
	byID := make(map[string]*port.Entity, len(found))
	for j := range found {
		if id, ok := found[j].ID(); ok {
			byID[id] = &found[j]
		}
	}
	for n, i := range idx {
		t, ok := byID[chunkIDs[n]]
		if !ok {
			copies[i] = copyAbsent
			continue
		}
		ours := &entities[i]
		if s := subst[i]; s != nil {
			ours, t = withResolved(ours, t, s)
		}
		if sameAsPort(ours, t, merge) {
			copies[i] = copySame
		} else {
			copies[i] = copyChanged
		}
	}
	return nil
}

// includePaths names the sub-keys a search should return ("properties.p").
// A key with a dot cannot be named that way, so the whole map is asked for.
func includePaths(field string, keys map[string]bool) []string {
	var out []string
	for k := range keys {
		if strings.Contains(k, ".") {
			return []string{field}
		}
		out = append(out, field+"."+k)
	}
	slices.Sort(out)
	return out
}
