package ocean

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/config"
	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/core/defaults"
	"github.com/ocean-go/ocean/core/listeners"
	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/internal/lifecycle"
	"github.com/ocean-go/ocean/logging"
)

// SailOptions are the command-line choices of `sail`. They win over every
// other source of settings (Ocean lets APPLICATION__* env vars win over the
// flags; a flag typed on the command line is the user's latest word).
type SailOptions struct {
	Once bool // run one resync (or incremental sync, when enabled), then exit
	Port *int // HTTP port (APPLICATION__PORT)
	// Host is the address the HTTP server binds, e.g. "127.0.0.1" to stay
	// unreachable from other machines (tests); "" is every interface, or
	// the loopback one for a ONCE run on a free port.
	Host                    string
	LogLevel                string // APPLICATION__LOG_LEVEL
	InitializePortResources *bool  // OCEAN__INITIALIZE_PORT_RESOURCES
	// Strict makes unknown keys errors: settings, spec.yaml and the mapping
	// (OCEAN__STRICT).
	Strict bool
	// DryRun runs one resync read-only and prints its plan: per kind what it
	// would create, update and delete. Nothing is written to Port: no entity,
	// no resync state, no defaults (their creation is part of the plan). It
	// implies Once, and plans a full resync even when incremental syncs are
	// enabled.
	DryRun bool
	// SummaryOut receives the per-kind table printed after a resync; default
	// standard output.
	SummaryOut io.Writer
}

func (so SailOptions) overrides() map[string]any {
	o := map[string]any{}
	app := map[string]any{}
	if so.Once || so.DryRun {
		o["event_listener"] = map[string]any{"type": "ONCE"}
	}
	if so.Port != nil {
		app["port"] = *so.Port
	}
	if so.LogLevel != "" {
		app["log_level"] = so.LogLevel
	}
	if len(app) > 0 {
		o["application"] = app
	}
	if so.InitializePortResources != nil {
		o["initialize_port_resources"] = *so.InitializePortResources
	}
	if so.Strict {
		o["strict"] = true
	}
	return o
}

// Run parses the command line (sail [--once] [--dry-run] [--strict], defaults
// dock, defaults clean [--force] [--wait] [--destroy], version) and runs it; it exits
// the process with status 0 only on success. SIGINT and SIGTERM stop it
// gracefully; a second one stops it at once.
func (a *App) Run() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, a second one kills the process: a shutdown stuck
	// in a hook that ignores ctx must not need kill -9.
	context.AfterFunc(ctx, stop)
	err := a.Execute(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

// Execute runs the command line args (without the program name).
func (a *App) Execute(ctx context.Context, args []string) error {
	root := &cobra.Command{
		Use:           filepath.Base(os.Args[0]),
		Short:         "An ocean-go integration",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	var so SailOptions
	var port int
	var initialize bool
	sail := &cobra.Command{
		Use:   "sail",
		Short: "Run the integration: resync on its event listener's triggers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("port") {
				so.Port = &port
			}
			if cmd.Flags().Changed("initialize-port-resources") {
				so.InitializePortResources = &initialize
			}
			so.SummaryOut = cmd.OutOrStdout()
			return a.Sail(cmd.Context(), so)
		},
	}
	sail.Flags().BoolVarP(&so.Once, "once", "O", false, "run one resync and exit")
	sail.Flags().BoolVar(&so.DryRun, "dry-run", false, "run one resync read-only and print what it would create, update and delete; writes nothing to Port (implies --once)")
	sail.Flags().IntVarP(&port, "port", "p", 0, "HTTP port of the integration (default 8000; with --once a free port on 127.0.0.1)")
	sail.Flags().StringVarP(&so.LogLevel, "log-level", "l", "", "log level: DEBUG, INFO, WARNING, ERROR")
	sail.Flags().BoolVar(&so.Strict, "strict", false, "refuse unknown keys (OCEAN__ variables, config.yaml, spec.yaml, the mapping) instead of warning")
	initialize = true
	sail.Flags().VarP((*valueBool)(&initialize), "initialize-port-resources", "i",
		"create the default blueprints and mapping on first start: true or false")
	version := &cobra.Command{
		Use:   "version",
		Short: "Print the integration's and the framework's versions",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			typ, version := a.identity()
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s (ocean-go %s)\n", typ, version, FrameworkVersion())
		},
	}
	root.AddCommand(sail, version, a.defaultsCommand())
	root.SetArgs(args)
	root.SetIn(a.stdin())
	root.SetOut(a.stdout())
	if err := root.ExecuteContext(ctx); err != nil {
		return a.masked(err)
	}
	return nil
}

func (a *App) stdin() *os.File  { return cmp.Or(a.opts.in, os.Stdin) }
func (a *App) stdout() *os.File { return cmp.Or(a.opts.out, os.Stdout) }

