package localport_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/localport"
)

// The sync metrics an integration reports survive a restart, latest per kind.
func TestResyncReportsSurviveARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "port.db")
	srv, c := start(t, func(o *localport.Options) { o.DBPath = path })
	c.do("POST", "/v1/integration", map[string]any{"installationId": "it"})
	integ := c.do("GET", "/v1/integration/it", nil).body["integration"].(map[string]any)
	metrics := integ["metricAttributes"].(map[string]any)["ingestUrl"].(string)
	send := func(method, url, body string) {
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	send("POST", metrics+"/syncMetrics", `{"syncKindsMetrics":[{"eventId":"ev1","kindIdentifier":"__runtime__","syncState":"syncing"}]}`)
	send("PUT", metrics+"/syncMetrics/resync/ev1/kind/repo-0", `{"syncKindMetrics":{"eventId":"ev1","kindIdentifier":"repo-0","syncState":"syncing"}}`)
	send("PUT", metrics+"/syncMetrics/resync/ev1/kind/repo-0", `{"syncKindMetrics":{"eventId":"ev1","kindIdentifier":"repo-0","syncState":"completed"}}`)
	send("POST", metrics+"/syncMetrics", `not a report`)
	sinks := srv.Sinks()
	assert.Equal(t, [2]int{2, 2}, [2]int{sinks[localport.SinkSyncMetrics].Count, sinks[localport.SinkKindMetrics].Count}, "the sinks still count every request")
	require.NoError(t, srv.Close())

	again, err := localport.New(localport.Options{DBPath: path})
	require.NoError(t, err)
	t.Cleanup(func() { _ = again.Close() })
	reps, err := again.ResyncReports(context.Background(), "it")
	require.NoError(t, err)
	require.Len(t, reps, 2)
	kinds := map[string]string{}
	for _, r := range reps {
		assert.Equal(t, "ev1", r.EventID)
		kinds[r.Kind] = string(r.Body)
	}
	assert.Contains(t, kinds["repo-0"], `"completed"`, "the latest report of the kind")
	assert.Contains(t, kinds["__runtime__"], `"syncing"`)
	none, err := again.ResyncReports(context.Background(), "nope")
	require.NoError(t, err)
	assert.Empty(t, none)
}
