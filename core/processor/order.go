package processor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/itchyny/gojq"

	"github.com/ocean-go/ocean/core/jsonorder"
)

// jq keeps an object's keys in insertion order; gojq sorts them. Objects
// decoded with jsonorder remember their order, and every program gets the
// definitions below, which shadow the order-sensitive builtins for the
// mapping's own code (a program's definitions take precedence over builtins,
// in jq and gojq alike; builtins keep calling each other). Where they build
// an object (from_entries, fromjson, add, del, map_values, object construction) they
// record its order, as jq would have it.
//
// The _ocean_builtin_* aliases are defined first, so they still name gojq's
// builtins. Not covered: .[] and .. over an object (also the path
// expressions of |=, del, paths(f)…, which a Go function cannot be), objects
// built by + and other operators, tostream, getpath and leaf_paths.
const orderPrelude = `
def _ocean_builtin_add: add;
def _ocean_builtin_from_entries: from_entries;
def _ocean_builtin_tohtml: _tohtml;
def _ocean_builtin_touri: _touri;
def _ocean_builtin_tourid: _tourid;
def _ocean_builtin_tobase64: _tobase64;
def _ocean_builtin_tobase64d: _tobase64d;
def to_entries: _ocean_to_entries;
def from_entries: _ocean_entries_order(_ocean_builtin_from_entries);
def with_entries(f): to_entries | map(f) | from_entries;
def tojson: _ocean_tojson;
def fromjson: _ocean_fromjson;
def tostring: _ocean_tostring;
def add: _ocean_values |
  if any(.[]?; type == "object") and all(.[]?; type == "object" or type == "null")
  then _ocean_merge else _ocean_builtin_add end;
def add(f): [f] | add;
def paths: _ocean_paths;
def del(f): . as $in | delpaths([path(f)]) | _ocean_derive($in);
def map_values(f): . as $in | (.[] |= f) | _ocean_derive($in);
def _ocean_plus(a; b): b as $b | a as $a | $a + $b |
  if type == "object" then _ocean_plus_order($a; $b) else . end;
def walk(f): def w: if type == "object" then map_values(w) elif type == "array" then map(w) else . end | f; w;
def _tohtml: _ocean_textify | _ocean_builtin_tohtml;
def _touri: _ocean_textify | _ocean_builtin_touri;
def _tourid: _ocean_textify | _ocean_builtin_tourid;
def _tobase64: _ocean_textify | _ocean_builtin_tobase64;
def _tobase64d: _ocean_textify | _ocean_builtin_tobase64d;
`

// orderFunctions are the Go side of orderPrelude.
func orderFunctions() []gojq.CompilerOption {
	return []gojq.CompilerOption{
		gojq.WithFunction("keys_unsorted", 0, 0, keysUnsorted),
		gojq.WithFunction("_ocean_to_entries", 0, 0, toEntries),
		gojq.WithFunction("_ocean_entries_order", 1, 1, entriesOrder),
		gojq.WithFunction("_ocean_tojson", 0, 0, func(v any, _ []any) any { return orderedJSON(v) }),
		gojq.WithFunction("_ocean_tostring", 0, 0, func(v any, _ []any) any {
			if s, ok := v.(string); ok {
				return s
			}
			return orderedJSON(v)
		}),
		gojq.WithFunction("_ocean_textify", 0, 0, func(v any, _ []any) any {
			switch v.(type) {
			case map[string]any, []any:
				return orderedJSON(v)
			}
			return v
		}),
		gojq.WithFunction("_ocean_values", 0, 0, func(v any, _ []any) any {
			if m, ok := v.(map[string]any); ok {
				return orderedValues(m)
			}
			return v
		}),
		gojq.WithFunction("_ocean_merge", 0, 0, mergeObjects),
		gojq.WithFunction("_ocean_fromjson", 0, 0, fromJSON),
		gojq.WithFunction("_ocean_plus_order", 2, 2, plusOrder),
		gojq.WithFunction("_ocean_derive", 1, 1, func(v any, args []any) any {
			dst, ok1 := v.(map[string]any)
			src, ok2 := args[0].(map[string]any)
			if ok1 && ok2 {
				jsonorder.Derive(dst, src)
			}
			return v
		}),
		gojq.WithFunction("_ocean_keyorder", 1, 1, func(v any, args []any) any {
			m, ok := v.(map[string]any)
			list, _ := args[0].([]any)
			if ok && len(m) >= 2 {
				keys := make([]string, 0, len(list))
				for _, k := range list {
					keys = append(keys, k.(string))
				}
				jsonorder.Record(m, keys)
			}
			return v
		}),
		gojq.WithIterFunction("_ocean_paths", 0, 0, func(v any, _ []any) gojq.Iter {
			var out []any
			collectPaths(v, nil, &out)
			return gojq.NewIter(out...)
		}),
	}
}