// identity is the integration's type and version: the App's options, else
// .port/spec.yaml's type and OCEAN__INTEGRATION__VERSION, else "unknown".
// It reads no other setting: printing a version needs none.
func (a *App) identity() (typ, version string) {
	typ, version = a.opts.typ, a.opts.version
	if typ == "" {
		if spec, err := config.LoadSpec(a.opts.dir); err == nil && spec != nil {
			typ = spec.Type
		}
	}
	if version == "" {
		for _, kv := range a.environ() {
			if v, ok := strings.CutPrefix(kv, "OCEAN__INTEGRATION__VERSION="); ok {
				version = v
			}
		}
	}
	return cmp.Or(typ, "unknown"), cmp.Or(version, "unknown")
}

// masked gives err a text with the secrets the logs mask masked too: the final
// error line is printed where logs go (a handler's error may quote a URL with
// its token).
func (a *App) masked(err error) error {
	m := logging.NewMasker()
	if a.log != nil {
		m = logging.MaskerOf(a.log)
	}
	return maskedError{err: err, text: m.Full().Mask(err.Error())}
}

// maskedError is an error with its text masked; errors.Is and As see the
// original.
type maskedError struct {
	err  error
	text string
}

func (e maskedError) Error() string { return e.text }
func (e maskedError) Unwrap() error { return e.err }

// valueBool is a boolean flag that takes its value as the next argument
// (-i false), as Ocean's click option does; pflag's bool flags only take -i=false.
type valueBool bool

func (b *valueBool) String() string { return strconv.FormatBool(bool(*b)) }
func (b *valueBool) Type() string   { return "true|false" }
func (b *valueBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false, got %q", s)
	}
	*b = valueBool(v)
	return nil
}

// Sail starts the integration and runs its event listener until ctx ends, or,
// with ONCE, for one resync. It returns an error when start-up fails or, with
// ONCE, when the resync did not complete.
//
// Everything is checked before anything starts; then the parts run as
// runnables (the embedded local Port, the HTTP server, the scheduler, the
// event listener), started in that order once the integration exists in Port,
// and stopped in reverse, each within a bound.
func (a *App) Sail(ctx context.Context, so SailOptions) error {
	if a.started() {
		return errors.New("ocean: an App sails once; create a new App to sail again")
	}
	a.sailedAt = time.Now()
	a.dryRun = so.DryRun
	a.runCtx = ctx
	a.summaryOut = so.SummaryOut
	if a.summaryOut == nil {
		a.summaryOut = os.Stdout
	}
	listener, err := a.start(ctx, so)
	if err != nil {
		a.finishInit(err)
		return err
	}
	defer a.parts.Stop()
	defer a.finishInit(errors.New("the integration stopped before it was initialised"))
	if err := a.initialize(ctx); err != nil {
		a.finishInit(err)
		return err
	}
	a.finishInit(nil)
	defer limitMemory(ctx)()
	if !a.dryRun { // shipping logs to Port is a write
		a.startLogShipping(ctx)
	}
	endStart, err := a.runStartHooks(ctx)
	defer endStart()
	if err != nil {
		return err
	}

	s := a.settings
	if s.ScheduledResyncInterval > 0 && s.EventListener.Type != config.ListenerOnce && s.EventListener.ShouldResync {
		a.parts.Go(ctx, "scheduler", listeners.Scheduled{Interval: s.ScheduledResyncInterval, Resync: a.resyncJob(a.fullResync), Log: a.log},
			a.listenerStopBound())
		a.log.WithField("interval", s.ScheduledResyncInterval.String()).Info("Scheduled resyncs enabled")
	}
	if !a.dryRun {
		a.startActionsBeside(ctx)
	}
	a.log.WithField("event_listener", s.EventListener.Type).Info("Starting the event listener")
	r, err := listener.build(ctx, a, func() { a.listening.Store(true) })
	if err != nil {
		return fmt.Errorf("%s event listener: %w", s.EventListener.Type, err)
	}
	a.parts.Go(ctx, "event listener", lifecycle.Func(func(ctx context.Context) error {
		defer a.listening.Store(false)
		return r.Start(ctx)
	}), a.listenerStopBound())
	return a.parts.Wait(ctx)
}

// listenerStopBound is how long a listener (or the scheduler) gets to stop:
// a resync in flight is aborted, then reports its outcome to Port.
func (a *App) listenerStopBound() time.Duration {
	return a.settings.MaxWaitBeforeShutdown + outcomeReportTimeout
}

// fullResync is a resync of every kind, as a listener or the schedule triggers it.
func (a *App) fullResync(ctx context.Context) (*resync.Summary, error) {
	return a.engine.SyncRawAll(ctx, oceanctx.Machine)
}

