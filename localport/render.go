package localport

import (
	"slices"
	"strings"

	"github.com/ocean-go/ocean/internal/rawjson"
)

// storedKeys are the members of a stored entity body, in the order encode
// writes them (the entity struct's order).
var storedKeys = [...]string{"identifier", "title", "icon", "blueprint", "team", "properties", "relations", "createdAt", "createdBy", "updatedAt", "updatedBy"}

const (
	keyTitle = 1
	keyIcon  = 2
	keyTeam  = 4
	keyProps = 5
	keyRels  = 6
)

// sortedStoredKeys are storedKeys' positions in key order, the order in
// which encoding/json writes the map a projection makes.
var sortedStoredKeys = func() []int {
	idx := make([]int, len(storedKeys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(storedKeys[a], storedKeys[b]) })
	return idx
}()

// storedEntity is a stored body split into its members' bytes.
type storedEntity [len(storedKeys)][]byte

// splitStored splits a body written by encode. ok is false for anything
// else (a body written otherwise, or damaged): decodeEntity decides then.
// When ok, decodeEntity would decode it too: the members are exactly the
// entity's, each of the JSON type its field takes.
func splitStored(body []byte) (s storedEntity, ok bool) {
	n := 0
	ok = true
	err := rawjson.Members(body, func(k, v []byte) {
		if !ok || n == len(storedKeys) || string(k) != storedKeys[n] {
			ok = false
			return
		}
		switch n {
		case keyTitle, keyIcon:
			ok = v[0] == '"' || v[0] == 'n'
		case keyTeam:
			ok = v[0] == '['
			if ok {
				_ = rawjson.Elements(v, func(e []byte) { ok = ok && e[0] == '"' })
			}
		case keyProps, keyRels:
			ok = v[0] == '{'
		default:
			ok = v[0] == '"'
		}
		s[n] = v
		n++
	})
	return s, ok && err == nil && n == len(storedKeys)
}

// renderPlan is what a projection keeps of each stored member: it says, per
// member, what projection.apply's map holds, so that an answer copies stored
// bytes instead of decoding and encoding them.
type renderPlan struct {
	whole bool // no projection: the stored body as it is
	parts [len(storedKeys)]partPlan
}

type partPlan struct {
	present bool
	only    map[string]bool // nil: every sub-key; else these (properties, relations)
	drop    map[string]bool
}

func storedIndex(key string) int {
	for i, k := range storedKeys {
		if k == key {
			return i
		}
	}
	return -1
}

// plan follows apply step by step: includes build the map, excludes trim it.
// Only properties and relations are objects in it, so only they take dotted
// keys.
func (p projection) plan() *renderPlan {
	rp := &renderPlan{}
	if len(p.include) == 0 && len(p.exclude) == 0 {
		rp.whole = true
		return rp
	}
	if len(p.include) == 0 {
		for i := range rp.parts {
			rp.parts[i].present = true
		}
	}
	for _, f := range p.include {
		top, sub, dotted := strings.Cut(f, ".")
		i := storedIndex(top)
		switch {
		case i < 0:
		case !dotted:
			rp.parts[i] = partPlan{present: true}
		case i != keyProps && i != keyRels:
		case !rp.parts[i].present:
			rp.parts[i] = partPlan{present: true, only: map[string]bool{sub: true}}
		case rp.parts[i].only != nil:
			rp.parts[i].only[sub] = true
		}
	}
	for _, f := range p.exclude {
		top, sub, dotted := strings.Cut(f, ".")
		i := storedIndex(top)
		switch {
		case i < 0:
		case !dotted:
			rp.parts[i] = partPlan{}
		case (i == keyProps || i == keyRels) && rp.parts[i].present:
			if rp.parts[i].drop == nil {
				rp.parts[i].drop = map[string]bool{}
			}
			rp.parts[i].drop[sub] = true
		}
	}
	return rp
}

// appendEntity appends the answer for one stored body: its bytes shaped by
// the plan, or, for a body splitStored does not take, what apply makes of it
// decoded. ok is false when the body cannot be decoded at all.
func (rp *renderPlan) appendEntity(dst, body []byte, proj projection) (_ []byte, ok bool) {
	s, split := splitStored(body)
	if !split {
		e, err := decodeEntity(string(body))
		if err != nil {
			return dst, false
		}
		out, err := rawjson.Append(dst, proj.apply(e))
		return out, err == nil
	}
	if rp.whole {
		return append(dst, body...), true
	}
	dst = append(dst, '{')
	first := true
	for _, i := range sortedStoredKeys {
		part := rp.parts[i]
		if !part.present {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, '"')
		dst = append(dst, storedKeys[i]...)
		dst = append(dst, '"', ':')
		if part.only == nil && part.drop == nil {
			dst = append(dst, s[i]...)
			continue
		}
		dst = append(dst, '{')
		firstSub := true
		_ = rawjson.Members(s[i], func(k, v []byte) {
			if part.only != nil && !part.only[string(k)] || part.drop[string(k)] {
				return
			}
			if !firstSub {
				dst = append(dst, ',')
			}
			firstSub = false
			dst = rawjson.AppendString(dst, string(k))
			dst = append(dst, ':')
			dst = append(dst, v...)
		})
		dst = append(dst, '}')
	}
	return append(dst, '}'), true
}