// keysUnsorted is keys in the object's own order.
func keysUnsorted(v any, _ []any) any {
	switch v := v.(type) {
	case map[string]any:
		ks := jsonorder.Keys(v)
		out := make([]any, len(ks))
		for i, k := range ks {
			out[i] = k
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i := range v {
			out[i] = i
		}
		return out
	}
	return fmt.Errorf("%s (%s) has no keys", typeOf(v), gojq.Preview(v))
}

func toEntries(v any, _ []any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make([]any, 0, len(v))
		for _, k := range jsonorder.Keys(v) {
			out = append(out, map[string]any{"key": k, "value": v[k]})
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = map[string]any{"key": i, "value": e}
		}
		return out
	}
	return fmt.Errorf("%s (%s) has no keys", typeOf(v), gojq.Preview(v))
}

// entriesOrder records on args[0], what gojq's from_entries made of the
// entries v, the order in which the entries name its keys (gojq's key
// lookup: key, Key, name, Name).
func entriesOrder(v any, args []any) any {
	obj, ok := args[0].(map[string]any)
	entries, isList := v.([]any)
	if !ok || !isList || len(obj) < 2 {
		return args[0]
	}
	keys := make([]string, 0, len(obj))
	for _, e := range entries {
		m, _ := e.(map[string]any)
		for _, name := range [...]string{"key", "Key", "name", "Name"} {
			if k := m[name]; k != nil && k != false {
				if s, isString := k.(string); isString && !slices.Contains(keys, s) {
					keys = append(keys, s)
				}
				break
			}
		}
	}
	// A fresh object: from_entries builds it with add.
	out := make(map[string]any, len(obj))
	for k, e := range obj {
		out[k] = e
	}
	jsonorder.Record(out, keys)
	return out
}

// plusOrder records the order of v, the sum of two objects args[0] + args[1]:
// the left's keys, then the right's new ones.
func plusOrder(v any, args []any) any {
	out, _ := v.(map[string]any)
	left, _ := args[0].(map[string]any)
	right, _ := args[1].(map[string]any)
	if len(out) < 2 || (left == nil && right == nil) {
		return v
	}
	keys := make([]string, 0, len(out))
	keys = append(keys, jsonorder.Keys(left)...)
	for _, k := range jsonorder.Keys(right) {
		if _, dup := left[k]; !dup {
			keys = append(keys, k)
		}
	}
	jsonorder.Record(out, keys)
	return v
}

// mergeObjects adds a list of objects and nulls as jq does: a key keeps the
// place it first had and takes the last value.
func mergeObjects(v any, _ []any) any {
	list, _ := v.([]any)
	var out map[string]any
	var keys []string
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue // null
		}
		if out == nil {
			out = make(map[string]any, len(m))
		}
		for _, k := range jsonorder.Keys(m) {
			if _, seen := out[k]; !seen {
				keys = append(keys, k)
			}
			out[k] = m[k]
		}
	}
	if out == nil {
		return nil
	}
	jsonorder.Record(out, keys)
	return out
}

// fromJSON is fromjson with the text's key order recorded (argocd's
// .liveState | fromjson | .metadata.labels).
func fromJSON(v any, _ []any) any {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%s (%s) cannot be parsed as JSON", typeOf(v), gojq.Preview(v))
	}
	out, err := jsonorder.Unmarshal([]byte(s))
	if err != nil {
		return fmt.Errorf("%s (while parsing %q)", err, s)
	}
	return out
}

func orderedValues(m map[string]any) []any {
	out := make([]any, 0, len(m))
	for _, k := range jsonorder.Keys(m) {
		out = append(out, m[k])
	}
	return out
}