// resyncJob is what a listener calls to resync: a listener resync of run
// whose summary is printed.
func (a *App) resyncJob(run func(context.Context) (*resync.Summary, error)) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := a.printedResync(ctx, run)
		return err
	}
}

func (a *App) printedResync(ctx context.Context, run func(context.Context) (*resync.Summary, error)) (*resync.Summary, error) {
	sum, err := a.listenerResync(ctx, run)
	switch {
	case sum != nil && a.dryRun:
		_ = writeInitPlan(a.summaryOut, a.initPlan)
		_ = sum.WritePlan(a.summaryOut)
	case sum != nil:
		_ = sum.WriteTable(a.summaryOut)
	}
	// The resync's batches are garbage now and the integration idles until
	// the next one: hand their memory back at once, not over minutes.
	debug.FreeOSMemory()
	return sum, err
}

// checkListener refuses, before anything starts, a listener ocean-go does not
// have, settings it cannot run with, and one that would resync without a
// handler.
func (a *App) checkListener() (eventListener, error) {
	l, err := a.listenerOf()
	if err != nil {
		return l, err
	}
	if l.check != nil {
		if err := l.check(a); err != nil {
			return l, err
		}
	}
	s := a.settings
	if s.EventListener.ShouldResync && !a.handlers.HasResync() && !(a.incremental() && a.handlers.HasIncremental()) {
		return l, errors.New("no resync handler registered: register one with OnResync or OnResyncAll")
	}
	return l, nil
}

// incremental reports whether this run is an incremental sync: as in Ocean,
// only ONCE runs them, and then instead of a resync.
func (a *App) incremental() bool {
	s := a.settings
	return s.EventListener.Type == config.ListenerOnce && s.Integration.IncrementalSyncEnabled && !a.dryRun
}

// finishInit records the outcome of initialisation and releases whoever waits
// on Ready; only the first call counts.
func (a *App) finishInit(err error) {
	a.initOnce.Do(func() {
		a.initErr = err
		close(a.initialized)
	})
}

// LastSummary returns the summary of the most recent listener resync, or nil.
func (a *App) LastSummary() *resync.Summary { return a.lastSummary.Load() }

// outcomeReportTimeout bounds the report of a resync's outcome to Port, which
// is sent even when the resync was aborted by shutdown.
const outcomeReportTimeout = 10 * time.Second

// listenerResync runs run (a resync or an incremental sync) for an event
// listener: it reports the resync state to Port before and after, and records
// metrics.
func (a *App) listenerResync(ctx context.Context, run func(context.Context) (*resync.Summary, error)) (*resync.Summary, error) {
	if a.dryRun { // the resync state is Port's to keep: a plan reports nothing
		sum, err := run(ctx)
		a.lastSummary.Store(sum)
		return sum, err
	}
	gen := a.listenerResyncs.Add(1)
	start := isoNow()
	running := a.resyncState("running")
	running.LastResyncStart = &start
	if integ, err := a.client.PatchResyncState(ctx, running); err != nil {
		a.log.WithError(err).Warn("Could not report the resync as running")
	} else {
		a.noteResyncState(integ)
	}
	sum, err := run(ctx)
	a.lastSummary.Store(sum)
	if sum.Status == resync.Aborted && a.listenerResyncs.Load() != gen {
		// Superseded: the newer resync has reported itself running and will
		// report its own outcome; "aborted" now would hide that it runs.
		return sum, err
	}
	end := isoNow()
	outcome := a.resyncState(string(sum.Status))
	outcome.LastResyncStart, outcome.LastResyncEnd = &start, &end
	// Report the outcome even when ctx was cancelled (shutdown aborts a resync).
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), outcomeReportTimeout)
	defer cancel()
	if _, perr := a.client.PatchResyncState(rctx, outcome); perr != nil {
		a.log.WithError(perr).Warn("Could not report the resync outcome")
	}
	return sum, err
}

// noteResyncState advances the baseline of POLLING to the integration's
// resyncState.updatedAt: requests up to then are handled by this resync.
func (a *App) noteResyncState(integ *port.Integration) {
	if integ.ResyncState == nil {
		return
	}
	if at, err := time.Parse(time.RFC3339Nano, integ.ResyncState.UpdatedAt); err == nil {
		a.handledUntil.Store(max(a.handledUntil.Load(), at.UnixNano()))
	}
}

// resyncState is the state reported to Port, with the next scheduled resync
// when there is a schedule (counted from when the integration started).
func (a *App) resyncState(status string) port.ResyncState {
	st := port.ResyncState{Status: status}
	interval := a.settings.ScheduledResyncInterval
	if next := listeners.NextResync(a.sailedAt, time.Now(), interval); next != nil {
		at := next.UTC().Format(time.RFC3339Nano)
		minutes := int(interval / time.Minute)
		st.NextResync, st.IntervalInMinuets = &at, &minutes
	}
	return st
}

