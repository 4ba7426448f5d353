package applier

import (
	"testing"

	"github.com/ocean-go/ocean/clients/port"
)

func TestNamedIdentifier(t *testing.T) {
	rule := func(p, op string, v any) map[string]any {
		return map[string]any{"property": p, "operator": op, "value": v}
	}
	q := func(comb string, rules ...any) map[string]any {
		return map[string]any{"combinator": comb, "rules": rules}
	}
	tests := []struct {
		name string
		q    map[string]any
		want string // "" = not a query naming one identifier
	}{
		{"one rule", q("and", rule("$identifier", "=", "x")), "x"},
		{"or of one rule", q("or", rule("$identifier", "=", "x")), "x"},
		{"with its blueprint", q("and", rule("$blueprint", "=", "bp"), rule("$identifier", "=", "x")), "x"},
		{"another blueprint", q("and", rule("$blueprint", "=", "other"), rule("$identifier", "=", "x")), ""},
		{"or widens", q("or", rule("$blueprint", "=", "bp"), rule("$identifier", "=", "x")), ""},
		{"two identifiers", q("and", rule("$identifier", "=", "x"), rule("$identifier", "=", "y")), ""},
		{"in", q("and", rule("$identifier", "in", []any{"x"})), ""},
		{"a property", q("and", rule("name", "=", "x")), ""},
		{"a number", q("and", rule("$identifier", "=", 1)), ""},
		{"a group", q("and", q("and", rule("$identifier", "=", "x"))), ""},
		{"no rules", q("and"), ""},
	}
	for _, tt := range tests {
		plain, _, ok := canonicalQuery(tt.q)
		if !ok {
			t.Fatalf("%s: not a query", tt.name)
		}
		if got, _ := namedIdentifier(plain, "bp"); got != tt.want {
			t.Errorf("%s: namedIdentifier = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestToQuery(t *testing.T) {
	tests := []struct {
		name string
		q    any
		ok   bool
	}{
		{"leaves and groups", map[string]any{"combinator": "and", "rules": []any{
			map[string]any{"property": "name", "operator": "contains", "value": "a"},
			map[string]any{"combinator": "or", "rules": []any{map[string]any{"property": "n", "operator": "=", "value": nil}}},
		}}, true},
		{"typed", port.And(port.Cond("$identifier", "in", []string{"a"})), true},
		{"no combinator", map[string]any{"rules": []any{}}, false},
		{"a rule shape it does not model", map[string]any{"combinator": "and", "rules": []any{
			map[string]any{"propertySchema": map[string]any{"type": "string"}, "operator": "=", "value": "a"},
		}}, false},
	}
	for _, tt := range tests {
		plain, _, _ := canonicalQuery(tt.q)
		if _, ok := toQuery(plain); ok != tt.ok {
			t.Errorf("%s: toQuery ok = %v, want %v", tt.name, ok, tt.ok)
		}
	}
}
