package ocean

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/sirupsen/logrus"
	"golang.org/x/time/rate"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/config"
	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/core/appconfig"
	"github.com/ocean-go/ocean/core/applier"
	"github.com/ocean-go/ocean/core/processor"
	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/handlers"
	"github.com/ocean-go/ocean/internal/lifecycle"
	"github.com/ocean-go/ocean/internal/liveevents"
	"github.com/ocean-go/ocean/logging"
)

// App is an integration: the handlers it registered, its HTTP server, and, once
// started, its settings, Port client and resync engine.
type App struct {
	opts     options
	handlers handlers.Registry
	actions  actionRegistry
	events   oceanctx.Tracker
	router   *gin.Engine
	group    *gin.RouterGroup
	metrics  *metrics
	webhooks *liveevents.Manager
	// webhookMetrics are registered with the others, so /metrics shows them
	// before the first event.
	webhookMetrics *liveevents.Metrics

	// Set by start; read-only afterwards.
	settings *config.Settings
	log      *logrus.Logger
	client   *port.Client
	engine   *resync.Engine
	local    LocalPort // the embedded local Port, when it is the target
	server   *http.Server
	url      string
	ready    chan struct{} // closed when start set the fields above
	// initialized is closed when the integration exists in Port with its
	// defaults (or initialisation failed, initErr): sync operations wait for it.
	initialized chan struct{}
	initErr     error
	initOnce    sync.Once

	parts      *lifecycle.Group // the runnables, from start on
	runCtx     context.Context  // Sail's ctx: resyncs the HTTP routes start belong to the App
	summaryOut io.Writer        // where listener resyncs print their summary
	listening  atomic.Bool      // the event listener runs (for /health/ready)
	// dryRun: sail --dry-run, which writes nothing to Port; initPlan is what
	// initialising the integration would have done.
	dryRun   bool
	initPlan []string

	sailedAt    time.Time // when Sail began: scheduled resyncs count from it
	lastSummary atomic.Pointer[resync.Summary]
	// handledUntil is resyncState.updatedAt (Port's clock, unix ns) of the
	// latest resync started: POLLING's baseline for new resync requests.
	handledUntil atomic.Int64
	// listenerResyncs counts the listener resyncs started, so that one that a
	// newer one superseded leaves the resync state to it.
	listenerResyncs atomic.Int64
	sinks           ingestSinks // the log and metric ingest URLs, read once
}

// Option configures an App.
type Option func(*options)

type options struct {
	typ, version, dir string
	overrides         map[string]any
	environ           []string
	logOut            io.Writer
	out, in           *os.File
}

// WithType sets the integration type (e.g. "github"): it names the integration in
// Port and in the User-Agent that marks the entities it owns. Default: the type
// in .port/spec.yaml.
func WithType(t string) Option { return func(o *options) { o.typ = t } }

// WithVersion sets the integration's own version, which Port records and the
// User-Agent carries. Required, here or in OCEAN__INTEGRATION__VERSION.
func WithVersion(v string) Option { return func(o *options) { o.version = v } }

// WithDir sets the integration directory holding .env, config.yaml and .port/.
// Default: the working directory.
func WithDir(dir string) Option { return func(o *options) { o.dir = dir } }

// WithConfig overrides settings with the highest priority, as nested snake_case
// keys: {"event_listener": {"type": "ONCE"}}.
func WithConfig(overrides map[string]any) Option {
	return func(o *options) { o.overrides = overrides }
}

// WithEnviron replaces the process environment as the source of OCEAN__*
// variables (tests use it to stay independent of the machine's environment).
func WithEnviron(env []string) Option { return func(o *options) { o.environ = env } }

// WithLogOutput sends the integration's logs to w instead of standard error.
func WithLogOutput(w io.Writer) Option { return func(o *options) { o.logOut = w } }