func isoNow() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// resourcesDir is OCEAN__RESOURCES_PATH, or .port/resources when that
// directory does not exist, as in Ocean (and with a warning: it is likely a
// typo).
func (a *App) resourcesDir() string {
	if _, err := os.Stat(filepath.Join(a.opts.dir, ".port")); err != nil {
		abs, _ := filepath.Abs(a.opts.dir)
		a.log.WithField("dir", abs).Warn("No .port directory here: no spec.yaml (the integration config is " +
			"not checked) and no default resources; run the integration from its own directory")
	}
	dir, def := a.settings.ResourcesPath, filepath.Join(a.opts.dir, ".port", "resources")
	if _, err := os.Stat(dir); err != nil && filepath.Clean(dir) != filepath.Clean(def) {
		a.log.WithError(err).WithField("resources_path", dir).Warn("Cannot read the resources path; using .port/resources")
		return def
	}
	return dir
}

// initialize creates or aligns the integration in Port and its default
// resources (.port/resources), as Ocean does before serving.
func (a *App) initialize(ctx context.Context) error {
	s := a.settings
	res, err := defaults.Load(a.resourcesDir())
	if err != nil {
		return err
	}
	if a.dryRun {
		return a.planDefaults(ctx, res)
	}
	if err := a.initializeDefaults(ctx, res); err != nil {
		return err
	}
	if a.local == nil || !s.InitializePortResources {
		return nil
	}
	// The embedded local Port has no UI: the mapping file is where its user
	// edits the mapping, so the file wins there.
	applied, err := defaults.ApplyMappingFile(ctx, a.client, res)
	if applied {
		a.log.Info("Applied .port/resources/port-app-config to the embedded local Port")
	}
	return err
}

func (a *App) initializeDefaults(ctx context.Context, res *defaults.Resources) error {
	return defaults.Initialize(ctx, a.client, a.defaultsParams(), res, a.log)
}

// planDefaults is initialize for a dry run: it records what initialisation
// would do, for the plan, and lets the resync use the default mapping when
// Port has none yet.
func (a *App) planDefaults(ctx context.Context, res *defaults.Resources) error {
	plan, err := defaults.Plan(ctx, a.client, a.defaultsParams(), res, a.log)
	if err != nil {
		return err
	}
	a.initPlan = plan
	if res.PortAppConfig != nil {
		raw, err := json.Marshal(res.PortAppConfig)
		if err != nil {
			return fmt.Errorf("the default mapping: %w", err)
		}
		a.engine.FallbackMapping = raw
	}
	return nil
}

// writeInitPlan prints what initialising the integration in Port would do.
func writeInitPlan(w io.Writer, plan []string) error {
	if len(plan) == 0 {
		_, err := fmt.Fprintln(w, "Port: the integration and its defaults are in place")
		return err
	}
	var b strings.Builder
	b.WriteString("Port: initialising the integration would\n")
	for _, line := range plan {
		b.WriteString("  " + line + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (a *App) defaultsParams() defaults.Params {
	s := a.settings
	return defaults.Params{
		Identifier:               s.Integration.Identifier,
		Type:                     s.Integration.Type,
		Version:                  s.Integration.Version,
		ChangelogDestination:     a.changelogDestination(),
		InitializePortResources:  s.InitializePortResources,
		Origin:                   s.CreatePortResourcesOrigin,
		IncrementalSyncEnabled:   s.Integration.IncrementalSyncEnabled,
		ActionsProcessingEnabled: a.runsActions(),
		// Entities are mapped and written here, not by Port's data source
		// processor: Ocean's "ocean-core" mode.
		ProcessingMode: "ocean-core",
		Runtime:        string(s.Runtime),
	}
}

// runStartHooks runs the OnStart hooks in a start event, in registration
// order. The event, and the ctx the hooks got, last until end is called when
// the App stops: a hook may start background work on that ctx (Ocean runs its
// hooks themselves in the background).
func (a *App) runStartHooks(ctx context.Context) (end func(), err error) {
	ctx, ev := a.events.Begin(ctx, oceanctx.Start, oceanctx.Machine, nil)
	end = func() { a.events.End(ev) }
	ctx = oceanctx.WithIntegrationConfig(ctx, a.settings.Integration.Config)
	for i, h := range a.handlers.StartHooks() {
		if err := runHook(ctx, h); err != nil {
			return end, fmt.Errorf("start hook %d: %w", i+1, err)
		}
	}
	return end, nil
}

func runHook(ctx context.Context, h func(context.Context) error) error {
	return recovered("panicked", func() error { return h(ctx) })
}

// recovered calls fn; a panic becomes its error, "{what}: {value}". User
// code (hooks, executors) must not take the App down.
func recovered(what string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %v", what, r)
		}
	}()
	return fn()
}
