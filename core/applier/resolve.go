package applier

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"

	"github.com/ocean-go/ocean/clients/port"
)

// maxRelationMatches is how many entities a relation's search query may match;
// Port refuses a write whose query matches more.
const maxRelationMatches = 100

// queryRef names one search query of a batch: the blueprint it searches (the
// entity's own for an identifier, the relation's target for a relation) and
// the query as canonical JSON.
type queryRef struct {
	blueprint, query string
}

// resolution is what a query matched, or why that is unknown.
type resolution struct {
	ids []string
	err error // the search failed
}

// resolver resolves the search queries of one batch as Port does when it
// writes them, so that change detection can compare what Port stored (the
// resolved identifiers) with what a write would store. It searches as little
// as it can: queries naming one identifier (`$identifier = x`, the usual
// mapping) are answered together, one `in` search per 50 identifiers of a
// blueprint; any other query costs one search, each distinct query once.
type resolver struct {
	queries map[queryRef]*resolution // nil: a query Port would refuse outright
	named   map[port.Key][]*resolution
	other   []otherQuery
}

type otherQuery struct {
	blueprint string
	q         port.Query
	res       *resolution
}

func newResolver() *resolver {
	return &resolver{queries: map[queryRef]*resolution{}, named: map[port.Key][]*resolution{}}
}

// add records query q, searched in blueprint, and returns its reference.
func (r *resolver) add(blueprint string, q any) queryRef {
	plain, key, ok := canonicalQuery(q)
	ref := queryRef{blueprint: blueprint, query: key}
	if _, done := r.queries[ref]; done || !ok {
		if !ok {
			r.queries[ref] = nil
		}
		return ref
	}
	res := &resolution{}
	if id, ok := namedIdentifier(plain, blueprint); ok {
		k := port.Key{Blueprint: blueprint, Identifier: id}
		r.named[k] = append(r.named[k], res)
	} else if pq, ok := toQuery(plain); ok {
		r.other = append(r.other, otherQuery{blueprint: blueprint, q: pq, res: res})
	} else {
		res = nil
	}
	r.queries[ref] = res
	return ref
}

// get returns the resolution of an added query once run has run; nil when
// Port would refuse the query.
func (r *resolver) get(ref queryRef) *resolution { return r.queries[ref] }

// run resolves every added query, lookupConcurrency searches at a time.
func (r *resolver) run(ctx context.Context, a *Applier) {
	byBP := map[string][]string{}
	for k := range r.named {
		byBP[k.Blueprint] = append(byBP[k.Blueprint], k.Identifier)
	}
	var tasks []func()
	for _, bp := range slices.Sorted(maps.Keys(byBP)) {
		ids := slices.Sorted(slices.Values(byBP[bp]))
		for chunk := range slices.Chunk(ids, lookupChunk) {
			tasks = append(tasks, func() {
				got, err := a.client.SearchEntities(ctx, port.And(port.Cond("$identifier", "in", chunk), port.Cond("$blueprint", "=", bp)), "identifier")
				exists := map[string]bool{}
				for i := range got {
					if id, ok := got[i].ID(); ok {
						exists[id] = true
					}
				}
				for _, id := range chunk {
					for _, res := range r.named[port.Key{Blueprint: bp, Identifier: id}] {
						switch {
						case err != nil:
							res.err = err
						case exists[id]:
							res.ids = []string{id}
						default:
							res.ids = []string{}
						}
					}
				}
			})
		}
	}
	for _, o := range r.other {
		tasks = append(tasks, func() {
			// Port resolves a query among the entities of one blueprint.
			got, err := a.client.SearchEntities(ctx, port.And(o.q.Group(), port.Cond("$blueprint", "=", o.blueprint)), "identifier")
			o.res.err = err
			o.res.ids = []string{}
			for i := range got {
				if id, ok := got[i].ID(); ok {
					o.res.ids = append(o.res.ids, id)
				}
			}
		})
	}
	// Each task writes only its own resolutions.
	parallel(len(tasks), lookupConcurrency, func(i int) error { tasks[i](); return nil })
}

// canonicalQuery returns q as decoded JSON and as canonical JSON text (sorted
// keys); ok is false when q is not a JSON object.
func canonicalQuery(q any) (map[string]any, string, bool) {
	plain, ok := normalize(q).(map[string]any)
	if !ok {
		return nil, "", false
	}
	b, err := json.Marshal(plain)
	if err != nil {
		return nil, "", false
	}
	return plain, string(b), true
}

