package console

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A resync's history is read from the sync-metrics events the integration
// sent: per kind its counts (Ocean's, and ocean-go's created/updated split)
// and its errors; the runtime event gives the status and the end.
func TestResyncsOf(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	load := func(counts map[string]float64) map[string]any {
		types := map[string]any{}
		for k, v := range counts {
			types[k] = map[string]any{"object_count": v}
		}
		return map[string]any{"phase": map[string]any{"load": map[string]any{"object_count_type": types}}}
	}
	report := func(kind string, ev map[string]any) ResyncReport {
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		return ResyncReport{EventID: "r1", Kind: kind, First: at, Last: at.Add(time.Minute), Body: b}
	}
	tests := []struct {
		name    string
		event   map[string]any
		status  string
		errors  []string
		created float64
		failed  float64
	}{
		{"ocean-go kind with errors",
			map[string]any{"kind": "person", "kindIndex": 1, "syncState": "failed", "metrics": load(map[string]float64{"loaded": 3, "created": 2, "updated": 1, "failed": 1}),
				"errors": []string{"Port refused 1 entities, the first: person/dan: 422"}},
			"failed", []string{"Port refused 1 entities, the first: person/dan: 422"}, 2, 1},
		{"Ocean's kind: no errors, no split",
			map[string]any{"kind": "person", "kindIndex": 1, "syncState": "completed", "metrics": load(map[string]float64{"loaded": 3})},
			"completed", []string{}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resyncsOf([]ResyncReport{
				report("person-1", tt.event),
				report(runtimeKind, map[string]any{"kind": runtimeKind, "syncState": tt.status}),
			})
			require.Len(t, got, 1)
			rs := got[0]
			assert.Equal(t, tt.status, rs.Status)
			require.NotNil(t, rs.End)
			require.Len(t, rs.Kinds, 1)
			k := rs.Kinds[0]
			assert.Equal(t, "person-1", k.Identifier)
			assert.Equal(t, tt.errors, k.Errors)
			assert.Equal(t, tt.created, k.Counts["created"])
			assert.Equal(t, tt.failed, k.Counts["failed"])
		})
	}
}
