package localport_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestActionRunRoutes(t *testing.T) {
	srv, c := start(t)
	run := c.must(201, "POST", "/_admin/actions/runs", map[string]any{
		"installationId": "my-int", "action": "restart", "properties": map[string]any{"n": 7},
	})["run"].(map[string]any)
	id := run["id"].(string)
	assert.Equal(t, "IN_PROGRESS", run["status"])
	assert.Equal(t, map[string]any{"type": "INTEGRATION_ACTION", "installationId": "my-int", "integrationActionType": "restart",
		"integrationActionExecutionProperties": map[string]any{"n": json.Number("7")}}, run["payload"])

	claim := map[string]any{"installationId": "my-int", "limit": 5, "visibilityTimeoutMs": 60000}
	runs := c.must(200, "POST", "/v1/actions/runs/claim-pending", claim)["runs"].([]any)
	require.Len(t, runs, 1)
	assert.Equal(t, id, runs[0].(map[string]any)["id"])
	assert.Empty(t, c.must(200, "POST", "/v1/actions/runs/claim-pending", claim)["runs"], "hidden while claimed")

	c.must(200, "PATCH", "/v1/actions/runs/ack", map[string]any{"runId": id})
	assert.Equal(t, "conflict", c.must(409, "PATCH", "/v1/actions/runs/ack", map[string]any{"runId": id})["error"])
	c.must(404, "PATCH", "/v1/actions/runs/ack", map[string]any{"runId": "r_none"})

	c.must(201, "POST", "/v1/actions/runs/"+id+"/logs", map[string]any{"message": "half way"})
	c.must(201, "POST", "/v1/actions/runs/"+id+"/logs", map[string]any{"message": "done", "terminationStatus": "SUCCESS"})
	c.must(422, "PATCH", "/v1/actions/runs/"+id, map[string]any{"status": "FAILURE"}) // finished already
	c.must(422, "PATCH", "/v1/actions/runs/"+id, map[string]any{"colour": "red"})
	c.must(200, "PATCH", "/v1/actions/runs/"+id, map[string]any{"externalRunId": "ext-1"})

	listed := c.must(200, "GET", "/v1/actions/runs?version=v2&external_run_id=ext-1", nil)["runs"].([]any)
	require.Len(t, listed, 1)
	got := c.must(200, "GET", "/v1/actions/runs/"+id, nil)["run"].(map[string]any)
	assert.Equal(t, "SUCCESS", got["status"])
	assert.Len(t, got["logs"], 2)

	stored, err := srv.GetRun(id)
	require.NoError(t, err)
	assert.Equal(t, "done", stored.Logs[1].Message)
}

func TestActionRunRequestsAreChecked(t *testing.T) {
	_, c := start(t)
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/_admin/actions/runs", map[string]any{"action": "x"}},
		{"POST", "/v1/actions/runs/claim-pending", map[string]any{"installationId": "i", "limit": 0, "visibilityTimeoutMs": 1}},
		{"POST", "/v1/actions/runs/claim-pending", map[string]any{"installationId": "i", "limit": 1}},
		{"PATCH", "/v1/actions/runs/ack", map[string]any{}},
	} {
		assert.Equal(t, "invalid_request", c.must(422, tc.method, tc.path, tc.body)["error"], "%s %s", tc.method, tc.path)
	}
	c.must(404, "POST", "/v1/actions/runs/r_none/logs", map[string]any{"message": "x"})
	c.must(404, "GET", "/v1/actions/runs/r_none", nil)
}
