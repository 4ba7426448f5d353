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