// namedIdentifier returns x when query q, searched in blueprint, can match
// only the entity x: its rules are one `$identifier = x` and, at most,
// `$blueprint = blueprint`.
func namedIdentifier(q map[string]any, blueprint string) (string, bool) {
	rules, ok := q["rules"].([]any)
	comb := q["combinator"]
	if !ok || !(comb == "and" || comb == "or" && len(rules) == 1) {
		return "", false
	}
	id := ""
	for _, raw := range rules {
		rule, ok := raw.(map[string]any)
		if !ok || len(rule) != 3 || rule["operator"] != "=" {
			return "", false
		}
		v, isString := rule["value"].(string)
		switch {
		case !isString:
			return "", false
		case rule["property"] == "$identifier" && id == "":
			id = v
		case rule["property"] == "$blueprint" && v == blueprint:
		default:
			return "", false
		}
	}
	return id, id != ""
}

// toQuery converts a decoded query to a port.Query; ok is false when Port
// would refuse it (no and/or combinator) or the conversion would lose part of
// it (a rule shape port.Rule does not model), since a search for less than
// the query could wrongly find the entity unchanged.
func toQuery(q map[string]any) (port.Query, bool) {
	b, err := json.Marshal(q)
	if err != nil {
		return port.Query{}, false
	}
	var pq port.Query
	if err := json.Unmarshal(b, &pq); err != nil || (pq.Combinator != "and" && pq.Combinator != "or") {
		return port.Query{}, false
	}
	return pq, jsonEqual(normalize(pq), q)
}

// queryRel is a relation of an entity whose value is a search query.
type queryRel struct {
	name, target string
	many         bool
	query        any
	ref          queryRef
}

// queryRelations lists e's search-query relations with their schema; ok is
// false when one is not defined by e's blueprint (or the blueprint cannot be
// read).
func queryRelations(e *port.Entity, schema *targetResolver) ([]queryRel, bool) {
	var out []queryRel
	for name, v := range e.Relations {
		if isPlainValue(v) {
			continue
		}
		rel, ok := schema.relation(e.Blueprint, name)
		if !ok {
			return nil, false
		}
		out = append(out, queryRel{name: name, target: rel.Target, many: rel.Many, query: v})
	}
	return out, true
}

// errUnresolvable: Port would not store a query's result as a relation value
// (a single relation matching other than one entity, too many matches).
var errUnresolvable = errors.New("the search query does not resolve to a relation value")

// resolvedRelations returns the values Port would store for rels: an
// identifier for a single relation, a sorted list for a many relation. The
// error is errUnresolvable, or that of a failed search.
func resolvedRelations(rels []queryRel, res *resolver) (map[string]any, error) {
	if len(rels) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(rels))
	for _, qr := range rels {
		r := res.get(qr.ref)
		switch {
		case r == nil:
			return nil, errUnresolvable
		case r.err != nil:
			return nil, r.err
		case qr.many && len(r.ids) <= maxRelationMatches:
			ids := make([]any, len(r.ids))
			for i, id := range slices.Sorted(slices.Values(r.ids)) {
				ids[i] = id
			}
			out[qr.name] = ids
		case !qr.many && len(r.ids) == 1:
			out[qr.name] = r.ids[0]
		default:
			return nil, errUnresolvable
		}
	}
	return out, nil
}

// withResolved returns copies of ours with its search relations replaced by
// their resolved values, and of theirs with those many relations sorted: a
// search gives no order, so they compare as sets.
func withResolved(ours, theirs *port.Entity, resolved map[string]any) (*port.Entity, *port.Entity) {
	o, t := *ours, *theirs
	o.Relations = maps.Clone(ours.Relations)
	maps.Copy(o.Relations, resolved)
	t.Relations = maps.Clone(theirs.Relations)
	for name, v := range resolved {
		if _, many := v.([]any); many {
			t.Relations[name] = sortedIDs(t.Relations[name])
		}
	}
	return &o, &t
}

// sortedIDs returns a list of identifiers sorted; any other value as is.
func sortedIDs(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	ids := make([]string, len(list))
	for i, x := range list {
		s, ok := x.(string)
		if !ok {
			return v
		}
		ids[i] = s
	}
	slices.Sort(ids)
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
