package query

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Limits of one query. With the body's 1 MiB limit they bound what a search
// can cost before any entity is read: nesting (the stack), rules (the checks
// per entity) and the values of one list rule.
const (
	maxDepth      = 32
	MaxRules      = 1000   // rules and nested groups, counted through every level
	MaxListValues = 10_000 // values of one in, notIn, containsAny or relatedTo
)

// Query is a parsed, validated search query.
type Query struct {
	root    *group
	related []*relatedRule
	nodes   int // rules and nested groups parsed so far
	cost    int // see Cost
}

// Key identifies an entity.
type Key struct{ Blueprint, Identifier string }

// Record is what a rule reads from an entity.
type Record interface {
	Key() Key
	// Field returns a meta-property ("$identifier", "$title", ...), else a
	// property, else a relation; ok is false when the entity has no such value.
	Field(name string) (value any, ok bool)
}

// Error is a query that does not follow the search language; Path says where.
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

func errAt(path, format string, args ...any) *Error {
	return &Error{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// Operators lists every supported rule operator, sorted.
func Operators() []string {
	ops := make([]string, 0, len(operators))
	for op := range operators {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

type valueKind int

const (
	valueAny     valueKind = iota // any JSON value
	valueNone                     // no value read
	valueString                   // a string
	valueList                     // an array
	valueOrdered                  // a number or a date-time string
	valueRange                    // {"from","to"} or {"preset"}
)

var operators = map[string]valueKind{
	"=": valueAny, "!=": valueAny,
	"in": valueList, "notIn": valueList, "containsAny": valueList,
	"contains": valueString, "doesNotContains": valueString,
	"beginsWith": valueString, "doesNotBeginsWith": valueString,
	"endsWith": valueString, "doesNotEndsWith": valueString,
	"isEmpty": valueNone, "isNotEmpty": valueNone,
	"isExpired": valueNone, "isNotExpired": valueNone,
	">": valueOrdered, ">=": valueOrdered, "<": valueOrdered, "<=": valueOrdered,
	"between": valueRange, "notBetween": valueRange,
	"relatedTo": valueAny,
}

// Parse validates a decoded JSON query (decode with UseNumber). now anchors
// date presets such as "lastWeek".
func Parse(raw any, now time.Time) (*Query, error) {
	q := &Query{}
	g, err := q.parseGroup(raw, "", 0, now, true)
	if err != nil {
		return nil, err
	}
	q.root = g
	q.cost = nodeCost(g)
	return q, nil
}

// ParseJSON decodes and parses a query from JSON text.
func ParseJSON(data []byte, now time.Time) (*Query, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, errAt("", "invalid JSON: %v", err)
	}
	return Parse(raw, now)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (q *Query) parseGroup(raw any, path string, depth int, now time.Time, top bool) (*group, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, errAt(path, "a query must be an object with \"combinator\" and \"rules\", got %s", describe(raw))
	}
	if depth > maxDepth {
		return nil, errAt(path, "groups are nested deeper than %d levels", maxDepth)
	}
	if !top {
		if err := q.count(path); err != nil {
			return nil, err
		}
	}
	if top {
		for k := range obj {
			if k != "combinator" && k != "rules" {
				return nil, errAt(path, "unknown key %q (a query has only \"combinator\" and \"rules\")", k)
			}
		}
	}
	comb, ok := obj["combinator"].(string)
	if !ok {
		return nil, errAt(join(path, "combinator"), "required, must be \"and\" or \"or\"")
	}
	g := &group{}
	switch comb {
	case "and":
		g.and = true
	case "or":
	default:
		return nil, errAt(join(path, "combinator"), "must be \"and\" or \"or\", got %q", comb)
	}
	rules, ok := obj["rules"].([]any)
	if !ok {
		return nil, errAt(join(path, "rules"), "required, must be an array, got %s", describe(obj["rules"]))
	}
	for i, r := range rules {
		rp := fmt.Sprintf("%s[%d]", join(path, "rules"), i)
		ro, ok := r.(map[string]any)
		if !ok {
			return nil, errAt(rp, "a rule must be an object, got %s", describe(r))
		}
		var n node
		var err error
		if _, isGroup := ro["combinator"]; isGroup {
			n, err = q.parseGroup(ro, rp, depth+1, now, false)
		} else {
			n, err = q.parseRule(ro, rp, now)
		}
		if err != nil {
			return nil, err
		}
		g.children = append(g.children, n)
	}
	return g, nil
}

// count admits one more rule or nested group at path.
func (q *Query) count(path string) error {
	q.nodes++
	if q.nodes > MaxRules {
		return errAt(path, "a search holds at most %d rules and nested groups; split it into several searches", MaxRules)
	}
	return nil
}

// listValues checks the length of a list rule's value.
func listValues(list []any, path, op string) error {
	if len(list) > MaxListValues {
		return errAt(path, "operator %q accepts at most %d values, got %d", op, MaxListValues, len(list))
	}
	return nil
}

func (q *Query) parseRule(obj map[string]any, path string, now time.Time) (node, error) {
	if err := q.count(path); err != nil {
		return nil, err
	}
	opRaw, ok := obj["operator"]
	if !ok {
		return nil, errAt(join(path, "operator"), "required")
	}
	op, ok := opRaw.(string)
	if !ok {
		return nil, errAt(join(path, "operator"), "must be a string, got %s", describe(opRaw))
	}
	kind, known := operators[op]
	if !known {
		return nil, errAt(join(path, "operator"), "unknown operator %q (supported: %s)", op, strings.Join(Operators(), ", "))
	}
	if _, ok := obj["propertySchema"]; ok {
		return nil, errAt(join(path, "propertySchema"), "propertySchema rules are not supported")
	}
	if op == "relatedTo" {
		return q.parseRelated(obj, path)
	}
	prop, ok := obj["property"].(string)
	if !ok {
		if _, isObj := obj["property"].(map[string]any); isObj {
			return nil, errAt(join(path, "property"), "object properties (path or context) are not supported")
		}
		return nil, errAt(join(path, "property"), "required, must be a string, got %s", describe(obj["property"]))
	}
	if prop == "" {
		return nil, errAt(join(path, "property"), "must not be empty")
	}
	value, hasValue := obj["value"]
	if _, isCtx := value.(map[string]any); isCtx && kind != valueRange && kind != valueAny {
		return nil, errAt(join(path, "value"), "operator %q needs %s, got an object", op, kindName(kind))
	}
	r := &rule{property: prop, op: op, value: value}
	vp := join(path, "value")
	switch kind {
	case valueNone:
		if op == "isExpired" || op == "isNotExpired" {
			r.lo = &bound{isTime: true, t: now} // expired: a date-time before the query's time
		}
	case valueAny:
		if !hasValue {
			return nil, errAt(vp, "required for operator %q", op)
		}
		if _, isObj := value.(map[string]any); isObj {
			return nil, errAt(vp, "operator %q does not accept an object (context values are not supported)", op)
		}
	case valueString:
		s, ok := value.(string)
		if !ok {
			return nil, errAt(vp, "operator %q needs a string, got %s", op, describe(value))
		}
		r.str = s
	case valueList:
		list, ok := value.([]any)
		if !ok {
			return nil, errAt(vp, "operator %q needs an array, got %s", op, describe(value))
		}
		if err := listValues(list, vp, op); err != nil {
			return nil, err
		}
		r.setList(list)
	case valueOrdered:
		b, err := parseBound(value, vp, op)
		if err != nil {
			return nil, err
		}
		r.lo = b
	case valueRange:
		lo, hi, err := parseRange(value, vp, op, now)
		if err != nil {
			return nil, err
		}
		r.lo, r.hi = lo, hi
	}
	return r, nil
}

func (q *Query) parseRelated(obj map[string]any, path string) (node, error) {
	bp, ok := obj["blueprint"].(string)
	if !ok || bp == "" {
		return nil, errAt(join(path, "blueprint"), "required for operator \"relatedTo\", must be a blueprint identifier")
	}
	vp := join(path, "value")
	var ids []string
	switch v := obj["value"].(type) {
	case string:
		ids = []string{v}
	case []any:
		if err := listValues(v, vp, "relatedTo"); err != nil {
			return nil, err
		}
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, errAt(fmt.Sprintf("%s[%d]", vp, i), "must be an entity identifier string, got %s", describe(e))
			}
			ids = append(ids, s)
		}
	default:
		return nil, errAt(vp, "operator \"relatedTo\" needs an entity identifier or an array of them, got %s", describe(v))
	}
	r := &relatedRule{Blueprint: bp, Identifiers: ids}
	if d, ok := obj["direction"]; ok && d != nil {
		s, _ := d.(string)
		if s != "upstream" && s != "downstream" {
			return nil, errAt(join(path, "direction"), "must be \"upstream\" or \"downstream\", got %s", describe(d))
		}
		r.Direction = s
	}
	if req, ok := obj["required"]; ok && req != nil {
		b, isBool := req.(bool)
		if !isBool {
			return nil, errAt(join(path, "required"), "must be a boolean, got %s", describe(req))
		}
		r.Required = b
	}
	q.related = append(q.related, r)
	return r, nil
}

func kindName(k valueKind) string {
	switch k {
	case valueString:
		return "a string"
	case valueList:
		return "an array"
	case valueOrdered:
		return "a number or a date-time string"
	}
	return "a value"
}

// describe names a JSON value's type for error messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("string %q", v)
	case json.Number:
		return "number " + v.String()
	case bool:
		return fmt.Sprintf("boolean %t", v)
	case []any:
		return "an array"
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return fmt.Sprintf("an object with keys %v", keys)
	}
	return fmt.Sprintf("%T", v)
}
