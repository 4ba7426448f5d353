package ocean_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/localport"
)

type shippedLog struct {
	Message   string         `json:"message"`
	Level     string         `json:"level"`
	Timestamp string         `json:"timestamp"`
	Extra     map[string]any `json:"extra"`
}

// sailOnce runs app with `sail --once`.
func sailOnce(t *testing.T, app *ocean.App) {
	t.Helper()
	var table bytes.Buffer
	require.NoError(t, app.Sail(context.Background(), ocean.SailOptions{Once: true, Port: new(int), SummaryOut: &table}))
}

// The integration's logs reach Port's log sink, masked: a secret a handler
// logs never leaves the process.
func TestLogsAreShippedMasked(t *testing.T) {
	const token = "tok-abcdefghijklmnopqrstuvwxyz" // the spec marks apiToken sensitive
	h := newHarness(t)
	app := h.newApp()
	app.OnStart(func(ctx context.Context) error {
		app.Logger().WithField("token", token).Warn("start hook sees " + token)
		return nil
	})
	sailOnce(t, app)

	sink := h.port.Sinks()[localport.SinkLogs]
	require.Positive(t, sink.Count, "the logs were shipped")
	var logs []shippedLog
	for _, p := range sink.Last {
		assert.NotContains(t, string(p), token)
		assert.NotContains(t, string(p), "shop-secret-value-0123456789")
		var body struct{ Logs []shippedLog }
		require.NoError(t, json.Unmarshal(p, &body))
		logs = append(logs, body.Logs...)
	}
	messages := map[string]shippedLog{}
	for _, l := range logs {
		messages[l.Message] = l
	}
	hook, ok := messages["start hook sees [REDACTED]"]
	require.True(t, ok, "the hook's line was shipped, masked")
	assert.Equal(t, "WARNING", hook.Level)
	assert.Equal(t, "[REDACTED]", hook.Extra["token"])
	assert.NotEmpty(t, hook.Extra["hostname"])
	assert.NotEmpty(t, hook.Extra["instance"])
	assert.Contains(t, messages, "Resync finished", "lines up to the end are flushed at shutdown")
	for m, l := range messages {
		assert.NotEqual(t, true, l.Extra["local_only"], m)
	}
}

func TestLogShippingCanBeTurnedOff(t *testing.T) {
	h := newHarness(t)
	sailOnce(t, h.newApp("APPLICATION__ENABLE_HTTP_LOGGING=false"))
	assert.Zero(t, h.port.Sinks()[localport.SinkLogs].Count)
	assert.Positive(t, h.port.Sinks()[localport.SinkSyncMetrics].Count, "the resync did run")
}
