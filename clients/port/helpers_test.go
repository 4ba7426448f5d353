package port

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

const (
	testClientID = "tester"
	testSecret   = "s3cr3t-value"
)

// recorder observes the real HTTP exchanges of a client (it forwards every
// request unchanged to the default transport).
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

type exchange struct {
	Method, Path, Query, UserAgent, Authorization string
	SkipResync                                    string // x-skip-resync
	Reserved                                      string // x-port-reserved-usage
	Status                                        int
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	ex := exchange{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.RawQuery,
		UserAgent: req.Header.Get("User-Agent"), Authorization: req.Header.Get("Authorization"),
		SkipResync: req.Header.Get("X-Skip-Resync"), Reserved: req.Header.Get("X-Port-Reserved-Usage")}
	if resp != nil {
		ex.Status = resp.StatusCode
	}
	r.mu.Lock()
	r.log = append(r.log, ex)
	r.mu.Unlock()
	return resp, err
}

// count returns how many exchanges match method and path suffix (status 0 = any).
func (r *recorder) count(method, pathSuffix string, status int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, ex := range r.log {
		if ex.Method == method && strings.HasSuffix(ex.Path, pathSuffix) && (status == 0 || ex.Status == status) {
			n++
		}
	}
	return n
}

func (r *recorder) all() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.log...)
}

type testEnv struct {
	srv  *localport.Server
	c    *Client
	rec  *recorder
	logs *logtest.Hook
}

// newEnv starts a local Port and a client for it with fast retries and no
// proactive rate limit; mods adjust the client config.
func newEnv(t testing.TB, srvOpts []func(*localport.Options), mods ...func(*Config)) *testEnv {
	t.Helper()
	srv := localporttest.Start(t, srvOpts...)
	env := &testEnv{srv: srv}
	env.c, env.rec, env.logs = newTestClient(t, srv.URL(), mods...)
	return env
}

func newTestClient(t testing.TB, baseURL string, mods ...func(*Config)) (*Client, *recorder, *logtest.Hook) {
	t.Helper()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	// Runs before the server's cleanup: a connection dialed but never used
	// would otherwise hold the server's graceful shutdown for 5 s.
	t.Cleanup(transport.CloseIdleConnections)
	rec := &recorder{base: transport}
	logger, hook := logtest.NewNullLogger()
	logger.SetLevel(logrus.DebugLevel)
	cfg := Config{
		BaseURL:      baseURL,
		ClientID:     testClientID,
		ClientSecret: testSecret,
		UserAgent:    UserAgent{Type: "Fake", Version: "0.1.0", Identifier: "it-fake"},
		HTTPClient:   &http.Client{Transport: rec, Timeout: 30 * time.Second},
		Limiter:      rate.NewLimiter(rate.Inf, 1),
		Retry:        RetryPolicy{BaseDelay: 5 * time.Millisecond, MaxDelay: 5 * time.Second},
		Logger:       logger,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c, rec, hook
}

// noSecretsLogged fails when a log entry carries the client secret or a token.
func (e *testEnv) noSecretsLogged(t *testing.T) {
	t.Helper()
	var tokens []string
	for _, ex := range e.rec.all() {
		if _, tok, ok := strings.Cut(ex.Authorization, " "); ok {
			tokens = append(tokens, tok)
		}
	}
	for _, entry := range e.logs.AllEntries() {
		line, err := entry.String()
		require.NoError(t, err)
		require.NotContains(t, line, testSecret)
		for _, tok := range tokens {
			require.NotContains(t, line, tok)
		}
	}
}

// serviceBlueprint has a string and a number property.
func serviceBlueprint(id string) Blueprint {
	return Blueprint{
		Identifier: id,
		Title:      id,
		Schema: BlueprintSchema{Properties: map[string]Property{
			"payload": {Type: "string"},
			"n":       {Type: "number"},
		}},
		Relations: map[string]Relation{},
	}
}

func mustCreateBlueprints(t testing.TB, c *Client, ids ...string) {
	t.Helper()
	for _, id := range ids {
		_, err := c.CreateBlueprint(context.Background(), serviceBlueprint(id))
		require.NoError(t, err, "create blueprint %s", id)
	}
}

// makeEntities returns n entities of blueprint bp with a payload of about size bytes.
func makeEntities(bp, prefix string, n, size int) []Entity {
	out := make([]Entity, n)
	pad := strings.Repeat("p", max(size-80, 0))
	for i := range out {
		out[i] = Entity{
			Identifier: fmt.Sprintf("%s-%05d", prefix, i),
			Blueprint:  bp,
			Properties: map[string]any{"payload": pad, "n": i},
			Relations:  map[string]any{},
		}
	}
	return out
}

// storedIDs lists the identifiers the server holds for a blueprint.
func storedIDs(t testing.TB, srv *localport.Server, bp string) []string {
	t.Helper()
	ents, err := srv.Entities(bp)
	require.NoError(t, err)
	ids := make([]string, 0, len(ents))
	for _, e := range ents {
		ids = append(ids, e["identifier"].(string))
	}
	return ids
}
