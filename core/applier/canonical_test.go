package applier

import (
	"encoding/json"
	"testing"
)

func TestJSONEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b any
		want bool
	}{
		{"number text vs float", json.Number("1.10"), 1.1, true},
		{"exponent", json.Number("1e2"), json.Number("100"), true},
		{"int vs number", 3, json.Number("3.0"), true},
		{"negative zero", json.Number("-0"), 0, true},
		{"different numbers", json.Number("1.1"), 1.2, false},
		{"big integers exact", json.Number("12345678901234567891"), json.Number("12345678901234567891"), true},
		{"big integers differ in last digit", json.Number("12345678901234567891"), json.Number("12345678901234567892"), false},
		{"big integer vs rounded float", json.Number("12345678901234567891"), 12345678901234567891.0, false},
		{"number vs string", json.Number("1"), "1", false},
		{"nested objects, keys in any order", map[string]any{"a": []any{1, json.Number("2.50")}, "b": nil},
			map[string]any{"b": nil, "a": []any{json.Number("1"), 2.5}}, true},
		{"missing key", map[string]any{"a": 1}, map[string]any{"a": 1, "b": 2}, false},
		{"list order matters", []any{"a", "b"}, []any{"b", "a"}, false},
		{"go slices", []string{"a", "b"}, []any{"a", "b"}, true},
		{"go maps", map[string]int{"x": 1}, map[string]any{"x": json.Number("1")}, true},
		{"nil vs empty", nil, map[string]any{}, false},
		{"bools", true, true, true},
		{"bool vs string", true, "true", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jsonEqual(tt.a, tt.b); got != tt.want {
				t.Errorf("jsonEqual(%#v, %#v) = %v", tt.a, tt.b, got)
			}
			if got := jsonEqual(tt.b, tt.a); got != tt.want {
				t.Errorf("jsonEqual(%#v, %#v) = %v (reversed)", tt.b, tt.a, got)
			}
		})
	}
}

func TestCanonicalDecimal(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"}, {"0.000", "0"}, {"-0.0e5", "0"},
		{"1.10", "11e-1"}, {"1.1", "11e-1"}, {"110", "11e1"}, {"1.1E2", "11e1"},
		{"-2.50", "-25e-1"}, {"007", "7e0"}, {"1e400", "1e400"},
	}
	for _, tt := range tests {
		if got, ok := canonicalDecimal(tt.in); !ok || got != tt.want {
			t.Errorf("canonicalDecimal(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "-", "1.2.3", "1e", "abc", "NaN"} {
		if _, ok := canonicalDecimal(bad); ok {
			t.Errorf("canonicalDecimal(%q) accepted", bad)
		}
	}
}
