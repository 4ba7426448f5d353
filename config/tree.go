package config

import (
	"strings"
	"unicode"
)

// origin records where a value came from, for error messages.
type origin struct {
	key   string // as written: OCEAN__PORT__BASE_URL, port.baseUrl, event_listener.type
	where string // environment, .env line 3, config.yaml line 3, override
}

// entry is one node of a configuration source: an object (sub != nil) or a
// leaf value (string from env; any YAML or Go value otherwise).
type entry struct {
	name string // key as written by the source, kept for free-form maps
	sub  tree
	val  any
	text string // YAML scalar text, so `version: 1.10` stays "1.10" as a string
	from origin
}

// tree maps canonical keys (see canonKey) to entries.
type tree map[string]*entry

func (e *entry) isObject() bool { return e.sub != nil }

// unset reports whether a typed setting should fall back to its default:
// absent, null, or an empty string (as `OCEAN__X=` in compose files gives).
func (e *entry) unset() bool {
	if e == nil || e.sub != nil {
		return e == nil
	}
	if s, ok := e.val.(string); ok {
		return strings.TrimSpace(s) == ""
	}
	return e.val == nil
}

// canonKey is the merge key of a segment below parent (canonical path). Settings
// keys are snake_case whatever the source wrote (camelCase YAML, UPPER env).
// Below integration.config keys belong to the integration, so they are only
// folded (case and '_' ignored) to let OCEAN__…__ENTITY_AMOUNT meet entityAmount.
func canonKey(parent []string, name string) string {
	if len(parent) >= 2 && parent[0] == "integration" && parent[1] == "config" {
		return fold(name)
	}
	return snake(name)
}

// snake turns camelCase, PascalCase, kebab-case and UPPER_CASE into snake_case.
func snake(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if r == '-' {
			r = '_'
		}
		if unicode.IsUpper(r) && i > 0 {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// fold is the comparison form of an integration config key.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// camel turns a snake_case env segment into the camelCase used by spec names.
func camel(s string) string {
	parts := strings.Split(strings.ToLower(s), "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// set stores e at the path of names (as written), creating objects on the way.
// A leaf in the way is decoded when it is a JSON object, else replaced: a
// nested key is more specific than a whole value.
func (t tree) set(names []string, e *entry) {
	var canon []string
	cur := t
	for i, n := range names {
		k := canonKey(canon, n)
		if i == len(names)-1 {
			e.name = n
			cur[k] = e
			return
		}
		canon = append(canon, k)
		next := cur[k]
		if next != nil && !next.isObject() {
			// A whole object given as JSON (OCEAN__EVENT_LISTENER='{…}') is
			// refined by nested vars, not lost to them.
			if m, ok := jsonContainer[map[string]any](next.val); ok {
				next.sub, next.val = fromPlain(m.(map[string]any), canon, next.from), nil
			}
		}
		if next == nil || !next.isObject() {
			next = &entry{name: n, sub: tree{}, from: e.from}
			cur[k] = next
		}
		cur = next.sub
	}
}

// merge deep-merges src (higher priority) into dst.
func merge(dst, src tree) {
	for k, s := range src {
		d := dst[k]
		if d != nil && d.isObject() && s.isObject() {
			d.name, d.from = s.name, s.from
			merge(d.sub, s.sub)
			continue
		}
		dst[k] = s
	}
}

// get returns the entry at a canonical dotted path, or nil.
func (t tree) get(path string) *entry {
	cur := t
	var e *entry
	for _, k := range strings.Split(path, ".") {
		if cur == nil {
			return nil
		}
		e = cur[k]
		if e == nil {
			return nil
		}
		cur = e.sub
	}
	return e
}

// plain converts an entry to ordinary Go values, keys as written.
func plain(e *entry) any {
	if !e.isObject() {
		return e.val
	}
	m := make(map[string]any, len(e.sub))
	for _, c := range e.sub {
		m[c.name] = plain(c)
	}
	return m
}

// fromPlain builds a tree from a decoded JSON/YAML/Go map; every entry
// inherits o, its key extended with the path inside the value.
func fromPlain(m map[string]any, parent []string, o origin) tree {
	t := make(tree, len(m))
	for name, v := range m {
		k := canonKey(parent, name)
		child := origin{key: name, where: o.where}
		if o.key != "" {
			child.key = o.key + "." + name
		}
		e := &entry{name: name, from: child}
		switch v := v.(type) {
		case map[string]any:
			e.sub = fromPlain(v, append(append([]string(nil), parent...), k), child)
		case map[string]string:
			mm := make(map[string]any, len(v))
			for kk, vv := range v {
				mm[kk] = vv
			}
			e.sub = fromPlain(mm, append(append([]string(nil), parent...), k), child)
		default:
			e.val = v
		}
		t[k] = e
	}
	return t
}
