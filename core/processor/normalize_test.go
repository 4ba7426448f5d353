package processor

import (
	"encoding/json"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalize(t *testing.T) {
	type repo struct {
		Name   string    `json:"name"`
		Stars  int64     `json:"stars"`
		Tags   []string  `json:"tags"`
		Pushed time.Time `json:"pushed"`
		Big    uint64    `json:"big"`
	}
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"json-shaped", map[string]any{"a": []any{1, 1.5, "x", nil, true, json.Number("2")}}, map[string]any{"a": []any{1, 1.5, "x", nil, true, json.Number("2")}}},
		{"int64", int64(5), 5},
		{"uint64 beyond int", uint64(math.MaxUint64), json.Number("18446744073709551615")},
		{"float32", float32(0.5), 0.5},
		{"float32 as written", map[string]any{"cpu": float32(0.1)}, map[string]any{"cpu": 0.1}},
		{"nested foreign", map[string]any{"a": int32(1), "b": []string{"x"}}, map[string]any{"a": 1, "b": []any{"x"}}},
		{"struct", repo{Name: "r", Stars: 3, Tags: []string{"go"}, Pushed: when, Big: 12345678901234567890},
			map[string]any{"name": "r", "stars": json.Number("3"), "tags": []any{"go"},
				"pushed": "2024-01-02T03:04:05Z", "big": json.Number("12345678901234567890")}},
		{"map of strings", map[string]string{"a": "b"}, map[string]any{"a": "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	t.Run("copy on write", func(t *testing.T) {
		in := map[string]any{"keep": map[string]any{"x": 1}, "fix": int64(2)}
		got, err := Normalize(in)
		require.NoError(t, err)
		assert.Equal(t, int64(2), in["fix"], "the input is not modified")
		assert.Equal(t, 2, got.(map[string]any)["fix"])

		same := map[string]any{"a": []any{1}}
		got, err = Normalize(same)
		require.NoError(t, err)
		got.(map[string]any)["b"] = 1
		assert.Contains(t, same, "b", "JSON-shaped values are returned as they are")
	})

	t.Run("not serialisable", func(t *testing.T) {
		_, err := Normalize(map[string]any{"f": func() {}})
		assert.ErrorContains(t, err, "f: not JSON-serialisable")
	})
}

func TestCanonical(t *testing.T) {
	big1, _ := new(big.Int).SetString("100000000000000000000001", 10)
	tests := []struct {
		in   any
		want string
	}{
		{json.Number("1.10"), "1.1"},
		{1.1, "1.1"},
		{json.Number("1e2"), "100"},
		{json.Number("-0.0"), "0"},
		{json.Number("0.00001"), "0.00001"},
		{1e-7, "1e-7"},
		{json.Number("1E+100"), "1e100"},
		{1e100, "1e100"},
		{json.Number("12345678901234567890"), "12345678901234567890"},
		{big1, "100000000000000000000001"},
		{math.NaN(), "null"},
		{math.Inf(1), "1.7976931348623157e308"},
		{map[string]any{"b": 1, "a": []any{json.Number("2.50"), "x", nil, false}}, `{"a":[2.5,"x",null,false],"b":1}`},
		{struct {
			N int64 `json:"n"`
		}{7}, `{"n":7}`},
	}
	for _, tt := range tests {
		got, err := Canonical(tt.in)
		require.NoError(t, err, "%v", tt.in)
		assert.Equal(t, tt.want, string(got), "%#v", tt.in)
	}
	_, err := Canonical(json.Number("1.2.3"))
	assert.Error(t, err)
}

func TestEqual(t *testing.T) {
	big1, _ := new(big.Int).SetString("12345678901234567890", 10)
	tests := []struct {
		a, b any
		want bool
	}{
		{json.Number("1.10"), 1.1, true},
		{json.Number("1.10"), json.Number("1.1"), true},
		{1, 1.0, true},
		{1, json.Number("1.0"), true},
		{json.Number("12345678901234567890"), big1, true},
		{json.Number("12345678901234567890"), json.Number("12345678901234567891"), false},
		{json.Number("12345678901234567890"), 1.2345678901234567e19, false},
		{map[string]any{"a": 1, "b": []any{"x"}}, map[string]any{"b": []any{"x"}, "a": json.Number("1")}, true},
		{map[string]any{"a": 1}, map[string]any{"a": 1, "b": nil}, false},
		{[]any{1, 2}, []any{2, 1}, false},
		{"1", 1, false},
		{nil, math.NaN(), true},
		{nil, false, false},
		{int64(5), json.Number("5"), true},
		{[]string{"a"}, []any{"a"}, true},
		{func() {}, nil, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Equal(tt.a, tt.b), "%#v vs %#v", tt.a, tt.b)
		assert.Equal(t, tt.want, Equal(tt.b, tt.a), "%#v vs %#v", tt.b, tt.a)
	}
}
