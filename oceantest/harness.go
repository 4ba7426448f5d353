package oceantest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/localport"
)

// Option configures a Harness.
type Option func(*options)

type options struct {
	dir      string
	env      []string
	settings map[string]any
	config   map[string]any
	app      []ocean.Option
	port     *localport.Server
	timeout  time.Duration
}

// Dir is the integration's directory, holding .port/ (spec.yaml and the
// default resources) and optionally config.yaml. Default: the working
// directory, which is the package's directory under go test.
func Dir(dir string) Option { return func(o *options) { o.dir = dir } }

// Env sets variables of the integration's environment, "OCEAN__...=value"
// or "APPLICATION__...=value", over the harness's defaults. The machine's
// environment and the integration's .env file are never read.
func Env(kv ...string) Option { return func(o *options) { o.env = append(o.env, kv...) } }

// IntegrationConfig sets values of the integration's configuration (the
// configurations of .port/spec.yaml, by name: {"token": "..."}); they win
// over Env.
func IntegrationConfig(values map[string]any) Option {
	return func(o *options) {
		if o.config == nil {
			o.config = map[string]any{}
		}
		maps.Copy(o.config, values)
	}
}

// Settings overrides settings as nested snake_case keys, as ocean.WithConfig
// does: {"event_listener": {"type": "POLLING"}}. They win over Env.
func Settings(overrides map[string]any) Option {
	return func(o *options) { o.settings = overrides }
}

// AppOptions adds options of the App, e.g. ocean.WithVersion or
// ocean.WithType when the spec's type is not the one to test.
func AppOptions(opts ...ocean.Option) Option {
	return func(o *options) { o.app = append(o.app, opts...) }
}

// WithPort syncs into an existing local Port instead of a fresh one: several
// harnesses then share it, one after the other (the second sees what the
// first wrote) or at once (replicas of one integration). The caller closes it.
func WithPort(srv *localport.Server) Option { return func(o *options) { o.port = srv } }

// Timeout bounds every wait of the harness: start-up, WaitWebhooks, the
// stop at cleanup. Default 60 s, room for a loaded machine.
func Timeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// Harness is an integration's App running against a local Port in the same
// process, for one test.
type Harness struct {
	t    testing.TB
	opts options
	app  *ocean.App
	port *localport.Server
	logs *logBuffer
	http *http.Client

	cancel   context.CancelFunc
	done     chan error // Sail's outcome
	stopOnce sync.Once
	stopErr  error
	// startFailed: Sail's error is reported already.
	startFailed bool
}

// Port credentials of the harness: the local Port accepts any, and the App
// masks the secret in its logs like any other.
const (
	clientID     = "oceantest"
	clientSecret = "oceantest-client-secret-4f1d2c9a7b"
)

// New starts the App that setup registers its handlers on, against a local
// Port (a fresh one, its database under t.TempDir(), unless WithPort), and
// returns once the integration exists in Port with its default blueprints
// and mapping and serves its routes on 127.0.0.1. The App resyncs only when
// asked (Resync) and processes webhooks (event listener WEBHOOKS_ONLY, which
// Env or Settings may change). A failed start fails the test.
//
// At cleanup the App is stopped; the test fails if it did not stop cleanly,
// or if a secret of its settings (the Port client secret, sensitive
// integration configuration) appears in its logs. The logs are printed when
// the test failed.
func New(t testing.TB, setup func(*ocean.App), opts ...Option) *Harness {
	t.Helper()
	h := &Harness{t: t, opts: options{dir: ".", timeout: 60 * time.Second}, logs: &logBuffer{}, done: make(chan error, 1)}
	for _, o := range opts {
		o(&h.opts)
	}
	h.http = &http.Client{Timeout: h.opts.timeout}
	h.port = h.opts.port
	if h.port == nil {
		h.port = startPort(t)
	}
	dir, err := copyIntegration(h.opts.dir, t.TempDir())
	if err != nil {
		t.Fatalf("oceantest: %v", err)
	}
	appOpts := append([]ocean.Option{
		ocean.WithDir(dir), ocean.WithVersion("0.0.0-test"),
		ocean.WithEnviron(h.environ()), ocean.WithConfig(h.overrides()), ocean.WithLogOutput(h.logs),
	}, h.opts.app...)
	h.app = ocean.New(appOpts...)
	setup(h.app)
	t.Cleanup(h.cleanup)
	h.sail()
	return h
}

// environ is the App's whole environment: the harness's defaults, then Env.
func (h *Harness) environ() []string {
	return append([]string{
		"OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY",
		"OCEAN__PORT__RATE_LIMIT=0", // the local Port is the test's alone
		"APPLICATION__LOG_LEVEL=INFO",
	}, h.opts.env...)
}

