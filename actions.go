package ocean

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/config"
	"github.com/ocean-go/ocean/logging"
	"github.com/sirupsen/logrus"
)

// ActionExecutor executes one run of a Port self-service action. It returns
// nil when the run succeeded: the run is then reported SUCCESS, otherwise
// FAILURE with the error's text (secrets masked). ctx ends at the run timeout
// (OCEAN__ACTIONS_PROCESSOR__RUN_TIMEOUT_SECONDS) or when the integration stops.
type ActionExecutor func(ctx context.Context, run ActionRun) error

// ActionRun is a run handed to its executor.
type ActionRun struct {
	// ID is Port's run id.
	ID string
	// Action is the identifier of the Port action the user triggered.
	Action string
	// Type is the integration action type the executor was registered for.
	Type string
	// Properties are the run's execution properties, as JSON.
	Properties json.RawMessage

	report *runReporter
}

// Log adds a line to the run's log in Port, which the user who triggered it
// sees; secrets are masked.
func (r ActionRun) Log(ctx context.Context, message string) error {
	if r.report == nil {
		return errNotHandedOut
	}
	return r.report.client.PostRunLog(ctx, r.ID, port.RunLog{Message: r.report.mask(message)})
}

// Link sets the run's link (e.g. to the job it started) and, when
// externalID is not empty, its id in the external system.
func (r ActionRun) Link(ctx context.Context, link, externalID string) error {
	if r.report == nil {
		return errNotHandedOut
	}
	_, err := r.report.client.PatchRun(ctx, r.ID, port.RunPatch{Link: link, ExternalRunID: externalID})
	return err
}

// errNotHandedOut: an ActionRun built by hand (in an executor's own test) has no run in Port to report to.
var errNotHandedOut = errors.New("ocean: this ActionRun was not handed to its executor by the integration")

// OnAction registers the executor of the runs whose integration action type
// is actionType. A run of a type with no executor is reported FAILURE.
// Executors run with the ACTIONS_ONLY event listener, and beside the others
// when OCEAN__ACTIONS_PROCESSOR__ENABLED is true (as in Ocean).
func (a *App) OnAction(actionType string, exec ActionExecutor) {
	if actionType == "" || exec == nil {
		panic("ocean: OnAction needs an action type and an executor")
	}
	a.actions.mu.Lock()
	defer a.actions.mu.Unlock()
	if a.actions.m == nil {
		a.actions.m = map[string]ActionExecutor{}
	}
	if _, dup := a.actions.m[actionType]; dup {
		panic("ocean: an executor for action type " + actionType + " is registered twice")
	}
	a.actions.m[actionType] = exec
}

// actionRegistry holds the executors by action type.
type actionRegistry struct {
	mu sync.Mutex
	m  map[string]ActionExecutor
}

func (r *actionRegistry) snapshot() map[string]ActionExecutor {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]ActionExecutor, len(r.m))
	for k, v := range r.m {
		out[k] = v
	}
	return out
}

// runsActions reports whether this App executes action runs: always with
// ACTIONS_ONLY, beside another listener when enabled and executors exist.
func (a *App) runsActions() bool {
	s := a.settings
	if !s.EventListener.ShouldRunActions {
		return false
	}
	return s.EventListener.Type == config.ListenerActionsOnly ||
		(s.ActionsProcessor.Enabled && len(a.actions.snapshot()) > 0)
}

// newActionsProcessor is the runnable that executes action runs.
func (a *App) newActionsProcessor() *actionsProcessor {
	mask := logging.MaskerOf(a.log).Full()
	return &actionsProcessor{
		executors: a.actions.snapshot(),
		settings:  a.settings.ActionsProcessor,
		drain:     a.settings.MaxWaitBeforeShutdown,
		install:   a.settings.Integration.Identifier,
		report:    &runReporter{client: a.client, mask: mask.Mask},
		log:       a.log.WithField("component", "actions processor"),
	}
}

// runReporter sends a run's logs and outcome to Port.
type runReporter struct {
	client *port.Client
	mask   func(string) string
}

// actionsProcessor claims the integration's pending runs, acknowledges them,
// executes each with its executor and reports the outcome, at most
// WorkersCount at once.
type actionsProcessor struct {
	executors map[string]ActionExecutor
	settings  config.ActionsProcessorSettings
	drain     time.Duration // how long runs in flight get at shutdown
	install   string
	report    *runReporter
	log       logrus.FieldLogger
}

