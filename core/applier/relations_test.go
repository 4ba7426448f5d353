package applier

import (
	"reflect"
	"slices"
	"testing"

	"github.com/ocean-go/ocean/clients/port"
)

func TestRelationIDs(t *testing.T) {
	query := map[string]any{"combinator": "and", "rules": []any{
		map[string]any{"property": "$identifier", "operator": "=", "value": "q1"},
		map[string]any{"combinator": "or", "rules": []any{
			map[string]any{"property": "$identifier", "operator": "=", "value": "q2"},
			map[string]any{"property": "name", "operator": "=", "value": "not-an-id"},
		}},
	}}
	typed := &port.Query{Combinator: "and", Rules: []port.Rule{port.Cond("$identifier", "=", "t1")}}
	tests := []struct {
		name        string
		v           any
		fromQueries bool
		want        []string
	}{
		{"nil", nil, true, nil},
		{"id", "a", false, []string{"a"}},
		{"list", []any{"a", "b"}, false, []string{"a", "b"}},
		{"string list", []string{"a"}, false, []string{"a"}},
		{"query skipped", query, false, nil},
		{"query identifiers", query, true, []string{"q1", "q2"}},
		{"typed query", typed, true, []string{"t1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := relationIDs(tt.v, tt.fromQueries); !slices.Equal(got, tt.want) {
				t.Errorf("relationIDs = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIncludePaths(t *testing.T) {
	if got := includePaths("properties", map[string]bool{"b": true, "a": true}); !slices.Equal(got, []string{"properties.a", "properties.b"}) {
		t.Errorf("got %v", got)
	}
	if got := includePaths("relations", map[string]bool{"a.b": true, "c": true}); !slices.Equal(got, []string{"relations"}) {
		t.Errorf("dotted key: got %v", got)
	}
}

func TestRounds(t *testing.T) {
	es := []port.Entity{
		{Identifier: "a", Blueprint: "x"}, {Identifier: "b", Blueprint: "x"},
		{Identifier: "a", Blueprint: "x", Title: str("second")}, {Identifier: "a", Blueprint: "y"},
		{Identifier: "a", Blueprint: "x", Title: str("third")},
	}
	if got := rounds(es); !reflect.DeepEqual(got, [][]int{{0, 1, 3}, {2}, {4}}) {
		t.Errorf("rounds = %v", got)
	}
}
