package ocean_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
)

// /metrics shows Ocean's gauges of the last resync, by "{kind}-{index}",
// __runtime__ and __reconciliation__.
func TestMetricsDescribeTheLastResync(t *testing.T) {
	h := newHarness(t)
	app := h.newApp("OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Sail(ctx, ocean.SailOptions{Port: new(int)}) }()
	<-app.Ready()
	scrape := func() string {
		resp, err := http.Get(app.URL() + "/metrics")
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(b)
	}

	_, err := app.SyncRawAll(ctx)
	require.NoError(t, err)
	h.src.set("team", map[string]any{"id": "red", "name": "Red"})
	_, err = app.SyncRawAll(ctx)
	require.NoError(t, err)
	body := scrape()
	for _, line := range []string{
		`object_count{kind="team-0",object_count_type="raw_extracted",phase="extract"} 1`,
		`object_count{kind="team-0",object_count_type="failed",phase="extract"} 0`,
		`object_count{kind="team-0",object_count_type="transformed",phase="transform"} 1`,
		`object_count{kind="team-0",object_count_type="filtered_out",phase="transform"} 0`,
		`object_count{kind="team-0",object_count_type="failed",phase="transform"} 0`,
		`object_count{kind="team-0",object_count_type="skipped",phase="load"} 1`,
		`object_count{kind="team-0",object_count_type="loaded",phase="load"} 0`,
		`object_count{kind="team-0",object_count_type="created",phase="load"} 0`,
		`object_count{kind="team-0",object_count_type="updated",phase="load"} 0`,
		`object_count{kind="member-1",object_count_type="skipped",phase="load"} 3`,
		`success{kind="__runtime__",phase="resync"} 1`,
		`success{kind="member-1",phase="resync"} 1`,
	} {
		assert.Contains(t, body, line+"\n")
	}
	for _, series := range []string{
		`duration_seconds{kind="__runtime__",phase="resync"}`,
		`duration_seconds{kind="team-0",phase="resync"}`,
		`duration_seconds{kind="__reconciliation__",phase="resync"}`,
		`duration_seconds{kind="__reconciliation__",phase="delete"}`,
		`object_count{kind="__reconciliation__",object_count_type="deleted",phase="delete"}`,
		`rate_limit_wait_seconds{endpoint="POST /integration/shop-test/kinds/member/examples",kind="member-1",phase="load"}`,
		`rate_limit_wait_seconds{endpoint="GET /integration/shop-test",kind="__runtime__",phase="resync"}`,
		`ocean_port_requests_total{route="POST /v1/blueprints/{bp}/entities/bulk"}`,
		`ocean_port_requests_total{route="POST /v1/blueprints/entities/datasource-entities"}`,
		"go_goroutines", "process_cpu_seconds_total",
	} {
		assert.Contains(t, body, series)
	}
	assert.NotContains(t, body, "ocean_resync", "Ocean's names only")
	for _, l := range strings.Split(body, "\n") {
		if !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "go_") && !strings.HasPrefix(l, "process_") && l != "" {
			t.Log(l)
		}
	}
	cancel()
	require.NoError(t, <-done)
}