// Start polls for runs until ctx ends, then gives the runs in flight up to
// drain to finish; those that do not are reported FAILURE.
func (p *actionsProcessor) Start(ctx context.Context) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		inFlight = map[string]*runOutcome{}
	)
	freed := make(chan struct{}, 1) // a worker is free: claim again
	poll := time.NewTicker(p.settings.PollInterval)
	defer poll.Stop()
	for {
		mu.Lock()
		free := min(p.settings.WorkersCount, p.settings.HighWatermark) - len(inFlight)
		mu.Unlock()
		if free > 0 {
			for _, run := range p.claim(ctx, free) {
				mu.Lock()
				if _, dup := inFlight[run.ID]; dup {
					mu.Unlock()
					continue
				}
				o := &runOutcome{}
				inFlight[run.ID] = o
				mu.Unlock()
				wg.Add(1)
				go func() {
					defer wg.Done()
					p.execute(ctx, run, o)
					mu.Lock()
					delete(inFlight, run.ID)
					mu.Unlock()
					select {
					case freed <- struct{}{}:
					default: // already signalled
					}
				}()
			}
		}
		select {
		case <-ctx.Done():
			p.stop(&wg, &mu, inFlight)
			return nil
		case <-poll.C:
		case <-freed:
		}
	}
}

// stop waits for the runs in flight up to the drain bound, then reports the
// rest FAILURE: Port would otherwise show them in progress forever.
func (p *actionsProcessor) stop(wg *sync.WaitGroup, mu *sync.Mutex, inFlight map[string]*runOutcome) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(p.drain):
	}
	mu.Lock()
	left := make(map[string]*runOutcome, len(inFlight))
	for id, o := range inFlight {
		left[id] = o
	}
	mu.Unlock()
	for id, o := range left {
		p.finish(id, o, errors.New("the integration stopped before the run finished"))
	}
	p.log.WithField("runs", len(left)).Warn("Stopped with action runs in flight; reported them failed")
}

func (p *actionsProcessor) claim(ctx context.Context, limit int) []port.ActionRun {
	runs, err := p.report.client.ClaimPendingRuns(ctx, port.ClaimRunsRequest{
		InstallationID: p.install, Limit: limit, VisibilityTimeoutMs: p.settings.VisibilityTimeout.Milliseconds(),
	})
	if err != nil {
		if ctx.Err() == nil {
			p.log.WithError(err).Warn("Could not claim pending action runs; retrying at the next poll")
		}
		return nil
	}
	return runs
}

// runOutcome makes sure a run is reported once: by its executor's return or,
// at shutdown, as interrupted.
type runOutcome struct{ once sync.Once }

// execute acknowledges the run (another replica may have first), runs its
// executor and reports the outcome.
func (p *actionsProcessor) execute(ctx context.Context, run port.ActionRun, o *runOutcome) {
	log := p.log.WithFields(logrus.Fields{"run_id": run.ID, "action_type": run.Payload.ActionType})
	if err := p.report.client.AckRun(ctx, run.ID); err != nil {
		if errors.Is(err, port.ErrConflict) {
			log.Debug("Action run acknowledged by another replica")
		} else if ctx.Err() == nil {
			log.WithError(err).Warn("Could not acknowledge the action run; it comes back after its visibility timeout")
		}
		o.once.Do(func() {}) // not ours to report
		return
	}
	exec, ok := p.executors[run.Payload.ActionType]
	if !ok {
		p.finish(run.ID, o, fmt.Errorf("no executor is registered for the action type %q in this integration", run.Payload.ActionType))
		return
	}
	runCtx, cancel := context.WithTimeout(ctx, p.settings.RunTimeout)
	defer cancel()
	log.Info("Executing action run")
	ar := ActionRun{
		ID: run.ID, Action: run.Action.Identifier, Type: run.Payload.ActionType,
		Properties: run.Payload.ExecutionProperties, report: p.report,
	}
	err := recovered("the executor panicked", func() error { return exec(runCtx, ar) })
	switch {
	case err == nil:
	case ctx.Err() != nil:
		err = fmt.Errorf("the integration stopped before the run finished: %w", err)
	case errors.Is(runCtx.Err(), context.DeadlineExceeded):
		err = fmt.Errorf("the run did not finish within %s: %w", p.settings.RunTimeout, err)
	}
	p.finish(run.ID, o, err)
}

// finish reports the run's outcome once: a log line, then the status.
// Reports outlive the processor's context, within outcomeReportTimeout.
func (p *actionsProcessor) finish(runID string, o *runOutcome, runErr error) {
	o.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), outcomeReportTimeout)
		defer cancel()
		status, message := port.RunSuccess, "Run completed"
		if runErr != nil {
			status, message = port.RunFailure, "Run failed: "+runErr.Error()
		}
		message = p.report.mask(message)
		log := p.log.WithFields(logrus.Fields{"run_id": runID, "status": status})
		if err := p.report.client.PostRunLog(ctx, runID, port.RunLog{Message: message}); err != nil {
			log.WithError(err).Warn("Could not post the action run's log")
		}
		if _, err := p.report.client.PatchRun(ctx, runID, port.RunPatch{Status: status}); err != nil {
			log.WithError(err).Error("Could not report the action run's status")
			return
		}
		if runErr != nil {
			log.WithField("error", message).Warn("Action run failed")
		} else {
			log.Info("Action run succeeded")
		}
	})
}
