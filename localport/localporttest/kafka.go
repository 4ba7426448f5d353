package localporttest

import (
	"encoding/json"
	"testing"

	"github.com/ocean-go/ocean/internal/kafkatest"
)

// ReadChangeLog reads n messages of a change-log topic as JSON objects (see
// kafkatest.Cluster.ReadTopic for the order).
func ReadChangeLog(t testing.TB, c *kafkatest.Cluster, topic string, n int) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range c.ReadTopic(t, topic, n) {
		var v map[string]any
		if err := json.Unmarshal(m.Value, &v); err != nil {
			t.Fatalf("localporttest: message on %s is not a JSON object: %v: %s", topic, err, m.Value)
		}
		out = append(out, v)
	}
	return out
}
