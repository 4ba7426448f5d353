package query

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlan(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  Plan
	}{
		{"empty and: unconstrained", `{"combinator":"and","rules":[]}`, Plan{}},
		{"empty or: nothing", `{"combinator":"or","rules":[]}`, Plan{None: true}},
		{"ocean diff query", `{"combinator":"and","rules":[
			{"property":"$identifier","operator":"in","value":["b","a"]},
			{"property":"$blueprint","operator":"=","value":"service"},
			{"property":"$datasource","operator":"contains","value":"port-ocean/x/"}]}`,
			Plan{Identifiers: []string{"a", "b"}, Blueprints: []string{"service"}, DatasourceContains: []string{"port-ocean/x/"}}},
		{"and intersects", `{"combinator":"and","rules":[
			{"property":"$identifier","operator":"in","value":["a","b"]},
			{"property":"$identifier","operator":"=","value":"b"}]}`, Plan{Identifiers: []string{"b"}}},
		{"or of pairs unions", `{"combinator":"or","rules":[
			{"combinator":"and","rules":[{"property":"$identifier","operator":"=","value":"a"},{"property":"$blueprint","operator":"=","value":"x"}]},
			{"combinator":"and","rules":[{"property":"$identifier","operator":"=","value":"b"},{"property":"$blueprint","operator":"=","value":"y"}]}]}`,
			Plan{Identifiers: []string{"a", "b"}, Blueprints: []string{"x", "y"}}},
		{"or with an unconstrained branch", `{"combinator":"or","rules":[
			{"property":"$identifier","operator":"=","value":"a"},
			{"property":"title","operator":"=","value":"b"}]}`, Plan{}},
		{"datasource inside or is not pushed", `{"combinator":"or","rules":[
			{"property":"$datasource","operator":"contains","value":"x"}]}`, Plan{}},
		{"non-string identifier matches nothing", `{"combinator":"and","rules":[{"property":"$identifier","operator":"=","value":1}]}`, Plan{None: true}},
		{"negations are not pushed", `{"combinator":"and","rules":[{"property":"$identifier","operator":"!=","value":"a"}]}`, Plan{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseJSON([]byte(tt.query), time.Now())
			require.NoError(t, err)
			got := q.Plan()
			slices.Sort(got.Identifiers)
			slices.Sort(got.Blueprints)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseTime(t *testing.T) {
	for _, s := range []string{"2024-11-20T12:01:54.355Z", "2024-11-20T12:01:45.483844+00:00", "2024-11-20T12:01:45", "2024-11-20"} {
		_, ok := ParseTime(s)
		assert.True(t, ok, s)
	}
	for _, s := range []string{"", "yesterday", "2024-13-01", "12345678901"} {
		_, ok := ParseTime(s)
		assert.False(t, ok, s)
	}
}

func TestCompareNumbers(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1", "2", -1}, {"2", "1.5", 1}, {"1e3", "1000", 0},
		{"12345678901234567890", "12345678901234567891", -1},
		{"-5", "-5.0", 0},
	}
	for _, tt := range tests {
		got, ok := compareNumbers(json.Number(tt.a), json.Number(tt.b))
		assert.True(t, ok)
		assert.Equal(t, tt.want, got, "%s vs %s", tt.a, tt.b)
	}
}