// WithStdio sets the files Execute's commands read (a confirmation) and
// print to (the summary, the plan, the version) instead of standard input
// and output; whether they are terminals decides on prompts and live
// progress.
func WithStdio(in, out *os.File) Option { return func(o *options) { o.in, o.out = in, out } }

// New returns an App. Nothing is read or started until Run (or Sail).
func New(opts ...Option) *App {
	a := &App{ready: make(chan struct{}), initialized: make(chan struct{}), metrics: newMetrics(), webhooks: liveevents.New()}
	a.webhookMetrics = liveevents.NewMetrics(a.metrics.registry)
	for _, o := range opts {
		o(&a.opts)
	}
	if a.opts.dir == "" {
		a.opts.dir = "."
	}
	a.router = newRouter(a)
	a.group = a.router.Group("/integration", bodyLimit(a))
	return a
}

// OnResync registers the handler that produces the raw items of kind.
func (a *App) OnResync(kind string, h handlers.ResyncHandler) {
	if kind == "" {
		panic("ocean: OnResync needs a kind; use OnResyncAll for a handler of every kind")
	}
	a.handlers.OnResync(kind, h)
}

// OnResyncAll registers a handler for every kind without a handler of its own.
func (a *App) OnResyncAll(h handlers.ResyncHandler) { a.handlers.OnResync("", h) }

// OnIncrementalResync registers the handler that produces the raw items of
// kind changed since the cursor (read it with IncrementalCursor); an empty
// kind registers it for every kind, after the kind-specific handlers.
// `sail --once` runs an incremental sync, with these handlers only, when
// OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED is true.
func (a *App) OnIncrementalResync(kind string, h handlers.ResyncHandler) {
	a.handlers.OnIncrementalResync(kind, h)
}

// OnStart registers a hook that runs once at start-up, before the first resync.
// An error stops the integration.
func (a *App) OnStart(h handlers.Hook) { a.handlers.OnStart(h) }

// OnResyncStart registers a hook that runs before every resync; an error fails
// the resync (and nothing is deleted).
func (a *App) OnResyncStart(h handlers.Hook) { a.handlers.OnResyncStart(h) }

// OnResyncComplete registers a hook that runs after every resync that completed
// without errors.
func (a *App) OnResyncComplete(h handlers.Hook) { a.handlers.OnResyncComplete(h) }

// Router is the route group under /integration, for the integration's own
// routes (webhooks, a fake API, ...). Register routes before Run. A request
// body is at most OCEAN__MAX_REQUEST_BODY_SIZE_IN_BYTES (default 4 MiB): a
// route gets it read into memory, a larger one is answered 413.
func (a *App) Router() *gin.RouterGroup { return a.group }

// URL is the base URL of the integration's HTTP server; empty until started.
func (a *App) URL() string {
	if !a.started() {
		return ""
	}
	return a.url
}

// Ready is closed once the integration has started and exists in Port with
// its default resources (from then on sync operations run at once), or when
// start-up failed.
func (a *App) Ready() <-chan struct{} { return a.initialized }

// notReady says why the integration is not ready to work ("" when it is):
// it is ready once it exists in Port with its defaults and its event listener
// runs.
func (a *App) notReady() string {
	select {
	case <-a.initialized:
	default:
		return "initialising: creating or updating the integration in Port"
	}
	switch {
	case a.initErr != nil:
		return "initialisation failed: " + a.masked(a.initErr).Error()
	case !a.listening.Load():
		return "the event listener is not running"
	}
	return ""
}

// Client is the Port client; nil until started.
func (a *App) Client() *port.Client {
	if !a.started() {
		return nil
	}
	return a.client
}

// Settings are the loaded settings; nil until started.
func (a *App) Settings() *config.Settings {
	if !a.started() {
		return nil
	}
	return a.settings
}

// started reports whether start finished: everything it set may be read.
func (a *App) started() bool {
	select {
	case <-a.ready:
		return true
	default:
		return false
	}
}

