package resync

import (
	"maps"
	"testing"
)

func TestRegisterRawDeletesOnlyWhatNobodyWrote(t *testing.T) {
	bySearch := map[string]any{"combinator": `"and"`, "rules": []any{
		map[string]any{"property": `"$identifier"`, "operator": `"="`, "value": ".id"},
	}}
	tests := []struct {
		name      string
		resources []any
		items     []any
		want      map[string]any // names in Port afterwards
	}{
		{
			name:      "a selector rejecting an owned entity deletes it",
			resources: []any{personResource(".id != \"x\"", ".id")},
			items:     people("x"),
			want:      map[string]any{"y": "y"},
		},
		{
			// Another resource wrote x through a search identifier.
			name:      "an entity another resource wrote by search identifier stays",
			resources: []any{personResource(".id != \"x\"", ".id"), personResource("true", bySearch)},
			items:     []any{map[string]any{"id": "x", "name": "new"}},
			want:      map[string]any{"x": "new", "y": "y"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, mapping(tt.resources...))
			seed(t, e, "x", "y")
			if _, err := e.RegisterRaw(t.Context(), "person", tt.items); err != nil {
				t.Fatal(err)
			}
			if got := names(t, e); !maps.Equal(got, tt.want) {
				t.Errorf("persons %v, want %v", got, tt.want)
			}
		})
	}
}

// A live event for a kind the mapping does not list syncs nothing, as in Ocean.
func TestRawOperationsOnAnUnmappedKind(t *testing.T) {
	e := newEngine(t)
	seed(t, e, "x")
	got, err := e.RegisterRaw(t.Context(), "ghost", people("y"))
	if err != nil || len(got) != 0 {
		t.Errorf("RegisterRaw = %v, %v; want nothing, no error", got, err)
	}
	if err := e.UnregisterRaw(t.Context(), "ghost", people("x")); err != nil {
		t.Errorf("UnregisterRaw: %v", err)
	}
	if err := e.UpdateRawDiff(t.Context(), "ghost", people("x"), nil); err != nil {
		t.Errorf("UpdateRawDiff: %v", err)
	}
	if got := names(t, e); !maps.Equal(got, map[string]any{"x": "x"}) {
		t.Errorf("persons %v, want only x", got)
	}
}
