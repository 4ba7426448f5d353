package applier

import (
	"context"

	"github.com/ocean-go/ocean/clients/port"
)

// relRef is one relation value of an entity: the entity's blueprint, the
// relation name and one target identifier. The target's blueprint comes from
// the blueprint's schema (relationTarget).
type relRef struct {
	Blueprint, Relation, ID string
}

// relationIDs returns the target identifiers of a relation value: an id, a list
// of ids, nil, or a search query. With fromQueries, a query contributes the
// values of its `$identifier =` rules (a good guess for ordering); without, it
// contributes nothing.
func relationIDs(v any, fromQueries bool) []string {
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		return []string{t}
	case []string:
		return t
	case []any:
		var ids []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				ids = append(ids, s)
			}
		}
		return ids
	}
	if fromQueries {
		return queryIdentifiers(v)
	}
	return nil
}

// queryIdentifiers collects the values of `$identifier =` rules of a search
// query in any of its forms (port.Query, *port.Query, decoded JSON object).
func queryIdentifiers(v any) []string {
	switch q := v.(type) {
	case *port.Query:
		if q != nil {
			return ruleIdentifiers(q.Rules)
		}
	case port.Query:
		return ruleIdentifiers(q.Rules)
	case map[string]any:
		var ids []string
		if q["property"] == "$identifier" && q["operator"] == "=" {
			if s, ok := q["value"].(string); ok {
				ids = append(ids, s)
			}
		}
		if rules, ok := q["rules"].([]any); ok {
			for _, r := range rules {
				ids = append(ids, queryIdentifiers(r)...)
			}
		}
		return ids
	}
	return nil
}

func ruleIdentifiers(rules []port.Rule) []string {
	var ids []string
	for _, r := range rules {
		if r.IsGroup() {
			ids = append(ids, ruleIdentifiers(r.Rules)...)
			continue
		}
		if s, ok := r.Value.(string); ok && r.Property == "$identifier" && r.Operator == "=" {
			ids = append(ids, s)
		}
	}
	return ids
}

// isPlainValue reports whether a relation or team value names identifiers
// directly (nil, a string, a list of strings), as opposed to a search query.
func isPlainValue(v any) bool {
	switch t := v.(type) {
	case nil, string, []string:
		return true
	case []any:
		for _, x := range t {
			if _, ok := x.(string); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// relRefs lists e's relation targets given by identifier; queries are skipped.
func relRefs(e *port.Entity, fromQueries bool) []relRef {
	var refs []relRef
	for name, v := range e.Relations {
		for _, id := range relationIDs(v, fromQueries) {
			refs = append(refs, relRef{Blueprint: e.Blueprint, Relation: name, ID: id})
		}
	}
	return refs
}

// targetResolver maps (blueprint, relation) to the relation's target
// blueprint, reading each blueprint from Port once. It returns "" when that
// cannot be told (blueprint unreadable, relation unknown); callers then match
// the identifier in any blueprint, which errs on the safe side.
type targetResolver struct {
	ctx        context.Context
	a          *Applier
	blueprints map[string]*port.Blueprint // nil value: unreadable
}

func (a *Applier) targets(ctx context.Context) *targetResolver {
	return &targetResolver{ctx: ctx, a: a, blueprints: map[string]*port.Blueprint{}}
}

func (t *targetResolver) target(bp, relation string) string {
	rel, _ := t.relation(bp, relation)
	return rel.Target
}

// relation returns the schema of a relation; ok is false when the blueprint
// cannot be read or has no such relation.
func (t *targetResolver) relation(bp, name string) (rel port.Relation, ok bool) {
	b, read := t.blueprints[bp]
	if !read {
		var err error
		if b, err = t.a.client.GetBlueprint(t.ctx, bp); err != nil {
			t.a.log.WithError(err).WithField("blueprint", bp).Warn("Cannot read blueprint; matching its relation targets by identifier only")
			b = nil
		}
		t.blueprints[bp] = b
	}
	if b == nil {
		return port.Relation{}, false
	}
	rel, ok = b.Relations[name]
	return rel, ok && rel.Target != ""
}

// keyIndex finds entities by key, or by identifier alone when the blueprint of
// a relation target is unknown.
type keyIndex struct {
	byKey map[port.Key][]int
	byID  map[string][]int
}

func newKeyIndex(keys []port.Key) keyIndex {
	ix := keyIndex{byKey: map[port.Key][]int{}, byID: map[string][]int{}}
	for i, k := range keys {
		ix.byKey[k] = append(ix.byKey[k], i)
		ix.byID[k.Identifier] = append(ix.byID[k.Identifier], i)
	}
	return ix
}

func (ix keyIndex) find(blueprint, id string) []int {
	if blueprint == "" {
		return ix.byID[id]
	}
	return ix.byKey[port.Key{Blueprint: blueprint, Identifier: id}]
}

// dependencyEdges returns, for each entity i, the entities i relates to among
// keys (its relation targets), resolving target blueprints through Port.
func (t *targetResolver) dependencyEdges(keys []port.Key, refs [][]relRef) [][]int {
	ix := newKeyIndex(keys)
	out := make([][]int, len(keys))
	for i, rs := range refs {
		for _, r := range rs {
			if len(ix.byID[r.ID]) == 0 {
				continue // no target among keys: spare reading the blueprint
			}
			for _, j := range ix.find(t.target(r.Blueprint, r.Relation), r.ID) {
				if j != i {
					out[i] = append(out[i], j)
				}
			}
		}
	}
	return out
}
