package port

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// item returns an encoded entity of exactly n bytes.
func item(n int) []byte {
	const frame = `{"identifier":"","blueprint":"b"}`
	if n < len(frame) {
		panic("item too small")
	}
	return []byte(`{"identifier":"` + strings.Repeat("x", n-len(frame)) + `","blueprint":"b"}`)
}

func items(sizes ...int) [][]byte {
	out := make([][]byte, len(sizes))
	for i, n := range sizes {
		out[i] = item(n)
	}
	return out
}

func repeat(n, size int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = size
	}
	return s
}

func TestPlanBatches(t *testing.T) {
	wrap := len(bulkPrefix) + len(bulkSuffix) // 15
	tests := []struct {
		name         string
		sizes        []int
		maxLen       int
		maxBytes     int
		wantBatches  [][]int
		wantOversize []int
	}{
		{"empty", nil, 20, 1 << 20, nil, nil},
		{"by count", repeat(45, 100), 20, 1 << 20,
			[][]int{seq(0, 20), seq(20, 40), seq(40, 45)}, nil},
		// Three 100-byte items need wrap+300+2 bytes; a limit one byte short splits them.
		{"by bytes, exact fit", repeat(3, 100), 20, wrap + 302, [][]int{{0, 1, 2}}, nil},
		{"by bytes, one byte short", repeat(3, 100), 20, wrap + 301, [][]int{{0, 1}, {2}}, nil},
		{"alone at the limit fits", []int{100}, 20, wrap + 100, [][]int{{0}}, nil},
		{"alone over the limit is oversize", []int{50, 200, 50}, 20, wrap + 150,
			[][]int{{0, 2}}, []int{1}},
		{"large then small", []int{500, 500, 40, 40}, 20, wrap + 600,
			[][]int{{0}, {1, 2, 3}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			its := items(tt.sizes...)
			batches, oversize := planBatches(its, tt.maxLen, tt.maxBytes)
			assert.Equal(t, tt.wantBatches, batches)
			assert.Equal(t, tt.wantOversize, oversize)
			for _, b := range batches {
				body, _ := appendBulkBody(nil, its, b)
				assert.LessOrEqual(t, len(body), tt.maxBytes)
				assert.LessOrEqual(t, len(b), tt.maxLen)
			}
		})
	}
}

// Every planned batch is valid JSON within the limits, greedy (the next item
// would not have fit), and every item lands exactly once, in order.
func TestPlanBatchesProperties(t *testing.T) {
	sizes := []int{}
	for i := range 500 {
		sizes = append(sizes, 40+(i*7919)%3000)
	}
	its := items(sizes...)
	const maxLen, maxBytes = 20, 16 << 10
	batches, oversize := planBatches(its, maxLen, maxBytes)
	assert.Empty(t, oversize)
	var seen []int
	for k, b := range batches {
		body, _ := appendBulkBody(nil, its, b)
		var decoded struct{ Entities []map[string]any }
		require.NoError(t, json.Unmarshal(body, &decoded))
		assert.Len(t, decoded.Entities, len(b))
		assert.LessOrEqual(t, len(body), maxBytes)
		if k+1 < len(batches) && len(b) < maxLen {
			next := batches[k+1][0]
			assert.Greater(t, len(body)+1+len(its[next]), maxBytes, "batch %d could have taken item %d", k, next)
		}
		seen = append(seen, b...)
	}
	assert.Equal(t, seq(0, len(its)), seen)
}

func seq(from, to int) []int {
	s := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}
