package processor

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/itchyny/gojq"

	"github.com/ocean-go/ocean/core/appconfig"
)

// Mapping is one resource config compiled: its selector, every mapping leaf
// and itemsToParse. It is safe for concurrent use.
type Mapping struct {
	p          *Processor
	kind       string
	selector   *gojq.Code
	alwaysTrue bool // the selector is the literal true: nothing to run

	leaves     []*leaf // every leaf program, evaluated per item in this order
	identifier value
	blueprint  *leaf
	title      *leaf // nil when unset
	icon       *leaf
	team       *value
	properties []named[*leaf] // sorted by name
	relations  []named[value]
	// The mapping sets properties or relations, maybe to {}: the entity
	// then carries them, empty or not, as Ocean sends them.
	hasProperties, hasRelations bool

	itemsToParse *itemsToParse // nil when unset

	walked         []*leaf    // plain paths walked in Go (see fast.go)
	combined       *gojq.Code // [p1, p2, …] over the other plain-path leaves
	combinedLeaves []*leaf
	// bounded: the selector is true and every leaf a constant or a walked
	// path, so nothing can run long and items need no timer.
	bounded bool

	compileErrs []error // fields that do not compile; Compile fails with them
}

// leaf is one JQ program of the entity mapping.
type leaf struct {
	index int
	path  string // "properties.url", "identifier.rules.value"
	src   string
	code  *gojq.Code

	constant bool // a literal, evaluated at compile time into constVal
	constVal any

	walked bool // a plain path, walked in Go over steps
	steps  []step
}

// value is a mapping value: a leaf, or a search query of leaves.
type value struct {
	leaf  *leaf
	query *query
}

type query struct {
	combinator *leaf
	rules      []rule
}

type rule struct {
	property, operator, value *leaf
	group                     *query
}

type named[T any] struct {
	name string
	v    T
}

// Compile compiles the resource config's programs; any that does not compile
// is an error naming it. Ocean maps a field that does not compile to null on
// every entity, which a replace upsert writes over Port's values and which
// (for the identifier) makes every entity stale: a typo must stop the kind
// instead, with nothing written or deleted. The error names the fields, not the
// kind: every caller names the resource already.
func (p *Processor) Compile(rc *appconfig.ResourceConfig) (*Mapping, error) {
	if rc == nil {
		return nil, fmt.Errorf("nil resource config")
	}
	m := &Mapping{p: p, kind: rc.Kind}
	var err error
	if m.selector, err = p.compile(rc.Selector.Query); err != nil {
		return nil, fmt.Errorf("selector.query %q: %w", rc.Selector.Query, err)
	}
	if rc.Port.ItemsToParse != "" {
		if m.itemsToParse, err = p.compileItemsToParse(&rc.Port); err != nil {
			return nil, fmt.Errorf("port.itemsToParse %q: %w", rc.Port.ItemsToParse, err)
		}
	}

	em := &rc.Port.Entity.Mappings
	m.identifier = m.value("identifier", em.Identifier)
	m.blueprint = m.leaf("blueprint", em.Blueprint)
	if em.Title != nil {
		m.title = m.leaf("title", *em.Title)
	}
	if em.Icon != nil {
		m.icon = m.leaf("icon", *em.Icon)
	}
	if em.Team != nil {
		v := m.value("team", *em.Team)
		m.team = &v
	}
	m.hasProperties, m.hasRelations = em.Properties != nil, em.Relations != nil
	for _, name := range slices.Sorted(maps.Keys(em.Properties)) {
		m.properties = append(m.properties, named[*leaf]{name, m.leaf("properties."+name, em.Properties[name])})
	}
	for _, name := range slices.Sorted(maps.Keys(em.Relations)) {
		m.relations = append(m.relations, named[value]{name, m.value("relations."+name, em.Relations[name])})
	}
	if len(m.compileErrs) > 0 {
		return nil, errors.Join(m.compileErrs...)
	}
	m.alwaysTrue = strings.TrimSpace(normalizeQuotes(rc.Selector.Query)) == "true"
	m.compileFast()
	return m, nil
}

func (m *Mapping) leaf(path, src string) *leaf {
	l := &leaf{index: len(m.leaves), path: path, src: src}
	var err error
	if l.code, err = m.p.compile(src); err != nil {
		m.compileErrs = append(m.compileErrs, fmt.Errorf("%s %q: %w", path, src, err))
	}
	m.leaves = append(m.leaves, l)
	return l
}

func (m *Mapping) value(path string, v appconfig.MappingValue) value {
	if v.Query != nil {
		return value{query: m.query(path, v.Query)}
	}
	return value{leaf: m.leaf(path, v.JQ)}
}

// query compiles a search query. Paths leave out list indexes, as Ocean's do:
// "identifier.rules.value".
func (m *Mapping) query(path string, q *appconfig.SearchQueryMapping) *query {
	out := &query{combinator: m.leaf(path+".combinator", q.Combinator)}
	for _, r := range q.Rules {
		if r.Group != nil {
			out.rules = append(out.rules, rule{group: m.query(path+".rules", r.Group)})
			continue
		}
		out.rules = append(out.rules, rule{
			property: m.leaf(path+".rules.property", r.Property),
			operator: m.leaf(path+".rules.operator", r.Operator),
			value:    m.leaf(path+".rules.value", r.Value),
		})
	}
	return out
}

// Kind is the resource's kind.
func (m *Mapping) Kind() string { return m.kind }

// HasItemsToParse reports whether items are expanded with ExpandItems.
func (m *Mapping) HasItemsToParse() bool { return m.itemsToParse != nil }

// LiteralBlueprint returns the blueprint when the mapping names it with a
// string literal ('"service"'), which is how Ocean decides which blueprint to
// read for the misconfiguration report.
func (m *Mapping) LiteralBlueprint() (string, bool) {
	src := strings.TrimSpace(normalizeQuotes(m.blueprint.src))
	if len(src) < 2 || src[0] != '"' || src[len(src)-1] != '"' || strings.Contains(src, `\(`) {
		return "", false
	}
	var s string
	if err := json.Unmarshal([]byte(src), &s); err != nil || s == "" {
		return "", false
	}
	return s, true
}
