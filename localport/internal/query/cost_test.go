package query

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCost(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  int
	}{
		{"empty", `{"combinator":"and","rules":[]}`, 1},
		{"one rule each", `{"combinator":"and","rules":[
			{"property":"a","operator":"=","value":1},
			{"combinator":"or","rules":[{"property":"b","operator":"contains","value":"x"},{"property":"c","operator":"isEmpty"}]}]}`, 3},
		{"in over strings is a lookup", `{"combinator":"and","rules":[{"property":"a","operator":"in","value":["x","y","z"]}]}`, 1},
		{"in over numbers is a scan", `{"combinator":"and","rules":[{"property":"a","operator":"notIn","value":[1,2,3]}]}`, 3},
		{"containsAny scans", `{"combinator":"and","rules":[{"property":"a","operator":"containsAny","value":["x","y"]}]}`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseJSON([]byte(tt.query), time.Now())
			require.NoError(t, err)
			assert.Equal(t, tt.want, q.Cost())
		})
	}
}
