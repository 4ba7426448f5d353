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
// an object (from_entries, add, del, map_values, object construction) they
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
def tostring: _ocean_tostring;
def add: _ocean_values |
  if any(.[]?; type == "object") and all(.[]?; type == "object" or type == "null")
  then _ocean_merge else _ocean_builtin_add end;
def add(f): [f] | add;
def paths: _ocean_paths;
def del(f): . as $in | delpaths([path(f)]) | _ocean_derive($in);
def map_values(f): . as $in | (.[] |= f) | _ocean_derive($in);
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

// withKeyOrder rewrites every object construction with two or more constant
// keys, {z: .z, a: .a}, into ({z: .z, a: .a} | _ocean_keyorder(["z","a"]))
// so that the object keeps the order it was written in.
func withKeyOrder(q *gojq.Query) {
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

// walkQuery calls f on every term of q, children first.
func walkQuery(q *gojq.Query, f func(*gojq.Term)) {
	if q == nil {
		return
	}
	for _, fd := range q.FuncDefs {
		walkQuery(fd.Body, f)
	}
	walkQuery(q.Left, f)
	walkQuery(q.Right, f)
	if q.Term != nil {
		walkTerm(q.Term, f)
	}
}

func walkTerm(t *gojq.Term, f func(*gojq.Term)) {
	walkIndex(t.Index, f)
	if t.Func != nil {
		for _, a := range t.Func.Args {
			walkQuery(a, f)
		}
	}
	if t.Object != nil {
		for _, kv := range t.Object.KeyVals {
			walkString(kv.KeyString, f)
			walkQuery(kv.KeyQuery, f)
			walkQuery(kv.Val, f)
		}
	}
	if t.Array != nil {
		walkQuery(t.Array.Query, f)
	}
	if t.Unary != nil {
		walkTerm(t.Unary.Term, f)
	}
	walkString(t.Str, f)
	if t.If != nil {
		walkQuery(t.If.Cond, f)
		walkQuery(t.If.Then, f)
		for _, e := range t.If.Elif {
			walkQuery(e.Cond, f)
			walkQuery(e.Then, f)
		}
		walkQuery(t.If.Else, f)
	}
	if t.Try != nil {
		walkQuery(t.Try.Body, f)
		walkQuery(t.Try.Catch, f)
	}
	if t.Reduce != nil {
		walkQuery(t.Reduce.Query, f)
		walkQuery(t.Reduce.Start, f)
		walkQuery(t.Reduce.Update, f)
	}
	if t.Foreach != nil {
		walkQuery(t.Foreach.Query, f)
		walkQuery(t.Foreach.Start, f)
		walkQuery(t.Foreach.Update, f)
		walkQuery(t.Foreach.Extract, f)
	}
	if t.Label != nil {
		walkQuery(t.Label.Body, f)
	}
	walkQuery(t.Query, f)
	for _, s := range t.SuffixList {
		walkIndex(s.Index, f)
	}
	f(t)
}

func walkIndex(i *gojq.Index, f func(*gojq.Term)) {
	if i != nil {
		walkString(i.Str, f)
		walkQuery(i.Start, f)
		walkQuery(i.End, f)
	}
}

func walkString(s *gojq.String, f func(*gojq.Term)) {
	if s != nil {
		for _, q := range s.Queries {
			walkQuery(q, f)
		}
	}
}
