package localport_test

import (
	"encoding/json"
	"testing"

	"github.com/ocean-go/ocean/localport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNodeRunRoutes(t *testing.T) {
	srv, plain := start(t)
	c := plain.reserved()
	created := c.must(201, "POST", "/_admin/workflows/nodes/runs", map[string]any{
		"installationId": "my-int", "integrationActionType": "restart", "nodeUid": "restart-node", "properties": map[string]any{"n": 7},
	})["nodeRun"].(map[string]any)
	id := created["identifier"].(string)
	assert.Equal(t, "IN_PROGRESS", created["status"])
	_, err := srv.CreateNodeRun(localport.NewNodeRun{InstallationID: "another-int", ActionType: "restart"})
	require.NoError(t, err)

	claim := map[string]any{"installationId": "my-int", "limit": 5, "visibilityTimeoutMs": 60000}
	runs := c.must(200, "POST", "/v1/workflows/runs/claim-pending", claim)["nodeRuns"].([]any)
	require.Len(t, runs, 1, "only the installation's node runs")
	run := runs[0].(map[string]any)
	assert.Equal(t, id, run["identifier"])
	assert.Equal(t, "restart-node", run["nodeUid"])
	assert.Equal(t, map[string]any{"type": "INTEGRATION_ACTION", "installationId": "my-int", "integrationActionType": "restart",
		"integrationActionExecutionProperties": map[string]any{"n": json.Number("7")}}, run["config"])
	assert.NotContains(t, run, "logs", "a claim carries no logs")
	assert.Empty(t, c.must(200, "POST", "/v1/workflows/runs/claim-pending", claim)["nodeRuns"], "hidden while claimed")

	c.must(200, "PATCH", "/v1/workflows/runs/ack", map[string]any{"nodeRunIdentifier": id})
	assert.Equal(t, "conflict", c.must(409, "PATCH", "/v1/workflows/runs/ack", map[string]any{"nodeRunIdentifier": id})["error"])
	c.must(404, "PATCH", "/v1/workflows/runs/ack", map[string]any{"nodeRunIdentifier": "wfnr_none"})

	patched := c.must(200, "PATCH", "/v1/workflows/nodes/runs/"+id, map[string]any{
		"status": "IN_PROGRESS", "externalRunId": "ext-1", "links": []string{"https://ci.example/1"}, "output": map[string]any{"job": 1},
	})["nodeRun"].(map[string]any)
	assert.Equal(t, "ext-1", patched["externalRunId"])
	assert.Equal(t, []any{"https://ci.example/1"}, patched["links"])
	c.must(201, "POST", "/v1/workflows/nodes/runs/"+id+"/logs", map[string]any{"logs": []map[string]any{
		{"level": "INFO", "message": "half way"}, {"level": "WARN", "message": "slow"},
	}})
	c.must(200, "PATCH", "/v1/workflows/nodes/runs/"+id, map[string]any{"status": "COMPLETED", "result": "SUCCESS"})
	c.must(422, "PATCH", "/v1/workflows/nodes/runs/"+id, map[string]any{"status": "COMPLETED", "result": "FAILED"}) // completed already

	listed := c.must(200, "GET", "/v1/workflows/nodes/runs?external_run_id=ext-1&include=nodeConfig", nil)["nodeRuns"].([]any)
	require.Len(t, listed, 1)
	node := listed[0].(map[string]any)["node"].(map[string]any)
	assert.Equal(t, "restart", node["config"].(map[string]any)["integrationActionType"], "include=nodeConfig adds the node's config")
	bare := c.must(200, "GET", "/v1/workflows/nodes/runs?external_run_id=ext-1", nil)["nodeRuns"].([]any)
	require.Len(t, bare, 1)
	assert.NotContains(t, bare[0], "node")
	assert.Empty(t, c.must(200, "GET", "/v1/workflows/nodes/runs?external_run_id=ext-0", nil)["nodeRuns"])
	got := c.must(200, "GET", "/v1/workflows/nodes/runs/"+id, nil)["nodeRun"].(map[string]any)
	assert.Equal(t, "COMPLETED", got["status"])
	assert.Equal(t, "SUCCESS", got["result"])

	stored, err := srv.GetNodeRun(id)
	require.NoError(t, err)
	require.Len(t, stored.Logs, 2)
	assert.Equal(t, "WARN", stored.Logs[1].Level)
	assert.Equal(t, "slow", stored.Logs[1].Message)
	assert.Equal(t, map[string]any{"job": json.Number("1")}, stored.Output)
}

