package ocean_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/localport"
)

const apiToken = "tok-abcdefghijklmnopqrstuvwxyz" // the harness's sensitive integration config

// sailActions runs app in the background; stop cancels it and returns Sail's error.
func sailActions(t *testing.T, app *ocean.App) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	zero := 0
	done := make(chan error, 1)
	go func() { done <- app.Sail(ctx, ocean.SailOptions{Port: &zero}) }()
	<-app.Ready()
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(60 * time.Second):
			t.Fatal("Sail did not return after its context ended")
			return nil
		}
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// finished waits until the run left IN_PROGRESS and returns it.
func finished(t *testing.T, srv *localport.Server, id string) localport.Run {
	t.Helper()
	var run localport.Run
	require.Eventually(t, func() bool {
		var err error
		run, err = srv.GetRun(id)
		require.NoError(t, err)
		return run.Status != localport.RunInProgress
	}, 20*time.Second, 10*time.Millisecond, "run %s finished", id)
	return run
}

func logText(run localport.Run) string {
	var lines []string
	for _, l := range run.Logs {
		lines = append(lines, l.Message)
	}
	return strings.Join(lines, "\n")
}

func TestActionRunsEndToEnd(t *testing.T) {
	h := newHarness(t)
	app := h.bareApp("OCEAN__EVENT_LISTENER__TYPE=ACTIONS_ONLY", "OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS=0.05",
		"OCEAN__ACTIONS_PROCESSOR__RUN_TIMEOUT_SECONDS=0.3")
	app.OnAction("restart", func(ctx context.Context, run ocean.ActionRun) error {
		var props struct{ Service string }
		if err := json.Unmarshal(run.Properties, &props); err != nil {
			return err
		}
		if err := run.Log(ctx, "restarting "+props.Service+" with "+apiToken); err != nil {
			return err
		}
		return run.Link(ctx, "https://ci.example/1", "ci-1")
	})
	app.OnAction("broken", func(context.Context, ocean.ActionRun) error {
		return errors.New("the deploy API refused token " + apiToken)
	})
	app.OnAction("slow", func(ctx context.Context, _ ocean.ActionRun) error {
		<-ctx.Done()
		return ctx.Err()
	})
	app.OnAction("panics", func(context.Context, ocean.ActionRun) error { panic("boom") })
	stop := sailActions(t, app)
	assert.True(t, h.integration().ActionsProcessingEnabled, "Port is told the integration processes actions")

	create := func(action, typ string, props map[string]any) string {
		run, err := h.port.CreateRun(localport.NewRun{InstallationID: "shop-test", Action: action, ActionType: typ, Properties: props})
		require.NoError(t, err)
		return run.ID
	}
	ok := create("restart_service", "restart", map[string]any{"service": "api"})
	failing := create("deploy", "broken", nil)
	unknown := create("cleanup", "cleanup", nil)
	slow := create("slow", "", nil)
	panics := create("panics", "", nil)
	other, err := h.port.CreateRun(localport.NewRun{InstallationID: "another-integration", Action: "restart"})
	require.NoError(t, err)

	run := finished(t, h.port, ok)
	assert.Equal(t, localport.RunSuccess, run.Status)
	assert.Equal(t, "ci-1", run.ExternalRunID)
	assert.Contains(t, logText(run), "restarting api with ")
	assert.Contains(t, logText(run), "Run completed")

	run = finished(t, h.port, failing)
	assert.Equal(t, localport.RunFailure, run.Status)
	assert.Contains(t, logText(run), "Run failed: the deploy API refused token ")

	run = finished(t, h.port, unknown)
	assert.Equal(t, localport.RunFailure, run.Status)
	assert.Contains(t, logText(run), `no executor is registered for the action type "cleanup"`)

	run = finished(t, h.port, slow)
	assert.Equal(t, localport.RunFailure, run.Status)
	assert.Contains(t, logText(run), "did not finish within 300ms")

	run = finished(t, h.port, panics)
	assert.Equal(t, localport.RunFailure, run.Status)
	assert.Contains(t, logText(run), "the executor panicked: boom")

	require.NoError(t, stop())
	stored, err := h.port.GetRun(other.ID)
	require.NoError(t, err)
	assert.Equal(t, localport.RunInProgress, stored.Status, "another installation's run is not ours")
	for _, id := range []string{ok, failing} {
		run, err := h.port.GetRun(id)
		require.NoError(t, err)
		assert.NotContains(t, logText(run), apiToken, "run logs are masked")
	}
	assert.NotContains(t, h.logs.String(), apiToken)
	assert.Contains(t, h.logs.String(), "Action run failed")
}