// orderedJSON is gojq's tojson with objects in their own order.
func orderedJSON(v any) any {
	b, err := jsonorder.Append(nil, v, gojq.Marshal)
	if err != nil {
		return err
	}
	return string(b)
}

// collectPaths appends the paths of v's descendants in jq's order (paths).
func collectPaths(v any, prefix []any, out *[]any) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range jsonorder.Keys(x) {
			p := append(slices.Clip(prefix), k)
			*out = append(*out, p)
			collectPaths(x[k], p, out)
		}
	case []any:
		for i, e := range x {
			p := append(slices.Clip(prefix), i)
			*out = append(*out, p)
			collectPaths(e, p, out)
		}
	}
}

// withKeyOrder rewrites the programs that build objects so that they keep
// jq's order: a + b becomes _ocean_plus(a; b) (the left's keys first), and an
// object construction with two or more constant keys, {z: .z, a: .a},
// becomes ({z: .z, a: .a} | _ocean_keyorder(["z","a"])), the order written.
func withKeyOrder(q *gojq.Query) {
	walkQueries(q, func(q *gojq.Query) {
		if q.Op == gojq.OpAdd && q.Left != nil && q.Right != nil && mayBeObject(q.Left) && mayBeObject(q.Right) {
			*q = gojq.Query{Term: &gojq.Term{Type: gojq.TermTypeFunc,
				Func: &gojq.Func{Name: "_ocean_plus", Args: []*gojq.Query{q.Left, q.Right}}}}
		}
	})
	walkQuery(q, func(t *gojq.Term) {
		if t.Type != gojq.TermTypeObject || t.Object == nil {
			return
		}
		keys, ok := constantKeys(t.Object)
		if !ok || len(keys) < 2 || slices.IsSorted(keys) {
			return
		}
		elems := make([]string, len(keys))
		for i, k := range keys {
			b, _ := gojq.Marshal(k)
			elems[i] = string(b)
		}
		order, err := gojq.Parse("_ocean_keyorder([" + joinComma(elems) + "])")
		if err != nil {
			return
		}
		obj := &gojq.Term{Type: gojq.TermTypeObject, Object: t.Object}
		*t = gojq.Term{
			Type:       gojq.TermTypeQuery,
			Query:      &gojq.Query{Left: &gojq.Query{Term: obj}, Op: gojq.OpPipe, Right: order},
			SuffixList: t.SuffixList,
		}
	})
}

// scalarFuncs are builtins that never return an object.
var scalarFuncs = map[string]bool{
	"tostring": true, "tojson": true, "ascii_downcase": true, "ascii_upcase": true, "length": true,
	"join": true, "ltrimstr": true, "rtrimstr": true, "trimstr": true, "trim": true, "ltrim": true, "rtrim": true,
	"sub": true, "gsub": true, "tonumber": true, "type": true, "keys": true, "split": true, "not": true,
	"test": true, "startswith": true, "endswith": true, "floor": true, "sqrt": true, "todate": true,
	"fromdate": true, "now": true, "mktime": true, "strftime": true, "map": true, "to_entries": true,
}

// mayBeObject reports whether q may give an object; a + b needs the ordered
// addition only when both sides may (null + an object is that object). It
// keeps string concatenations such as .name + "-" + (.id | tostring) on
// gojq's operator, which costs half as much.
func mayBeObject(q *gojq.Query) bool {
	switch {
	case q.Op == gojq.OpAdd:
		return mayBeObject(q.Left) && mayBeObject(q.Right)
	case q.Op == gojq.OpPipe:
		return mayBeObject(q.Right)
	case q.Op != 0 || q.Term == nil:
		return true
	}
	t := q.Term
	if len(t.SuffixList) > 0 {
		return true
	}
	switch t.Type {
	case gojq.TermTypeString, gojq.TermTypeFormat, gojq.TermTypeNumber, gojq.TermTypeTrue,
		gojq.TermTypeFalse, gojq.TermTypeArray:
		return false
	case gojq.TermTypeQuery:
		return mayBeObject(t.Query)
	case gojq.TermTypeFunc:
		return !scalarFuncs[t.Func.Name]
	}
	return true
}

