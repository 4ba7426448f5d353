package config

import (
	"slices"
	"strings"

	"github.com/ocean-go/ocean/internal/suggest"
)

// unknownKeys are the keys of the merged settings that no setting read,
// sorted by key, each with the known key it most likely meant. Keys only
// another event listener type reads are reported as ignored (Error.Other).
func (r *reader) unknownKeys() []*Error {
	descend := map[string]bool{}
	known := make([]string, 0, len(r.read))
	for p := range r.read {
		known = append(known, p)
		markParents(descend, p)
	}
	for p := range r.others {
		markParents(descend, p)
	}
	slices.Sort(known)
	var out []*Error
	var walk func(t tree, parent string)
	walk = func(t tree, parent string) {
		for k, e := range t {
			path := k
			if parent != "" {
				path = parent + "." + k
			}
			switch {
			case r.read[path]:
			case r.others[path] != nil:
				out = append(out, &Error{Key: e.from.key, Source: e.from.where, Unknown: true, Other: listenerNames(r.others[path])})
			case e.isObject() && descend[path]:
				walk(e.sub, path)
			default:
				out = append(out, r.unknownLeaves(e, path, known)...)
			}
		}
	}
	walk(r.root, "")
	slices.SortFunc(out, func(a, b *Error) int { return strings.Compare(a.Key, b.Key) })
	return out
}

func markParents(set map[string]bool, path string) {
	for i := range len(path) {
		if path[i] == '.' {
			set[path[:i]] = true
		}
	}
}

// unknownLeaves reports the values below an unknown key one by one: each
// env var is a key of its own.
func (r *reader) unknownLeaves(e *entry, path string, known []string) []*Error {
	if !e.isObject() || len(e.sub) == 0 {
		u := &Error{Key: e.from.key, Source: e.from.where, Unknown: true}
		if c, ok := suggest.Nearest(path, known); ok {
			u.Suggestion = r.spell(c, e.from.where)
		}
		return []*Error{u}
	}
	var out []*Error
	for k, c := range e.sub {
		out = append(out, r.unknownLeaves(c, path+"."+k, known)...)
	}
	return out
}

// spell writes a canonical path as a source of where spells keys: an env
// var, a camelCase config.yaml path, or the snake_case path of an override.
func (r *reader) spell(path, where string) string {
	segs := strings.Split(path, ".")
	name, isConfig := r.names[path] // the spec's spelling
	switch {
	case where == "environment" || strings.HasPrefix(where, ".env"):
		if isConfig {
			return envPrefix + "INTEGRATION__CONFIG__" + strings.ToUpper(snake(name))
		}
		return envName(path)
	case strings.HasPrefix(where, "config.yaml"):
		for i := range segs {
			segs[i] = camel(segs[i])
		}
	}
	if isConfig {
		segs[2] = name
	}
	return strings.Join(segs, ".")
}

// listenerNames names the listener types that read a key: "the KAFKA event
// listener".
func listenerNames(types []ListenerType) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	slices.Sort(names)
	return "the " + strings.Join(names, " and ") + " event listener"
}
