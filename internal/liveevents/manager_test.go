package liveevents

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/handlers"
)

func init() { gin.SetMode(gin.TestMode) }

// gated handles an event once release lets it; started tells each start.
type gated struct {
	started chan string
	release chan struct{}
	fail    error // returned by every attempt
}

func (g *gated) ShouldProcess(*handlers.WebhookEvent) bool                  { return true }
func (g *gated) Kinds(*handlers.WebhookEvent) []string                      { return []string{"k"} }
func (g *gated) Authenticate(context.Context, *handlers.WebhookEvent) error { return nil }
func (g *gated) Validate(*handlers.WebhookEvent) error                      { return nil }
func (g *gated) GroupKey(ev *handlers.WebhookEvent) string {
	s, _ := ev.Payload["key"].(string)
	return s
}
func (g *gated) RetryPolicy() handlers.RetryPolicy {
	return handlers.RetryPolicy{MaxRetries: 2, InitialDelay: time.Millisecond, Base: 2, MaxDelay: time.Millisecond}
}

func (g *gated) Handle(ctx context.Context, ev *handlers.WebhookEvent, _ string) (handlers.WebhookResults, error) {
	g.started <- ev.Payload["n"].(string) // panics when n is not a string
	select {
	case <-g.release:
	case <-ctx.Done():
		return handlers.WebhookResults{}, ctx.Err()
	}
	return handlers.WebhookResults{Updated: []any{ev.Payload["n"]}}, g.fail
}

type rig struct {
	m       *Manager
	srv     *httptest.Server
	reg     *prometheus.Registry
	logs    *logtest.Hook
	mu      sync.Mutex
	synced  []any
	batches []int // the number of changes of each Sync
	stopped chan error
	cancel  context.CancelFunc
}

func newRig(t *testing.T, p handlers.WebhookProcessor, o Options) *rig {
	t.Helper()
	log, hook := logtest.NewNullLogger()
	r := &rig{m: New(), reg: prometheus.NewRegistry(), logs: hook, stopped: make(chan error, 1)}
	require.True(t, r.m.Register("/hook", p))
	o.Log, o.Metrics = log, NewMetrics(r.reg)
	o.Kinds = func(context.Context) (map[string]bool, error) { return map[string]bool{"k": true}, nil }
	o.Context = func(ctx context.Context) (context.Context, func()) { return ctx, func() {} }
	o.Sync = func(_ context.Context, changes []Change) []error {
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, c := range changes {
			r.synced = append(r.synced, c.Updated...)
		}
		r.batches = append(r.batches, len(changes))
		return make([]error, len(changes))
	}
	require.NoError(t, r.m.Configure(o))
	e := gin.New()
	e.POST("/integration/hook", r.m.Handler("/hook"))
	r.srv = httptest.NewServer(e)
	t.Cleanup(r.srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.stopped <- r.m.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-r.stopped })
	return r
}

func (r *rig) post(t *testing.T, body string) int {
	t.Helper()
	resp, err := http.Post(r.srv.URL+"/integration/hook", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	_ = resp.Body.Close()
	return resp.StatusCode
}

func (r *rig) syncedItems() []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.synced)
}

func (r *rig) count(outcome string) float64 {
	return testutil.ToFloat64(r.m.opts.Metrics.events.WithLabelValues("/hook", outcome))
}

func TestFullQueueAnswers503(t *testing.T) {
	g := &gated{started: make(chan string, 10), release: make(chan struct{})}
	r := newRig(t, g, Options{Workers: 1, QueueSize: 1, Timeout: time.Minute, DrainBound: time.Second})
	require.Equal(t, http.StatusAccepted, r.post(t, `{"n":"1"}`))
	<-g.started // the worker holds the first event
	require.Equal(t, http.StatusAccepted, r.post(t, `{"n":"2"}`))
	for _, n := range []string{"3", "4", "5"} {
		assert.Equal(t, http.StatusServiceUnavailable, r.post(t, `{"n":"`+n+`"}`))
	}
	assert.Equal(t, 3.0, r.count(rejected))
	var logged int
	for _, e := range r.logs.AllEntries() {
		if e.Message == "Webhook event rejected" {
			logged++
		}
	}
	assert.Equal(t, 1, logged, "a full queue is logged once a second, not per request")
	close(g.release)
	require.Eventually(t, func() bool { return r.count(processed) == 2 }, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, []any{"1", "2"}, r.syncedItems())
}

