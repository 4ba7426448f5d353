package ocean

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/config"
	"github.com/ocean-go/ocean/logging"
	"github.com/sirupsen/logrus"
)

// ActionExecutor executes one run of an integration action: a run of a Port
// self-service action, or of a Port workflow node that invokes the action. It
// returns nil when the run succeeded: the run is then reported SUCCESS,
// otherwise FAILURE (FAILED for a workflow node) with the error's text
// (secrets masked). ctx ends at the run timeout
// (OCEAN__ACTIONS_PROCESSOR__RUN_TIMEOUT_SECONDS) or when the integration stops.
type ActionExecutor func(ctx context.Context, run ActionRun) error

// ActionRun is a run handed to its executor. Log and Link report through the
// API of the run's kind, so an executor serves action runs and workflow-node
// runs alike.
type ActionRun struct {
	// ID is Port's run id (a workflow node run's identifier).
	ID string
	// Action is the identifier of the Port action the user triggered; empty
	// for the run of a workflow node.
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
	return r.report.api.log(ctx, r.ID, port.LogInfo, r.report.mask(message))
}

// Link sets the run's link (e.g. to the job it started) and, when
// externalID is not empty, its id in the external system. A workflow node run
// gets the link in its links.
func (r ActionRun) Link(ctx context.Context, link, externalID string) error {
	if r.report == nil {
		return errNotHandedOut
	}
	return r.report.api.link(ctx, r.ID, link, externalID)
}

// errNotHandedOut: an ActionRun built by hand (in an executor's own test) has no run in Port to report to.
var errNotHandedOut = errors.New("ocean: this ActionRun was not handed to its executor by the integration")

// OnAction registers the executor of the runs whose integration action type
// is actionType: action runs and workflow-node runs alike. A run of a type
// with no executor is reported failed.
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

// newActionsProcessor is the runnable that executes action runs and
// workflow-node runs.
func (a *App) newActionsProcessor() *actionsProcessor {
	mask := logging.MaskerOf(a.log).Full()
	return &actionsProcessor{
		executors: a.actions.snapshot(),
		settings:  a.settings.ActionsProcessor,
		drain:     a.settings.MaxWaitBeforeShutdown,
		install:   a.settings.Integration.Identifier,
		kinds: []*runReporter{
			{api: actionRuns{a.client}, mask: mask.Mask},
			{api: nodeRuns{a.client}, mask: mask.Mask},
		},
		log: a.log.WithField("component", "actions processor"),
	}
}

// runReporter reports a run to Port through the API of its kind, masking
// secrets.
type runReporter struct {
	api  runAPI
	mask func(string) string
}

// actionsProcessor claims the integration's pending runs of every kind,
// acknowledges them, executes each with its executor and reports the
// outcome, at most WorkersCount at once.
type actionsProcessor struct {
	executors map[string]ActionExecutor
	settings  config.ActionsProcessorSettings
	drain     time.Duration // how long runs in flight get at shutdown
	install   string
	kinds     []*runReporter // claimed in turn, see claim
	turn      int
	log       logrus.FieldLogger
}

// flight is a run being executed. once makes sure it is reported once: by
// its executor's return or, at shutdown, as interrupted.
type flight struct {
	run  claimedRun
	once sync.Once
}

// Start polls for runs until ctx ends, then gives the runs in flight up to
// drain to finish; those that do not are reported failed.
func (p *actionsProcessor) Start(ctx context.Context) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		inFlight = map[string]*flight{} // by kind and id: ids of two kinds may collide
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
				key := run.report.api.noun() + "/" + run.ID
				mu.Lock()
				if _, dup := inFlight[key]; dup {
					mu.Unlock()
					continue
				}
				f := &flight{run: run}
				inFlight[key] = f
				mu.Unlock()
				wg.Add(1)
				go func() {
					defer wg.Done()
					p.execute(ctx, f)
					mu.Lock()
					delete(inFlight, key)
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
// rest failed: Port would otherwise show them in progress forever.
func (p *actionsProcessor) stop(wg *sync.WaitGroup, mu *sync.Mutex, inFlight map[string]*flight) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(p.drain):
	}
	mu.Lock()
	left := make([]*flight, 0, len(inFlight))
	for _, f := range inFlight {
		left = append(left, f)
	}
	mu.Unlock()
	for _, f := range left {
		p.finish(f, errors.New("the integration stopped before the run finished"))
	}
	p.log.WithField("runs", len(left)).Warn("Stopped with runs in flight; reported them failed")
}