// overrides point the App at the local Port whatever the settings say: a
// config.yaml naming the real Port must not make a test write there.
func (h *Harness) overrides() map[string]any {
	o := maps.Clone(h.opts.settings)
	if o == nil {
		o = map[string]any{}
	}
	o["port"] = map[string]any{"base_url": h.port.URL(), "client_id": clientID, "client_secret": clientSecret}
	if h.opts.config != nil {
		integ, _ := o["integration"].(map[string]any)
		integ = maps.Clone(integ)
		if integ == nil {
			integ = map[string]any{}
		}
		integ["config"] = h.opts.config
		o["integration"] = integ
	}
	return o
}

// sail starts the App and waits until it is ready: initialised in Port, its
// event listener running.
func (h *Harness) sail() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	zero := 0
	go func() {
		h.done <- h.app.Sail(ctx, ocean.SailOptions{Port: &zero, Host: "127.0.0.1", SummaryOut: io.Discard})
	}()
	deadline := time.NewTimer(h.opts.timeout)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-h.done:
			h.done <- err // for Stop
			h.startFailed = true
			h.t.Fatalf("oceantest: the integration stopped at start: %v", err)
		case <-deadline.C:
			h.t.Fatalf("oceantest: the integration was not ready within %s", h.opts.timeout)
		case <-tick.C:
			if h.ready() {
				return
			}
		}
	}
}

// ready asks the App's /health/ready, as an orchestrator does.
func (h *Harness) ready() bool {
	if h.app.URL() == "" {
		return false
	}
	resp, err := h.http.Get(h.app.URL() + h.prefix() + "/health/ready")
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// prefix is OCEAN__PATH_PREFIX as a path, which the App's routes sit under.
func (h *Harness) prefix() string {
	if p := h.app.Settings().PathPrefix; p != "" {
		return "/" + p
	}
	return ""
}

// App is the running App.
func (h *Harness) App() *ocean.App { return h.app }

// Port is the local Port the App syncs into: read what it holds, inject
// faults (see InjectFault), request resyncs, read the ingest sinks.
func (h *Harness) Port() *localport.Server { return h.port }

// URL is the base URL of the App's HTTP server, with OCEAN__PATH_PREFIX.
func (h *Harness) URL() string { return h.app.URL() + h.prefix() }

// Stop stops the App, as SIGTERM does, and returns Sail's error; later calls
// return the same. Cleanup calls it, so tests call it only to act after the
// App stopped (a second harness on the same Port, the final logs).
func (h *Harness) Stop() error {
	h.stopOnce.Do(func() {
		h.cancel()
		select {
		case h.stopErr = <-h.done:
		case <-time.After(h.opts.timeout):
			h.stopErr = fmt.Errorf("oceantest: the integration did not stop within %s", h.opts.timeout)
		}
	})
	return h.stopErr
}

func (h *Harness) cleanup() {
	if err := h.Stop(); err != nil && !h.startFailed {
		h.t.Errorf("oceantest: the integration did not stop cleanly: %v", err)
	}
	logs := h.logs.String()
	if s := h.app.Settings(); s != nil {
		for _, secret := range s.Secrets() {
			if secret != "" && strings.Contains(logs, secret) {
				h.t.Errorf("oceantest: a secret of the settings appears unmasked in the logs")
			}
		}
	}
	if h.t.Failed() {
		h.t.Logf("oceantest: the integration's logs:\n%s", logs)
	}
}

func startPort(t testing.TB) *localport.Server {
	t.Helper()
	srv, err := localport.New(localport.Options{DBPath: filepath.Join(t.TempDir(), "port.db")})
	if err != nil {
		t.Fatalf("oceantest: local Port: %v", err)
	}
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		_ = srv.Close()
		t.Fatalf("oceantest: local Port: %v", err)
	}
	// Registered before the App's cleanup, so it runs after: the App stops first.
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("oceantest: close the local Port: %v", err)
		}
	})
	return srv
}

// copyIntegration copies what the App reads of dir, .port/ and config.yaml
// (not .env: a developer's credentials stay out of tests), to a directory of
// the test's, so that the App's files (.ocean/) stay out of the source tree.
func copyIntegration(dir, to string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, ".port")); err != nil {
		abs, _ := filepath.Abs(dir)
		return "", fmt.Errorf("no .port directory in %s: give the integration's directory with oceantest.Dir", abs)
	}
	if err := os.CopyFS(filepath.Join(to, ".port"), os.DirFS(filepath.Join(dir, ".port"))); err != nil {
		return "", fmt.Errorf("copy .port: %w", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return "", err
	default:
		if err := os.WriteFile(filepath.Join(to, "config.yaml"), data, 0o644); err != nil {
			return "", err
		}
	}
	return to, nil
}