// A worker syncs the events queued behind the one it takes together, in
// their order.
func TestQueuedEventsAreSyncedTogether(t *testing.T) {
	g := &gated{started: make(chan string, 10), release: make(chan struct{})}
	r := newRig(t, g, Options{Workers: 1, Timeout: time.Minute, DrainBound: time.Second})
	require.Equal(t, http.StatusAccepted, r.post(t, `{"n":"1"}`))
	<-g.started // the worker holds the first event
	for _, n := range []string{"2", "3", "4", "5"} {
		require.Equal(t, http.StatusAccepted, r.post(t, `{"n":"`+n+`"}`))
	}
	close(g.release)
	require.Eventually(t, func() bool { return r.count(processed) == 5 }, 10*time.Second, 5*time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	assert.Equal(t, []any{"1", "2", "3", "4", "5"}, r.synced)
	assert.Equal(t, []int{1, 4}, r.batches)
}

func TestShutdownDrainsTheQueue(t *testing.T) {
	g := &gated{started: make(chan string, 10), release: make(chan struct{})}
	r := newRig(t, g, Options{Workers: 2, Timeout: time.Minute, DrainBound: 10 * time.Second})
	for _, n := range []string{"1", "2", "3", "4"} {
		require.Equal(t, http.StatusAccepted, r.post(t, `{"key":"a","n":"`+n+`"}`))
	}
	<-g.started
	r.cancel()
	require.Eventually(t, func() bool { return r.post(t, `{"key":"a","n":"5"}`) == http.StatusServiceUnavailable },
		10*time.Second, 5*time.Millisecond, "a stopping manager queues nothing more")
	close(g.release)
	require.NoError(t, <-r.stopped)
	r.stopped <- nil // for the cleanup
	assert.Equal(t, []any{"1", "2", "3", "4"}, r.synced, "queued events are processed, in order of their key")
	assert.Equal(t, "Webhook events drained", r.logs.LastEntry().Message)
}

func TestShutdownBoundLogsWhatIsLeft(t *testing.T) {
	g := &gated{started: make(chan string, 10), release: make(chan struct{})}
	r := newRig(t, g, Options{Workers: 1, Timeout: time.Minute, DrainBound: 50 * time.Millisecond})
	for _, n := range []string{"1", "2", "3"} {
		require.Equal(t, http.StatusAccepted, r.post(t, `{"n":"`+n+`"}`))
	}
	<-g.started
	r.cancel()
	require.NoError(t, <-r.stopped) // the bound cancels the event in flight
	r.stopped <- nil
	last := r.logs.LastEntry()
	assert.Equal(t, logrus.WarnLevel, last.Level)
	assert.Equal(t, 2, last.Data["left"])
}

func TestRetriesThenFails(t *testing.T) {
	release := make(chan struct{})
	close(release)
	for _, tc := range []struct {
		name    string
		err     error
		retried float64
	}{
		{"retryable", handlers.Retryable(errors.New("busy")), 2},
		{"not retryable", errors.New("broken"), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &gated{started: make(chan string, 10), release: release, fail: tc.err}
			r := newRig(t, g, Options{Workers: 1, Timeout: time.Minute, DrainBound: time.Second})
			require.Equal(t, http.StatusAccepted, r.post(t, `{"n":"1"}`))
			require.Eventually(t, func() bool { return r.count(failed) == 1 }, 10*time.Second, 5*time.Millisecond)
			assert.Equal(t, tc.retried, r.count(retried))
			assert.Empty(t, r.synced, "a failed event syncs nothing")
		})
	}
}

