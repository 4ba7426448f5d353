package applier

import (
	"slices"

	"github.com/ocean-go/ocean/clients/port"
)

// sameAsPort reports whether upserting ours would leave theirs (Port's copy:
// with merge only the fields ours sets, else all of them) unchanged. When in
// doubt it says no: an extra write costs a request, a skipped one loses data.
//
// A key whose value is null on one side and absent on the other is equal (Port
// stores neither). A field ours does not set is left alone by a merge upsert and
// cleared by a replace, so without merge Port's copy must be empty there.
func sameAsPort(ours, theirs *port.Entity, merge bool) bool {
	return sameString(ours.Title, theirs.Title, merge) &&
		sameString(ours.Icon, theirs.Icon, merge) &&
		sameTeam(ours.Team, theirs.Team, merge) &&
		sameFields(ours.Properties, theirs.Properties, merge) &&
		sameFields(ours.Relations, theirs.Relations, merge)
}

func sameString(ours, theirs *string, merge bool) bool {
	if ours == nil {
		return merge || theirs == nil || *theirs == ""
	}
	return theirs != nil && *ours == *theirs
}

// sameTeam compares teams as sets: "a" equals ["a"], nil equals [].
func sameTeam(ours, theirs any, merge bool) bool {
	t, ok := teamSet(theirs)
	if !ok {
		return false
	}
	if ours == nil {
		return merge || len(t) == 0
	}
	o, ok := teamSet(ours)
	return ok && slices.Equal(o, t)
}

// teamSet returns a team value as a sorted list; ok is false for a search query.
func teamSet(v any) ([]string, bool) {
	var out []string
	switch t := v.(type) {
	case nil:
	case string:
		out = []string{t}
	case []string:
		out = slices.Clone(t)
	case []any:
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
	default:
		return nil, false
	}
	slices.Sort(out)
	return slices.Compact(out), true
}

// sameFields compares properties or relations value by value (see sameAsPort).
func sameFields(ours, theirs map[string]any, merge bool) bool {
	for k, o := range ours {
		t, ok := theirs[k]
		if o == nil {
			if t != nil {
				return false
			}
			continue
		}
		if !ok || !jsonEqual(o, t) {
			return false
		}
	}
	if merge {
		return true
	}
	for k, t := range theirs {
		if _, ok := ours[k]; !ok && t != nil {
			return false
		}
	}
	return true
}
