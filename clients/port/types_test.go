package port

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEntityKey(t *testing.T) {
	asQuery := And(Cond("$identifier", "=", "a"), Cond("language", "in", []string{"go"}))
	asMap := map[string]any{"rules": []any{
		map[string]any{"value": "a", "operator": "=", "property": "$identifier"},
		map[string]any{"property": "language", "value": []any{"go"}, "operator": "in"},
	}, "combinator": "and"}
	tests := []struct {
		name string
		id   any
		want string
	}{
		{"string", "svc-1", "svc-1"},
		{"query", asQuery, `{"combinator":"and","rules":[{"operator":"=","property":"$identifier","value":"a"},{"operator":"in","property":"language","value":["go"]}]}`},
		{"the same query as a map", asMap, `{"combinator":"and","rules":[{"operator":"=","property":"$identifier","value":"a"},{"operator":"in","property":"language","value":["go"]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Entity{Identifier: tt.id, Blueprint: "service"}
			assert.Equal(t, Key{Blueprint: "service", Identifier: tt.want}, e.Key())
		})
	}
}
