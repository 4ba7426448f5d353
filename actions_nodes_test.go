package ocean_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/localport"
)

// nodeFinished waits until the node run completed and returns it.
func nodeFinished(t *testing.T, srv *localport.Server, id string) localport.NodeRun {
	t.Helper()
	var run localport.NodeRun
	require.Eventually(t, func() bool {
		var err error
		run, err = srv.GetNodeRun(id)
		require.NoError(t, err)
		return run.Status == localport.NodeRunCompleted
	}, 20*time.Second, 10*time.Millisecond, "node run %s completed", id)
	return run
}

func nodeLogText(run localport.NodeRun) string {
	var lines []string
	for _, l := range run.Logs {
		lines = append(lines, l.Level+" "+l.Message)
	}
	return strings.Join(lines, "\n")
}

func TestWorkflowNodeRunsEndToEnd(t *testing.T) {
	h := newHarness(t)
	app := h.bareApp("OCEAN__EVENT_LISTENER__TYPE=ACTIONS_ONLY", "OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS=0.05")
	var (
		mu      sync.Mutex
		actions = map[string]string{} // run id → the ActionRun's Action, as the executor saw it
	)
	app.OnAction("restart", func(ctx context.Context, run ocean.ActionRun) error {
		mu.Lock()
		actions[run.ID] = run.Action
		mu.Unlock()
		var props struct{ Service string }
		if err := json.Unmarshal(run.Properties, &props); err != nil {
			return err
		}
		if err := run.Log(ctx, "restarting "+props.Service+" with "+apiToken); err != nil {
			return err
		}
		return run.Link(ctx, "https://ci.example/"+props.Service, "ci-"+props.Service)
	})
	app.OnAction("broken", func(context.Context, ocean.ActionRun) error {
		return errors.New("the deploy API refused token " + apiToken)
	})
	sailActions(t, app)

	createNode := func(typ string, props map[string]any) string {
		run, err := h.port.CreateNodeRun(localport.NewNodeRun{InstallationID: "shop-test", ActionType: typ, Properties: props})
		require.NoError(t, err)
		return run.Identifier
	}
	ok := createNode("restart", map[string]any{"service": "api"})
	failing := createNode("broken", nil)
	unknown := createNode("cleanup", nil)
	action, err := h.port.CreateRun(localport.NewRun{InstallationID: "shop-test", Action: "restart_service", ActionType: "restart",
		Properties: map[string]any{"service": "web"}})
	require.NoError(t, err)
	other, err := h.port.CreateNodeRun(localport.NewNodeRun{InstallationID: "another-integration", ActionType: "restart"})
	require.NoError(t, err)

	run := nodeFinished(t, h.port, ok)
	assert.Equal(t, localport.NodeRunSuccess, run.Result)
	assert.Equal(t, "ci-api", run.ExternalRunID)
	assert.Equal(t, []string{"https://ci.example/api"}, run.Links)
	assert.Contains(t, nodeLogText(run), "INFO restarting api with ")
	assert.Contains(t, nodeLogText(run), "INFO Run completed")
	assert.NotContains(t, nodeLogText(run), apiToken, "node run logs are masked")

	run = nodeFinished(t, h.port, failing)
	assert.Equal(t, localport.NodeRunFailed, run.Result)
	assert.Contains(t, nodeLogText(run), "ERROR Run failed: the deploy API refused token ")
	assert.NotContains(t, nodeLogText(run), apiToken)

	run = nodeFinished(t, h.port, unknown)
	assert.Equal(t, localport.NodeRunFailed, run.Result)
	assert.Contains(t, nodeLogText(run), `no executor is registered for the action type "cleanup"`)

	// The same executor serves action runs, and tells them apart by Action only.
	assert.Equal(t, localport.RunSuccess, finished(t, h.port, action.ID).Status)
	mu.Lock()
	assert.Equal(t, map[string]string{ok: "", action.ID: "restart_service"}, actions)
	mu.Unlock()

	stored, err := h.port.GetNodeRun(other.Identifier)
	require.NoError(t, err)
	assert.Equal(t, localport.NodeRunInProgress, stored.Status, "another installation's node run is not ours")
	assert.NotContains(t, h.logs.String(), apiToken)
	assert.Contains(t, h.logs.String(), "Workflow node run failed")
}

