package port

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/ocean-go/ocean/localport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNodeRunLifecycle(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	created, err := env.srv.CreateNodeRun(localport.NewNodeRun{InstallationID: "it-fake", ActionType: "restart", Properties: map[string]any{"service": "api"}})
	require.NoError(t, err)
	_, err = env.srv.CreateNodeRun(localport.NewNodeRun{InstallationID: "another", ActionType: "restart"})
	require.NoError(t, err)

	claim := ClaimRunsRequest{Limit: 10, VisibilityTimeoutMs: 60_000}
	runs, err := env.c.ClaimPendingNodeRuns(ctx, claim)
	require.NoError(t, err)
	require.Len(t, runs, 1, "only the client's installation's node runs")
	run := runs[0]
	assert.Equal(t, created.Identifier, run.Identifier)
	assert.Equal(t, NodeRunInProgress, run.Status)
	assert.Equal(t, "restart", run.ActionType())
	require.NotNil(t, run.Config)
	assert.Equal(t, "it-fake", run.Config.InstallationID)
	assert.JSONEq(t, `{"service":"api"}`, string(run.Config.ExecutionProperties))
	again, err := env.c.ClaimPendingNodeRuns(ctx, claim)
	require.NoError(t, err)
	assert.Empty(t, again, "a claimed node run is hidden for its visibility timeout")

	require.NoError(t, env.c.AckNodeRun(ctx, run.Identifier))
	assert.ErrorIs(t, env.c.AckNodeRun(ctx, run.Identifier), ErrConflict, "a second ack is a conflict")
	assert.ErrorIs(t, env.c.AckNodeRun(ctx, "wfnr_missing"), ErrNotFound)

	require.NoError(t, env.c.PostNodeRunLogs(ctx, run.Identifier, NodeRunLog{Level: LogInfo, Message: "restarting api"}))
	assert.ErrorIs(t, env.c.PostNodeRunLogs(ctx, run.Identifier, NodeRunLog{Level: "WARNING", Message: "x"}), ErrValidation)
	patched, err := env.c.PatchNodeRun(ctx, run.Identifier, NodeRunPatch{
		Status: NodeRunInProgress, ExternalRunID: "gh-123", Links: []string{"https://ci.example/123"},
	})
	require.NoError(t, err)
	assert.Equal(t, "gh-123", patched.ExternalRunID)
	assert.Equal(t, []string{"https://ci.example/123"}, patched.Links)
	patched, err = env.c.PatchNodeRun(ctx, run.Identifier, NodeRunPatch{Status: NodeRunCompleted, Result: NodeRunSuccess})
	require.NoError(t, err)
	assert.Equal(t, NodeRunCompleted, patched.Status)
	assert.Equal(t, NodeRunSuccess, patched.Result)
	_, err = env.c.PatchNodeRun(ctx, run.Identifier, NodeRunPatch{Status: NodeRunCompleted, Result: NodeRunFailed})
	assert.ErrorIs(t, err, ErrValidation, "a completed node run stays completed")

	byExt, err := env.c.NodeRunsByExternalID(ctx, "gh-123")
	require.NoError(t, err)
	require.Len(t, byExt, 1)
	assert.Equal(t, run.Identifier, byExt[0].Identifier)
	assert.Equal(t, "restart", byExt[0].ActionType(), "include=nodeConfig brings the node's config")
	none, err := env.c.NodeRunsByExternalID(ctx, "gh-0")
	require.NoError(t, err)
	assert.Empty(t, none)

	reserved := map[string]bool{"/v1/workflows/runs/claim-pending": true, "/v1/workflows/runs/ack": true, "/v1/workflows/nodes/runs": true}
	for _, ex := range env.rec.all() {
		if reserved[ex.Path] {
			assert.Equal(t, "true", ex.Reserved, "%s %s is a reserved call", ex.Method, ex.Path)
		}
	}
	stored, err := env.srv.GetNodeRun(run.Identifier)
	require.NoError(t, err)
	assert.Equal(t, localport.NodeRunSuccess, stored.Result)
	require.Len(t, stored.Logs, 1)
	assert.Equal(t, "restarting api", stored.Logs[0].Message)
}

func TestNodeRunRetries(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	run, err := env.srv.CreateNodeRun(localport.NewNodeRun{InstallationID: "it-fake", ActionType: "restart"})
	require.NoError(t, err)
	calls := func(method, path string) int { return env.rec.count(method, path, 0) }
	for _, path := range []string{"/v1/workflows/runs/claim-pending", "/v1/workflows/nodes/runs/" + run.Identifier, "/v1/workflows/nodes/runs/" + run.Identifier + "/logs"} {
		env.srv.InjectFault(localport.Fault{Path: path, Status: 503, Count: 1})
	}
	runs, err := env.c.ClaimPendingNodeRuns(ctx, ClaimRunsRequest{Limit: 1, VisibilityTimeoutMs: 60_000})
	require.NoError(t, err, "the claim is retried")
	assert.Len(t, runs, 1)
	assert.Equal(t, 2, calls("POST", "/v1/workflows/runs/claim-pending"))
	_, err = env.c.PatchNodeRun(ctx, run.Identifier, NodeRunPatch{ExternalRunID: "x"})
	assert.Error(t, err, "a PATCH is not retried")
	assert.Equal(t, 1, calls("PATCH", "/v1/workflows/nodes/runs/"+run.Identifier))
	err = env.c.PostNodeRunLogs(ctx, run.Identifier, NodeRunLog{Level: LogInfo, Message: "x"})
	assert.Error(t, err, "a log POST is not retried")
	assert.Equal(t, 1, calls("POST", "/v1/workflows/nodes/runs/"+run.Identifier+"/logs"))
}

func TestNodeRunShapes(t *testing.T) {
	for _, tc := range []struct{ name, body, id, actionType string }{
		{"config", `{"identifier":"a","status":"IN_PROGRESS","config":{"type":"INTEGRATION_ACTION","integrationActionType":"deploy"}}`, "a", "deploy"},
		{"node.config", `{"identifier":"b","node":{"config":{"integrationActionType":"deploy"}}}`, "b", "deploy"},
		{"id and invocation type", `{"id":"c","config":{"integrationInvocationType":"dispatch"}}`, "c", "dispatch"},
		{"no config", `{"identifier":"d"}`, "d", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r NodeRun
			require.NoError(t, json.Unmarshal([]byte(tc.body), &r))
			assert.Equal(t, tc.id, r.Identifier)
			assert.Equal(t, tc.actionType, r.ActionType())
		})
	}
}