// Logger is the integration's logger (secrets masked); a standard logger until
// started.
func (a *App) Logger() logrus.FieldLogger {
	if !a.started() {
		return logrus.StandardLogger()
	}
	return a.log
}

// IntegrationConfig decodes the integration's configuration (the
// configurations of .port/spec.yaml) carried by ctx into T, by json tags that
// name the spec's keys. Handlers, hooks and routes of an App get such a ctx.
func IntegrationConfig[T any](ctx context.Context) (T, error) {
	var v T
	raw := oceanctx.IntegrationConfig(ctx)
	if raw == nil {
		return v, errors.New("ocean: no integration config in this context")
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return v, fmt.Errorf("ocean: integration config: %w", err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("ocean: integration config does not fit %T: %w", v, err)
	}
	return v, nil
}

// ResourceConfig returns the resource of the mapping (kind, selector with its
// integration-specific fields, port mapping) a resync handler is producing
// items for.
func ResourceConfig(ctx context.Context) (*appconfig.ResourceConfig, bool) {
	r, ok := oceanctx.ResourceFrom(ctx)
	return r.Config, ok
}

// IncrementalCursor returns the instant an incremental handler fetches
// changes since: when the resource's last successful incremental sync started
// or, the first time, one interval before this sync. false outside an
// incremental sync.
func IncrementalCursor(ctx context.Context) (time.Time, bool) { return oceanctx.CursorFrom(ctx) }

// loadSettings loads and checks the settings (the options of so win) and
// sets up the logger.
func (a *App) loadSettings(so SailOptions) error {
	overrides := mergeOverrides(a.opts.overrides, so.overrides())
	s, err := config.Load(config.LoadOptions{
		Dir: a.opts.dir, Environ: a.opts.environ, Overrides: overrides,
		DefaultType: a.opts.typ, DefaultVersion: a.opts.version,
		Listeners: listenerReaders(),
	})
	if err != nil {
		return err
	}
	a.settings = s
	out := a.opts.logOut
	if out == nil {
		out = os.Stderr
	}
	a.log = logging.New(logging.Options{Level: s.Application.LogLevel, Out: out, Secrets: s.Secrets()})
	for _, w := range s.Warnings {
		a.log.Warn(w)
	}
	a.log.WithField("settings", s.Redacted()).Debug("Loaded settings")
	return nil
}

// connect makes the Port client, starting the embedded local Port (as a
// runnable of a.parts) when no credentials are configured.
func (a *App) connect(ctx context.Context) (err error) {
	s := a.settings
	pc := port.Config{
		BaseURL: s.Port.BaseURL, ClientID: s.Port.ClientID, ClientSecret: s.Port.ClientSecret,
		UserAgent:            port.UserAgent{Type: s.Integration.Type, Version: s.Integration.Version, Identifier: s.Integration.Identifier},
		CoreVersion:          FrameworkVersion(),
		Timeout:              s.ClientTimeout,
		LimiterWait:          a.metrics.waited,
		Requested:            a.metrics.requested,
		UpsertBatchMaxLength: s.UpsertEntitiesBatchMaxLength,
		UpsertBatchMaxBytes:  s.UpsertEntitiesBatchMaxSizeInBytes,
		DeleteBatchMaxLength: s.DeleteBatchSize(),
		BlueprintCacheTTL:    s.Port.BlueprintCacheTTL,
		FeatureFlagsCacheTTL: s.Port.FeatureFlagsCacheTTL,
		Logger:               a.log,
		ReadOnly:             a.dryRun,
	}
	limit := rate.Limit(s.Port.RateLimit)
	if limit == 0 {
		limit = rate.Inf // OCEAN__PORT__RATE_LIMIT=0 turns the limiter off
	}
	// The App's own budget, shared by everything it sends to Port. A default
	// one is lifted when a local Port answers and paced by Port's rate-limit
	// headers; a configured one is kept as it is.
	pc.Limiter, pc.FixedLimit = rate.NewLimiter(limit, s.Port.RateBurst), s.Port.RateLimitSet
	if !s.Port.HasCredentials() {
		if pc.BaseURL, err = a.startLocalPort(); err != nil {
			return err
		}
		a.parts.Go(ctx, "local Port", lifecycle.Func(func(ctx context.Context) error {
			<-ctx.Done()
			return a.local.Close()
		}), localPortStopBound)
		// The local Port is ours alone: any credentials, and no rate limit
		// unless one is configured.
		pc.ClientID, pc.ClientSecret = "local", "local"
		if !s.Port.RateLimitSet {
			pc.Limiter = rate.NewLimiter(rate.Inf, 0)
		}
	}
	a.client, err = port.New(pc)
	return err
}

// start loads and checks the settings, then brings up everything a listener
// needs: the Port target (the embedded local Port runs from here), the client,
// the engine and the HTTP server, as runnables of a.parts. It returns the
// event listener to start once the integration is initialised; on error,
// what it started is stopped.
func (a *App) start(ctx context.Context, so SailOptions) (_ eventListener, err error) {
	if err := a.loadSettings(so); err != nil {
		return eventListener{}, err
	}
	s := a.settings
	listener, err := a.checkListener()
	if err == nil {
		err = a.configureWebhooks()
	}
	if err != nil {
		return listener, err // before anything binds a port or calls Port
	}
	a.parts = lifecycle.New(a.log)
	defer func() {
		if err != nil {
			a.parts.Stop()
		}
	}()
	if err := a.connect(ctx); err != nil {
		return listener, err
	}
	a.engine = &resync.Engine{
		Client:   a.client,
		Handlers: &a.handlers,
		Processor: processor.New(processor.Options{
			Workers:     s.ProcessInQueueMaxWorkers,
			ItemTimeout: s.ProcessInQueueTimeout,
			AllowedEnv:  s.MappingEnv(),
			Environ:     a.environ,
			Hidden:      secretValue(s.Secrets(), logging.MaskerOf(a.log)),
			Logger:      a.log,
		}),
		Applier:           a.newApplier(),
		DryRun:            a.dryRun,
		Events:            &a.events,
		Log:               a.log,
		IntegrationConfig: s.Integration.Config,
		SendExamples:      s.SendRawDataExamples,
		Redact:            logging.MaskerOf(a.log).Full().MaskJSON,
		MappingTTL:        s.Port.PortAppConfigCacheTTL,
		Observer:          a.resyncObservers(),
		StrictMapping:     s.Strict,
	}

	if listener.routes != nil {
		listener.routes(a)
	}
	a.startWebhooks(ctx)
	srv, err := a.listenHTTP(so.Host, s.Application.Port)
	if err != nil {
		return listener, err // the deferred Stop closes the local Port
	}
	a.parts.Go(ctx, "HTTP server", srv, s.MaxWaitBeforeShutdown+time.Second)
	return listener, nil
}

func (a *App) newApplier() *applier.Applier {
	if a.dryRun {
		return applier.NewDryRun(a.client, a.log)
	}
	return applier.New(a.client, a.log)
}

// resyncObservers are what full resyncs report to: Port's sync metrics (not
// from a dry run, which writes nothing to Port) and, on a terminal, the live
// progress display.
func (a *App) resyncObservers() resync.Observer {
	var obs observers
	if !a.dryRun {
		obs = append(obs, newSyncReporter(a))
	}
	if d := a.liveProgress(); d != nil {
		obs = append(obs, progressObserver{d: d, planned: a.dryRun})
	}
	return obs
}

// localPortStopBound is how long the embedded local Port gets to close: it
// finishes the requests in flight (up to 5 s) and closes its database.
const localPortStopBound = 10 * time.Second

// startLocalPort starts the registered local Port and says so: it is the
// target of anyone without Port credentials. Without one registered (the
// integration does not import EmbeddedLocalPortImport) it is ErrNoLocalPort.
func (a *App) startLocalPort() (string, error) {
	start := localPortStarter.Load()
	if start == nil {
		return "", ErrNoLocalPort
	}
	dir := a.settings.LocalPort.Dir
	srv, err := (*start)(LocalPortOptions{Dir: dir, Logger: a.log.WithFields(logrus.Fields{"component": "localport", logging.LocalOnly: true})})
	if err != nil {
		return "", fmt.Errorf("local Port: %w", err)
	}
	a.local = srv
	a.log.WithFields(logrus.Fields{"url": srv.URL(), "dir": dir}).Info(
		"No Port credentials configured: syncing into the embedded local Port. " +
			"To sync into Port, set OCEAN__PORT__CLIENT_ID and OCEAN__PORT__CLIENT_SECRET " +
			"(and OCEAN__PORT__BASE_URL for the EU or US region)")
	// A run that keeps going leaves time to look at what it synced.
	if c, ok := srv.(interface{ ConsoleURL() string }); ok && a.settings.EventListener.Type != config.ListenerOnce && !a.dryRun {
		a.log.WithField("url", c.ConsoleURL()).Infof("console: %s", c.ConsoleURL())
	}
	return srv.URL(), nil
}

// listenHTTP binds the integration's HTTP server (its routes, health,
// metrics) on host, by default every interface or, for a ONCE run on a free
// port, the loopback interface only: nothing outside needs to reach it. The
// returned runnable serves until its context ends, then shuts down gracefully.
func (a *App) listenHTTP(host string, p int) (lifecycle.Runnable, error) {
	if host == "" && p == 0 && a.settings.EventListener.Type == config.ListenerOnce {
		host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
	if err != nil {
		return nil, fmt.Errorf("listen on port %d (APPLICATION__PORT, --port): %w", p, err)
	}
	var h http.Handler = a.withEvent(a.router)
	if prefix := a.settings.PathPrefix; prefix != "" { // stored without slashes
		h = http.StripPrefix("/"+prefix, h)
	}
	a.server = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	a.url = fmt.Sprintf("http://127.0.0.1:%d", ln.Addr().(*net.TCPAddr).Port)
	close(a.ready)
	a.log.WithFields(logrus.Fields{"url": a.url, "address": ln.Addr().String()}).Info("Serving the integration's HTTP routes")
	return lifecycle.Func(func(ctx context.Context) error {
		served := make(chan error, 1)
		go func() { served <- a.server.Serve(ln) }()
		select {
		case err := <-served:
			return fmt.Errorf("HTTP server: %w", err)
		case <-ctx.Done():
		}
		a.shutdownHTTP()
		return nil
	}), nil
}

func (a *App) shutdownHTTP() {
	ctx, cancel := context.WithTimeout(context.Background(), a.settings.MaxWaitBeforeShutdown)
	defer cancel()
	if err := a.server.Shutdown(ctx); err != nil {
		// Shutdown leaves requests still running after the wait open: close
		// their connections, which ends their contexts, rather than let them run
		// on after Sail returned.
		a.log.WithError(err).Warn("Closing the HTTP requests still running at shutdown")
		_ = a.server.Close()
	}
}

// environ is the process environment, or the one WithEnviron gave.
func (a *App) environ() []string {
	if a.opts.environ != nil {
		return a.opts.environ
	}
	return os.Environ()
}

// secretValue reports the values mappings must never see: a secret of the
// settings, or one registered with the logger's masker (at start or later).
func secretValue(secrets []string, m *logging.Masker) func(string) bool {
	return func(v string) bool { return slices.Contains(secrets, v) || (m != nil && m.HasSecret(v)) }
}

func mergeOverrides(base, extra map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range []map[string]any{base, extra} {
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok {
				if cur, ok := out[k].(map[string]any); ok {
					out[k] = mergeOverrides(cur, sub)
					continue
				}
			}
			out[k] = v
		}
	}
	return out
}