func TestWorkflowNodeRunShutdownIsReported(t *testing.T) {
	h := newHarness(t)
	app := h.bareApp("OCEAN__EVENT_LISTENER__TYPE=ACTIONS_ONLY", "OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS=0.05")
	started := make(chan struct{})
	app.OnAction("wait", func(ctx context.Context, _ ocean.ActionRun) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	stop := sailActions(t, app)
	run, err := h.port.CreateNodeRun(localport.NewNodeRun{InstallationID: "shop-test", ActionType: "wait"})
	require.NoError(t, err)
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("the executor never started")
	}
	require.NoError(t, stop())
	got, err := h.port.GetNodeRun(run.Identifier)
	require.NoError(t, err)
	assert.Equal(t, localport.NodeRunCompleted, got.Status)
	assert.Equal(t, localport.NodeRunFailed, got.Result)
	assert.Contains(t, nodeLogText(got), "ERROR Run failed: the integration stopped before the run finished")
}

// Two replicas of one integration claim the same node runs (a 1 ms
// visibility timeout makes every claimed run visible to the other at once):
// the acknowledgement decides, and no run is executed twice.
func TestWorkflowNodeRunReplicasNeverExecuteARunTwice(t *testing.T) {
	h := newHarness(t)
	var (
		mu       sync.Mutex
		executed = map[string][]int{} // run id → the replicas that executed it
	)
	for replica := range 2 {
		app := h.bareApp("OCEAN__EVENT_LISTENER__TYPE=ACTIONS_ONLY", "OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS=0.01",
			"OCEAN__ACTIONS_PROCESSOR__VISIBILITY_TIMEOUT_MS=1", "OCEAN__ACTIONS_PROCESSOR__WORKERS_COUNT=4")
		app.OnAction("count", func(_ context.Context, run ocean.ActionRun) error {
			mu.Lock()
			executed[run.ID] = append(executed[run.ID], replica)
			mu.Unlock()
			time.Sleep(5 * time.Millisecond) // outlives the visibility timeout
			return nil
		})
		sailActions(t, app)
	}
	var ids []string
	for i := range 40 {
		run, err := h.port.CreateNodeRun(localport.NewNodeRun{InstallationID: "shop-test", ActionType: "count",
			NodeUID: fmt.Sprint("node-", i)})
		require.NoError(t, err)
		ids = append(ids, run.Identifier)
	}
	for _, id := range ids {
		assert.Equal(t, localport.NodeRunSuccess, nodeFinished(t, h.port, id).Result)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, id := range ids {
		assert.Len(t, executed[id], 1, "node run %s executed by replicas %v", id, executed[id])
	}
}

// With one worker, each claim takes one run: the kind claimed first
// alternates, so action runs and node runs take turns.
func TestActionAndNodeRunsTakeTurns(t *testing.T) {
	h := newHarness(t)
	for i := range 3 {
		_, err := h.port.CreateRun(localport.NewRun{InstallationID: "shop-test", Action: fmt.Sprint("action-", i), ActionType: "record"})
		require.NoError(t, err)
		_, err = h.port.CreateNodeRun(localport.NewNodeRun{InstallationID: "shop-test", ActionType: "record"})
		require.NoError(t, err)
	}
	app := h.bareApp("OCEAN__EVENT_LISTENER__TYPE=ACTIONS_ONLY", "OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS=0.05",
		"OCEAN__ACTIONS_PROCESSOR__WORKERS_COUNT=1")
	var (
		mu    sync.Mutex
		kinds []string
	)
	app.OnAction("record", func(_ context.Context, run ocean.ActionRun) error {
		mu.Lock()
		defer mu.Unlock()
		if run.Action == "" {
			kinds = append(kinds, "node")
		} else {
			kinds = append(kinds, "action")
		}
		return nil
	})
	sailActions(t, app)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(kinds) == 6
	}, 20*time.Second, 10*time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"action", "node", "action", "node", "action", "node"}, kinds)
}
