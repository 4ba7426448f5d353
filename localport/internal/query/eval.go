package query

import "strings"

type node interface {
	match(r Record) bool
}

type group struct {
	and      bool
	children []node
}

// match: an empty "and" matches everything, an empty "or" nothing.
func (g *group) match(r Record) bool {
	for _, c := range g.children {
		if c.match(r) != g.and {
			return !g.and
		}
	}
	return g.and
}

type rule struct {
	property string
	op       string
	value    any
	str      string
	list     []any
	strs     map[string]struct{} // in / notIn over strings only: the list as a set
	lo, hi   *bound
}

// setList keeps a list rule's values and, for in and notIn over strings only,
// a set of them, so a field is looked up rather than compared with each value.
func (ru *rule) setList(list []any) {
	ru.list = list
	if ru.op != "in" && ru.op != "notIn" {
		return
	}
	strs := make(map[string]struct{}, len(list))
	for _, v := range list {
		s, ok := v.(string)
		if !ok {
			return
		}
		strs[s] = struct{}{}
	}
	ru.strs = strs
}

// nodeCost is how many checks evaluating one entity takes at most: one per
// rule, and one per value of a list a rule scans.
func nodeCost(n node) int {
	switch n := n.(type) {
	case *group:
		total := 0
		for _, c := range n.children {
			total += nodeCost(c)
		}
		return max(total, 1)
	case *rule:
		if n.strs == nil && len(n.list) > 1 {
			return len(n.list)
		}
	}
	return 1
}

func (ru *rule) match(r Record) bool {
	v, _ := r.Field(ru.property)
	switch ru.op {
	case "=":
		return matchEqual(v, ru.value)
	case "!=":
		return !matchEqual(v, ru.value)
	case "in":
		return ru.matchIn(v)
	case "notIn":
		return !ru.matchIn(v)
	case "contains":
		return hasSubstring(v, ru.str)
	case "doesNotContains":
		return !hasSubstring(v, ru.str)
	case "containsAny":
		return containsAny(v, ru.list)
	case "beginsWith":
		return anyString(v, func(s string) bool { return strings.HasPrefix(s, ru.str) })
	case "doesNotBeginsWith":
		return !anyString(v, func(s string) bool { return strings.HasPrefix(s, ru.str) })
	case "endsWith":
		return anyString(v, func(s string) bool { return strings.HasSuffix(s, ru.str) })
	case "doesNotEndsWith":
		return !anyString(v, func(s string) bool { return strings.HasSuffix(s, ru.str) })
	case "isEmpty":
		return isEmpty(v)
	case "isNotEmpty":
		return !isEmpty(v)
	case "isExpired":
		return isExpired(v, ru.lo)
	case "isNotExpired":
		return !isExpired(v, ru.lo)
	case ">", ">=", "<", "<=":
		c, ok := compareBound(v, ru.lo)
		return ok && (ru.op == ">" && c > 0 || ru.op == ">=" && c >= 0 || ru.op == "<" && c < 0 || ru.op == "<=" && c <= 0)
	case "between":
		return between(v, ru.lo, ru.hi)
	case "notBetween":
		return !between(v, ru.lo, ru.hi)
	}
	return false
}

// matchEqual: an array field equals a scalar when one of its elements does.
func matchEqual(field, value any) bool {
	if list, ok := field.([]any); ok {
		if _, valueIsList := value.([]any); !valueIsList {
			for _, e := range list {
				if equal(e, value) {
					return true
				}
			}
			return false
		}
	}
	return equal(field, value)
}

func (ru *rule) matchIn(field any) bool {
	if ru.strs != nil {
		ss, _ := fieldStrings(field)
		for _, s := range ss {
			if _, ok := ru.strs[s]; ok {
				return true
			}
		}
		return false
	}
	for _, want := range ru.list {
		if matchEqual(field, want) {
			return true
		}
	}
	return false
}

// containsAny: a string field contains one of the strings, an array field holds one of them.
func containsAny(field any, list []any) bool {
	for _, want := range list {
		if s, ok := want.(string); ok && hasSubstring(field, s) {
			return true
		}
	}
	return false
}

func anyString(field any, pred func(string) bool) bool {
	ss, _ := fieldStrings(field)
	for _, s := range ss {
		if pred(s) {
			return true
		}
	}
	return false
}

// isExpired: a timer (date-time) value lies before now; no value never expires.
func isExpired(v any, now *bound) bool {
	c, ok := compareBound(v, now)
	return ok && c < 0
}

func between(v any, lo, hi *bound) bool {
	a, okA := compareBound(v, lo)
	b, okB := compareBound(v, hi)
	return okA && okB && a >= 0 && b <= 0
}

// relatedRule is a relatedTo rule; Resolve fills in the matching keys.
type relatedRule struct {
	Blueprint   string
	Identifiers []string
	Direction   string // "", "upstream" or "downstream"
	Required    bool
	keys        map[Key]bool
}

func (rr *relatedRule) match(r Record) bool { return rr.keys[r.Key()] }

// Related describes a relatedTo rule for its resolver.
type Related struct {
	Blueprint   string
	Identifiers []string
	// Direction "upstream" follows relations from the given entities to their
	// targets, "downstream" from the entities that point at them, "" both.
	Direction string
	// Required follows only relations marked required in their blueprint.
	Required bool
}

// Resolve computes, once per query, the entities each relatedTo rule matches.
func (q *Query) Resolve(resolve func(Related) (map[Key]bool, error)) error {
	for _, r := range q.related {
		keys, err := resolve(Related{Blueprint: r.Blueprint, Identifiers: r.Identifiers, Direction: r.Direction, Required: r.Required})
		if err != nil {
			return err
		}
		r.keys = keys
	}
	return nil
}

// Cost is how many checks evaluating the query on one entity takes at most:
// a store multiplies it by the candidates to bound the work of a search.
func (q *Query) Cost() int { return q.cost }

// Match reports whether the record satisfies the query. Call Resolve first when
// the query has relatedTo rules.
func (q *Query) Match(r Record) bool { return q.root.match(r) }