func TestShutdownMidRunIsBoundedAndReported(t *testing.T) {
	h := newHarness(t)
	app := h.bareApp("OCEAN__EVENT_LISTENER__TYPE=ACTIONS_ONLY", "OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS=0.05",
		"OCEAN__MAX_WAIT_SECONDS_BEFORE_SHUTDOWN=0.2")
	started, release := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(release) })
	app.OnAction("stuck", func(context.Context, ocean.ActionRun) error {
		close(started)
		<-release // ignores its context, as a badly written executor would
		return nil
	})
	stop := sailActions(t, app)
	run, err := h.port.CreateRun(localport.NewRun{InstallationID: "shop-test", Action: "stuck"})
	require.NoError(t, err)
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("the executor never started")
	}
	require.NoError(t, stop(), "Sail returns though the executor does not")
	got, err := h.port.GetRun(run.ID)
	require.NoError(t, err)
	assert.Equal(t, localport.RunFailure, got.Status)
	assert.Contains(t, logText(got), "the integration stopped before the run finished")
}

func TestActionsBesidePollingWhenEnabled(t *testing.T) {
	h := newHarness(t)
	app := h.newApp("OCEAN__EVENT_LISTENER__RESYNC_ON_START=false", "OCEAN__ACTIONS_PROCESSOR__ENABLED=true",
		"OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS=0.05")
	app.OnAction("restart", func(context.Context, ocean.ActionRun) error { return nil })
	sailActions(t, app)
	run, err := h.port.CreateRun(localport.NewRun{InstallationID: "shop-test", Action: "restart"})
	require.NoError(t, err)
	assert.Equal(t, localport.RunSuccess, finished(t, h.port, run.ID).Status)
}

func TestActionsNotRunUnlessEnabled(t *testing.T) {
	for _, env := range [][]string{
		{"OCEAN__EVENT_LISTENER__RESYNC_ON_START=false"},
		{"OCEAN__EVENT_LISTENER__RESYNC_ON_START=false", "OCEAN__ACTIONS_PROCESSOR__ENABLED=true", "OCEAN__EVENT_LISTENER__SHOULD_RUN_ACTIONS=false"},
	} {
		t.Run(fmt.Sprint(env), func(t *testing.T) {
			h := newHarness(t)
			app := h.newApp(append(env, "OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS=0.05")...)
			app.OnAction("restart", func(context.Context, ocean.ActionRun) error { return nil })
			stop := sailActions(t, app)
			assert.False(t, h.integration().ActionsProcessingEnabled)
			run, err := h.port.CreateRun(localport.NewRun{InstallationID: "shop-test", Action: "restart"})
			require.NoError(t, err)
			require.NoError(t, stop())
			got, err := h.port.GetRun(run.ID)
			require.NoError(t, err)
			assert.Equal(t, localport.RunInProgress, got.Status, "nobody claimed the run")
		})
	}
}

func TestShutdownCancelsRunsThatHonourTheirContext(t *testing.T) {
	h := newHarness(t)
	app := h.bareApp("OCEAN__EVENT_LISTENER__TYPE=ACTIONS_ONLY", "OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS=0.05")
	started := make(chan struct{})
	app.OnAction("wait", func(ctx context.Context, _ ocean.ActionRun) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	stop := sailActions(t, app)
	run, err := h.port.CreateRun(localport.NewRun{InstallationID: "shop-test", Action: "wait"})
	require.NoError(t, err)
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("the executor never started")
	}
	require.NoError(t, stop())
	got, err := h.port.GetRun(run.ID)
	require.NoError(t, err)
	assert.Equal(t, localport.RunFailure, got.Status)
	assert.Contains(t, logText(got), "Run failed: the integration stopped before the run finished: context canceled")
}

func TestActionRunBuiltByHandCannotReport(t *testing.T) {
	run := ocean.ActionRun{ID: "r_1"}
	assert.ErrorContains(t, run.Log(context.Background(), "x"), "not handed to its executor")
	assert.ErrorContains(t, run.Link(context.Background(), "https://x", ""), "not handed to its executor")
}