func TestNodeRunRequestsAreChecked(t *testing.T) {
	srv, plain := start(t)
	c := plain.reserved()
	run, err := srv.CreateNodeRun(localport.NewNodeRun{InstallationID: "i", ActionType: "restart"})
	require.NoError(t, err)
	id := run.Identifier
	claim := map[string]any{"installationId": "i", "limit": 1, "visibilityTimeoutMs": 1}
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/_admin/workflows/nodes/runs", map[string]any{"installationId": "i"}},
		{"POST", "/v1/workflows/runs/claim-pending", map[string]any{"installationId": "i", "limit": 0, "visibilityTimeoutMs": 1}},
		{"POST", "/v1/workflows/runs/claim-pending", map[string]any{"installationId": "i", "limit": 1}},
		{"PATCH", "/v1/workflows/runs/ack", map[string]any{}},
		{"PATCH", "/v1/workflows/nodes/runs/" + id, map[string]any{"status": "DONE"}},
		{"PATCH", "/v1/workflows/nodes/runs/" + id, map[string]any{"status": "COMPLETED"}},
		{"PATCH", "/v1/workflows/nodes/runs/" + id, map[string]any{"result": "SUCCESS"}},
		{"PATCH", "/v1/workflows/nodes/runs/" + id, map[string]any{"status": "COMPLETED", "result": "FAILURE"}},
		{"PATCH", "/v1/workflows/nodes/runs/" + id, map[string]any{"links": "https://x"}},
		{"PATCH", "/v1/workflows/nodes/runs/" + id, map[string]any{"output": []any{}}},
		{"PATCH", "/v1/workflows/nodes/runs/" + id, map[string]any{"colour": "red"}},
		{"POST", "/v1/workflows/nodes/runs/" + id + "/logs", map[string]any{"logs": []any{}}},
		{"POST", "/v1/workflows/nodes/runs/" + id + "/logs", map[string]any{"logs": []any{map[string]any{"level": "INFO"}}}},
		{"POST", "/v1/workflows/nodes/runs/" + id + "/logs", map[string]any{"logs": []any{map[string]any{"level": "WARNING", "message": "x"}}}},
	} {
		assert.Equal(t, "invalid_request", c.must(422, tc.method, tc.path, tc.body)["error"], "%s %s %v", tc.method, tc.path, tc.body)
	}
	c.must(404, "POST", "/v1/workflows/nodes/runs/wfnr_none/logs", map[string]any{"logs": []any{map[string]any{"level": "INFO", "message": "x"}}})
	c.must(404, "PATCH", "/v1/workflows/nodes/runs/wfnr_none", map[string]any{"status": "IN_PROGRESS"})
	c.must(404, "GET", "/v1/workflows/nodes/runs/wfnr_none", nil)

	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/v1/workflows/runs/claim-pending", claim},
		{"PATCH", "/v1/workflows/runs/ack", map[string]any{"nodeRunIdentifier": id}},
		{"GET", "/v1/workflows/nodes/runs", nil},
	} {
		assert.Equal(t, "forbidden", plain.must(403, tc.method, tc.path, tc.body)["error"], "%s %s without the reserved header", tc.method, tc.path)
	}
	got, err := srv.GetNodeRun(id)
	require.NoError(t, err)
	assert.Equal(t, localport.NodeRunInProgress, got.Status, "refused calls change nothing")
	assert.Empty(t, got.Logs)
	c.must(200, "PATCH", "/v1/workflows/runs/ack", map[string]any{"nodeRunIdentifier": id})
}
