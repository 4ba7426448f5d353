package applier

import (
	"cmp"
	"context"
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
// owns, 50 identifiers of one blueprint per search. Entities that use search
// queries, or whose key appears twice in the batch, are never reported
// unchanged (copyChanged); those whose lookup failed are copyUnknown.
func (a *Applier) detect(ctx context.Context, entities []port.Entity, merge bool) []portCopy {
	copies := make([]portCopy, len(entities))
	seen := make(map[port.Key]int, len(entities))
	for i := range entities {
		seen[entities[i].Key()]++
	}
	groups := map[string][]int{}
	var blueprints []string
	for i := range entities {
		e := &entities[i]
		if usesSearch(e) || seen[e.Key()] > 1 {
			copies[i] = copyChanged
			continue
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
		return a.compareChunk(ctx, entities, chunks[c], merge, copies)
	})
	failed, first := 0, error(nil)
	for c, err := range errs {
		if err != nil {
			failed += len(chunks[c])
			first = cmp.Or(first, err)
		}
	}
	if first != nil {
		a.log.WithError(first).WithField("entities", failed).Warn("Cannot compare some entities with Port; writing them without comparison")
	}
	return copies
}

// compareChunk looks up entities[idx] (one blueprint) and sets their copies.
func (a *Applier) compareChunk(ctx context.Context, entities []port.Entity, idx []int, merge bool, copies []portCopy) error {
	ids := make([]string, len(idx))
	props, rels := map[string]bool{}, map[string]bool{}
	for n, i := range idx {
		e := &entities[i]
		ids[n], _ = e.ID()
		for k := range e.Properties {
			props[k] = true
		}
		for k := range e.Relations {
			rels[k] = true
		}
	}
	q := port.And(
		port.Cond("$identifier", "in", ids),
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
		t, ok := byID[ids[n]]
		switch {
		case !ok:
			copies[i] = copyAbsent
		case sameAsPort(&entities[i], t, merge):
			copies[i] = copySame
		default:
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
