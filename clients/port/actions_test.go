package port

import (
	"context"
	"testing"

	"github.com/ocean-go/ocean/localport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestActionRunLifecycle(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	created, err := env.srv.CreateRun(localport.NewRun{InstallationID: "it-fake", Action: "restart", Properties: map[string]any{"service": "api"}})
	require.NoError(t, err)
	_, err = env.srv.CreateRun(localport.NewRun{InstallationID: "another", Action: "restart"})
	require.NoError(t, err)

	claim := ClaimRunsRequest{Limit: 10, VisibilityTimeoutMs: 60_000}
	runs, err := env.c.ClaimPendingRuns(ctx, claim)
	require.NoError(t, err)
	require.Len(t, runs, 1, "only the client's installation's runs")
	run := runs[0]
	assert.Equal(t, created.ID, run.ID)
	assert.Equal(t, RunInProgress, run.Status)
	assert.Equal(t, "restart", run.Action.Identifier)
	assert.Equal(t, "restart", run.Payload.ActionType)
	assert.JSONEq(t, `{"service":"api"}`, string(run.Payload.ExecutionProperties))
	again, err := env.c.ClaimPendingRuns(ctx, claim)
	require.NoError(t, err)
	assert.Empty(t, again, "a claimed run is hidden for its visibility timeout")

	require.NoError(t, env.c.AckRun(ctx, run.ID))
	assert.ErrorIs(t, env.c.AckRun(ctx, run.ID), ErrConflict, "a second ack is a conflict")
	assert.ErrorIs(t, env.c.AckRun(ctx, "r_missing"), ErrNotFound)
	for _, ex := range env.rec.all() {
		if ex.Path == "/v1/actions/runs/claim-pending" || ex.Path == "/v1/actions/runs/ack" {
			assert.Equal(t, "true", ex.Reserved, "%s %s is a reserved call", ex.Method, ex.Path)
		}
	}

	require.NoError(t, env.c.PostRunLog(ctx, run.ID, RunLog{Message: "restarting api"}))
	patched, err := env.c.PatchRun(ctx, run.ID, RunPatch{ExternalRunID: "gh-123", Link: "https://ci.example/123"})
	require.NoError(t, err)
	assert.Equal(t, "gh-123", patched.ExternalRunID)
	patched, err = env.c.PatchRun(ctx, run.ID, RunPatch{Status: RunSuccess})
	require.NoError(t, err)
	assert.Equal(t, RunSuccess, patched.Status)
	_, err = env.c.PatchRun(ctx, run.ID, RunPatch{Status: "DONE"})
	assert.ErrorIs(t, err, ErrValidation)

	byExt, err := env.c.RunsByExternalID(ctx, "gh-123")
	require.NoError(t, err)
	require.Len(t, byExt, 1)
	assert.Equal(t, run.ID, byExt[0].ID)
	none, err := env.c.RunsByExternalID(ctx, "gh-0")
	require.NoError(t, err)
	assert.Empty(t, none)

	stored, err := env.srv.GetRun(run.ID)
	require.NoError(t, err)
	assert.Equal(t, RunSuccess, stored.Status)
	require.Len(t, stored.Logs, 1)
	assert.Equal(t, "restarting api", stored.Logs[0].Message)
}

func TestClaimExcludesActionTypesAndHonoursLimit(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	for _, a := range []string{"a", "b", "a", "a"} {
		_, err := env.srv.CreateRun(localport.NewRun{InstallationID: "it-fake", Action: a})
		require.NoError(t, err)
	}
	runs, err := env.c.ClaimPendingRuns(ctx, ClaimRunsRequest{Limit: 2, VisibilityTimeoutMs: 60_000, Exclude: []string{"b"}})
	require.NoError(t, err)
	require.Len(t, runs, 2)
	for _, r := range runs {
		assert.Equal(t, "a", r.Payload.ActionType)
	}
	rest, err := env.c.ClaimPendingRuns(ctx, ClaimRunsRequest{Limit: 10, VisibilityTimeoutMs: 60_000})
	require.NoError(t, err)
	assert.Len(t, rest, 2, "the other a and the b")
}