func TestMalformedBodiesAre400(t *testing.T) {
	g := &gated{started: make(chan string, 10), release: make(chan struct{})}
	r := newRig(t, g, Options{Workers: 1, Timeout: time.Minute, DrainBound: time.Second})
	for _, body := range []string{``, `not json`, `[]`, `null`, `{"n":"1"} {}`, `"text"`} {
		assert.Equal(t, http.StatusBadRequest, r.post(t, body), body)
	}
	assert.Equal(t, 6.0, r.count(rejected))
	assert.Zero(t, r.count(accepted))
}

func TestAPanickingProcessorFailsOnlyItsEvent(t *testing.T) {
	release := make(chan struct{})
	close(release)
	g := &gated{started: make(chan string, 10), release: release}
	r := newRig(t, g, Options{Workers: 1, Timeout: time.Minute, DrainBound: time.Second})
	require.Equal(t, http.StatusAccepted, r.post(t, `{"n":1}`))
	require.Equal(t, http.StatusAccepted, r.post(t, `{"n":"2"}`))
	require.Eventually(t, func() bool { return r.count(processed) == 1 && r.count(failed) == 1 }, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, []any{"2"}, r.syncedItems())
}

// hooked records its hooks; Handle fails the first attempt retryably.
type hooked struct {
	gated
	mu    sync.Mutex
	calls []string
}

func (h *hooked) record(s string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, s)
}

func (h *hooked) BeforeProcessing(context.Context, *handlers.WebhookEvent) error {
	h.record("before")
	return nil
}

func (h *hooked) AfterProcessing(context.Context, *handlers.WebhookEvent) error {
	h.record("after")
	return nil
}

func (h *hooked) OnError(_ context.Context, _ *handlers.WebhookEvent, err error) {
	h.record("error: " + err.Error())
}

func (h *hooked) Handle(ctx context.Context, ev *handlers.WebhookEvent, kind string) (handlers.WebhookResults, error) {
	h.mu.Lock()
	first := len(h.calls) == 1
	h.mu.Unlock()
	if first {
		return handlers.WebhookResults{}, handlers.Retryable(errors.New("busy"))
	}
	return h.gated.Handle(ctx, ev, kind)
}

func TestHooksRunAroundHandle(t *testing.T) {
	release := make(chan struct{})
	close(release)
	h := &hooked{gated: gated{started: make(chan string, 10), release: release}}
	r := newRig(t, h, Options{Workers: 1, Timeout: time.Minute, DrainBound: time.Second})
	require.Equal(t, http.StatusAccepted, r.post(t, `{"n":"1"}`))
	require.Eventually(t, func() bool { return r.count(processed) == 1 }, 10*time.Second, 5*time.Millisecond)
	h.mu.Lock()
	defer h.mu.Unlock()
	assert.Equal(t, []string{"before", "error: retryable: busy", "after"}, h.calls)
	assert.Equal(t, []any{"1"}, r.syncedItems())
}

func TestAnEventRunsUnderItsTimeout(t *testing.T) {
	g := &gated{started: make(chan string, 10), release: make(chan struct{})} // never released
	r := newRig(t, g, Options{Workers: 1, Timeout: 50 * time.Millisecond, DrainBound: time.Second})
	require.Equal(t, http.StatusAccepted, r.post(t, `{"n":"1"}`))
	require.Eventually(t, func() bool { return r.count(failed) == 1 }, 10*time.Second, 5*time.Millisecond)
	assert.Contains(t, r.logs.LastEntry().Data[logrus.ErrorKey].(error).Error(), context.DeadlineExceeded.Error())
}

func TestLogEveryLetsOneLinePerSecondThrough(t *testing.T) {
	var l logEvery
	t0 := time.Unix(1000, 0)
	for _, step := range []struct {
		at         time.Duration
		ok         bool
		suppressed int
	}{
		{0, true, 0},
		{100 * time.Millisecond, false, 0},
		{900 * time.Millisecond, false, 0},
		{1100 * time.Millisecond, true, 2},
		{3 * time.Second, true, 0},
	} {
		ok, n := l.allow(t0.Add(step.at))
		assert.Equal(t, step.ok, ok, "at %v", step.at)
		assert.Equal(t, step.suppressed, n, "at %v", step.at)
	}
}
