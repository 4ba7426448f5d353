package query

// Plan is what a store can do with indexes before evaluating the query in Go:
// every entity the query can match satisfies the plan (the reverse need not hold).
type Plan struct {
	// Identifiers and Blueprints: nil means unconstrained, otherwise the entity's
	// identifier / blueprint is one of these.
	Identifiers []string
	Blueprints  []string
	// DatasourceContains are substrings the entity's datasource must contain.
	DatasourceContains []string
	// None is set when nothing can match (for example an empty "or").
	None bool
}

type set map[string]struct{}

type constraint struct {
	ids, bps set // nil = unconstrained
	ds       []string
	none     bool
}

// Plan extracts the indexable constraints of the query.
func (q *Query) Plan() Plan {
	c := planNode(q.root)
	if c.none {
		return Plan{None: true}
	}
	return Plan{Identifiers: c.ids.list(), Blueprints: c.bps.list(), DatasourceContains: c.ds, None: c.none}
}

func (s set) list() []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	return out
}

func planNode(n node) constraint {
	switch n := n.(type) {
	case *group:
		if n.and {
			return planAnd(n.children)
		}
		return planOr(n.children)
	case *rule:
		return planRule(n)
	}
	return constraint{}
}

func planAnd(children []node) constraint {
	var out constraint
	for _, ch := range children {
		c := planNode(ch)
		out.none = out.none || c.none
		out.ids = intersect(out.ids, c.ids)
		out.bps = intersect(out.bps, c.bps)
		out.ds = append(out.ds, c.ds...)
	}
	return out
}

func planOr(children []node) constraint {
	out := constraint{none: true, ids: set{}, bps: set{}}
	idsBound, bpsBound := true, true
	for _, ch := range children {
		c := planNode(ch)
		if c.none {
			continue
		}
		out.none = false
		idsBound = idsBound && c.ids != nil
		bpsBound = bpsBound && c.bps != nil
		for k := range c.ids {
			out.ids[k] = struct{}{}
		}
		for k := range c.bps {
			out.bps[k] = struct{}{}
		}
	}
	if !idsBound {
		out.ids = nil
	}
	if !bpsBound {
		out.bps = nil
	}
	return out
}

func planRule(r *rule) constraint {
	var target *set
	var c constraint
	switch r.property {
	case "$identifier":
		target = &c.ids
	case "$blueprint":
		target = &c.bps
	case "$datasource":
		if r.op == "contains" || r.op == "beginsWith" || r.op == "endsWith" {
			c.ds = []string{r.str}
		}
		return c
	default:
		return c
	}
	switch r.op {
	case "=":
		if s, ok := r.value.(string); ok {
			*target = set{s: {}}
		} else {
			c.none = true
		}
	case "in":
		*target = set{}
		for _, v := range r.list {
			if s, ok := v.(string); ok {
				(*target)[s] = struct{}{}
			}
		}
	}
	return c
}

func intersect(a, b set) set {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	out := set{}
	for k := range a {
		if _, ok := b[k]; ok {
			out[k] = struct{}{}
		}
	}
	return out
}