// constantKeys returns an object construction's keys when none is computed,
// each once, in the order written.
func constantKeys(o *gojq.Object) ([]string, bool) {
	var keys []string
	for _, kv := range o.KeyVals {
		var k string
		switch {
		case kv.KeyString != nil && kv.KeyString.Queries == nil:
			k = kv.KeyString.Str
		case kv.Key != "" && kv.KeyQuery == nil && kv.KeyString == nil:
			k = kv.Key
			if k[0] == '@' {
				return nil, false
			}
			if k[0] == '$' {
				k = k[1:] // {$x} is {x: $x}
				if k == "__loc__" {
					return nil, false
				}
			}
		default:
			return nil, false
		}
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys, true
}

func joinComma(elems []string) string { return strings.Join(elems, ",") }

// walkQueries calls f on every query of q, children first.
func walkQueries(q *gojq.Query, f func(*gojq.Query)) {
	walkQueryNodes(q, f, func(*gojq.Term) {})
}

// walkQuery calls f on every term of q, children first.
func walkQuery(q *gojq.Query, f func(*gojq.Term)) {
	walkQueryNodes(q, func(*gojq.Query) {}, f)
}

func walkQueryNodes(q *gojq.Query, fq func(*gojq.Query), f func(*gojq.Term)) {
	if q == nil {
		return
	}
	for _, fd := range q.FuncDefs {
		walkQueryNodes(fd.Body, fq, f)
	}
	walkQueryNodes(q.Left, fq, f)
	walkQueryNodes(q.Right, fq, f)
	if q.Term != nil {
		walkTerm(q.Term, fq, f)
	}
	fq(q)
}

func walkTerm(t *gojq.Term, fq func(*gojq.Query), f func(*gojq.Term)) {
	walkIndex(t.Index, fq, f)
	if t.Func != nil {
		for _, a := range t.Func.Args {
			walkQueryNodes(a, fq, f)
		}
	}
	if t.Object != nil {
		for _, kv := range t.Object.KeyVals {
			walkString(kv.KeyString, fq, f)
			walkQueryNodes(kv.KeyQuery, fq, f)
			walkQueryNodes(kv.Val, fq, f)
		}
	}
	if t.Array != nil {
		walkQueryNodes(t.Array.Query, fq, f)
	}
	if t.Unary != nil {
		walkTerm(t.Unary.Term, fq, f)
	}
	walkString(t.Str, fq, f)
	if t.If != nil {
		walkQueryNodes(t.If.Cond, fq, f)
		walkQueryNodes(t.If.Then, fq, f)
		for _, e := range t.If.Elif {
			walkQueryNodes(e.Cond, fq, f)
			walkQueryNodes(e.Then, fq, f)
		}
		walkQueryNodes(t.If.Else, fq, f)
	}
	if t.Try != nil {
		walkQueryNodes(t.Try.Body, fq, f)
		walkQueryNodes(t.Try.Catch, fq, f)
	}
	if t.Reduce != nil {
		walkQueryNodes(t.Reduce.Query, fq, f)
		walkQueryNodes(t.Reduce.Start, fq, f)
		walkQueryNodes(t.Reduce.Update, fq, f)
	}
	if t.Foreach != nil {
		walkQueryNodes(t.Foreach.Query, fq, f)
		walkQueryNodes(t.Foreach.Start, fq, f)
		walkQueryNodes(t.Foreach.Update, fq, f)
		walkQueryNodes(t.Foreach.Extract, fq, f)
	}
	if t.Label != nil {
		walkQueryNodes(t.Label.Body, fq, f)
	}
	walkQueryNodes(t.Query, fq, f)
	for _, s := range t.SuffixList {
		walkIndex(s.Index, fq, f)
	}
	f(t)
}

func walkIndex(i *gojq.Index, fq func(*gojq.Query), f func(*gojq.Term)) {
	if i != nil {
		walkString(i.Str, fq, f)
		walkQueryNodes(i.Start, fq, f)
		walkQueryNodes(i.End, fq, f)
	}
}

func walkString(s *gojq.String, fq func(*gojq.Query), f func(*gojq.Term)) {
	if s != nil {
		for _, q := range s.Queries {
			walkQueryNodes(q, fq, f)
		}
	}
}
