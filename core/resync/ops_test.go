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

func TestSyncRawResults(t *testing.T) {
	tests := []struct {
		name             string
		selector         string
		updated, deleted []any
		want             map[string]any // names in Port afterwards
	}{
		{"updated items are upserted", "true", []any{map[string]any{"id": "x", "name": "new"}}, nil,
			map[string]any{"x": "new", "y": "y"}},
		{"deleted items are deleted", "true", nil, people("x"), map[string]any{"y": "y"}},
		{"an item the selector rejects is deleted", `.name != "gone"`,
			[]any{map[string]any{"id": "y", "name": "gone"}, map[string]any{"id": "z", "name": "z"}}, nil,
			map[string]any{"x": "x", "z": "z"}},
		{"a deletion never beats an upsert of the same event", "true",
			[]any{map[string]any{"id": "x", "name": "back"}}, people("x", "y"), map[string]any{"x": "back"}},
		{"nothing at all", "true", nil, nil, map[string]any{"x": "x", "y": "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, mapping(personResource(tt.selector, ".id")))
			seed(t, e, "x", "y")
			if err := e.SyncRawResults(t.Context(), "person", tt.updated, tt.deleted); err != nil {
				t.Fatal(err)
			}
			if got := names(t, e); !maps.Equal(got, tt.want) {
				t.Errorf("persons %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMappedKinds(t *testing.T) {
	e := newEngine(t)
	kinds, err := e.MappedKinds(t.Context())
	if err != nil || !maps.Equal(kinds, map[string]bool{"person": true}) {
		t.Errorf("MappedKinds = %v, %v; want person", kinds, err)
	}
}