// claim claims up to limit runs: of the first kind, then of the next with
// what is left. The kind claimed first alternates from poll to poll (as in
// Ocean), so neither kind starves the other when runs pile up.
func (p *actionsProcessor) claim(ctx context.Context, limit int) []claimedRun {
	var out []claimedRun
	for i := range p.kinds {
		left := limit - len(out)
		if left <= 0 {
			break
		}
		kind := p.kinds[(p.turn+i)%len(p.kinds)]
		runs, err := kind.api.claim(ctx, port.ClaimRunsRequest{
			InstallationID: p.install, Limit: left, VisibilityTimeoutMs: p.settings.VisibilityTimeout.Milliseconds(),
		})
		if err != nil {
			if ctx.Err() == nil {
				p.log.WithError(err).Warnf("Could not claim pending %ss; retrying at the next poll", kind.api.noun())
			}
			continue
		}
		for i := range runs {
			runs[i].report = kind
		}
		out = append(out, runs...)
	}
	p.turn++
	return out
}

// execute acknowledges the run (another replica may have first), runs its
// executor and reports the outcome.
func (p *actionsProcessor) execute(ctx context.Context, f *flight) {
	run, api := f.run, f.run.report.api
	log := p.log.WithFields(logrus.Fields{"run_id": run.ID, "action_type": run.Type, "run_kind": api.noun()})
	if err := api.ack(ctx, run.ID); err != nil {
		if errors.Is(err, port.ErrConflict) {
			log.Debugf("%s acknowledged by another replica", capitalized(api.noun()))
		} else if ctx.Err() == nil {
			log.WithError(err).Warnf("Could not acknowledge the %s; it comes back after its visibility timeout", api.noun())
		}
		f.once.Do(func() {}) // not ours to report
		return
	}
	exec, ok := p.executors[run.Type]
	if !ok {
		p.finish(f, fmt.Errorf("no executor is registered for the action type %q in this integration", run.Type))
		return
	}
	runCtx, cancel := context.WithTimeout(ctx, p.settings.RunTimeout)
	defer cancel()
	log.Infof("Executing %s", api.noun())
	ar := ActionRun{ID: run.ID, Action: run.Action, Type: run.Type, Properties: run.Properties, report: run.report}
	err := recovered("the executor panicked", func() error { return exec(runCtx, ar) })
	switch {
	case err == nil:
	case ctx.Err() != nil:
		err = fmt.Errorf("the integration stopped before the run finished: %w", err)
	case errors.Is(runCtx.Err(), context.DeadlineExceeded):
		err = fmt.Errorf("the run did not finish within %s: %w", p.settings.RunTimeout, err)
	}
	p.finish(f, err)
}

// finish reports the run's outcome once: a log line, then the status.
// Reports outlive the processor's context, within outcomeReportTimeout.
func (p *actionsProcessor) finish(f *flight, runErr error) {
	f.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), outcomeReportTimeout)
		defer cancel()
		run, report := f.run, f.run.report
		level, message := port.LogInfo, "Run completed"
		if runErr != nil {
			level, message = port.LogError, "Run failed: "+runErr.Error()
		}
		message = report.mask(message)
		noun := report.api.noun()
		log := p.log.WithFields(logrus.Fields{"run_id": run.ID, "run_kind": noun, "failed": runErr != nil})
		if err := report.api.log(ctx, run.ID, level, message); err != nil {
			log.WithError(err).Warnf("Could not post the %s's log", noun)
		}
		if err := report.api.finish(ctx, run.ID, runErr == nil); err != nil {
			log.WithError(err).Errorf("Could not report the %s's outcome", noun)
			return
		}
		if runErr != nil {
			log.WithField("error", message).Warnf("%s failed", capitalized(noun))
		} else {
			log.Infof("%s succeeded", capitalized(noun))
		}
	})
}

// capitalized upper-cases the first letter of an ASCII noun, to start a log line.
func capitalized(noun string) string {
	if noun == "" {
		return noun
	}
	return strings.ToUpper(noun[:1]) + noun[1:]
}
