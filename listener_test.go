package ocean_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/localport"
)

// sailing is an App sailing in the background until the test ends.
type sailing struct {
	t      *testing.T
	app    *ocean.App
	cancel context.CancelFunc
	done   chan error
}

func (h *harness) sail(app *ocean.App) *sailing {
	ctx, cancel := context.WithCancel(context.Background())
	s := &sailing{t: h.t, app: app, cancel: cancel, done: make(chan error, 1)}
	zero := 0
	go func() { s.done <- app.Sail(ctx, ocean.SailOptions{Port: &zero, SummaryOut: io.Discard}) }()
	h.t.Cleanup(func() { _ = s.stop() })
	return s
}

// stop ends Sail and returns its error (once; later calls return nil).
func (s *sailing) stop() error {
	s.cancel()
	select {
	case err, ok := <-s.done:
		if ok {
			close(s.done)
		}
		return err
	case <-time.After(30 * time.Second):
		s.t.Fatal("Sail did not return after its context ended")
		return nil
	}
}

// call sends a request to the App's HTTP server and decodes its JSON answer
// (nil when the answer is not JSON).
func (s *sailing) call(method, path string) (int, map[string]any) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.app.URL()+path, nil)
	require.NoError(s.t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	var body map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		require.NoError(s.t, json.NewDecoder(resp.Body).Decode(&body))
	}
	return resp.StatusCode, body
}

func (s *sailing) waitReady() {
	s.t.Helper()
	<-s.app.Ready()
	require.Eventually(s.t, func() bool {
		status, _ := s.call(http.MethodGet, "/health/ready")
		return status == http.StatusOK
	}, 10*time.Second, 10*time.Millisecond, "/health/ready answers 200 once the listener runs")
}

// /health/ready tells an orchestrator not to route traffic, or count the pod
// ready, before the integration exists in Port and listens.
func TestReadyOnlyOnceInitialisedAndListening(t *testing.T) {
	h := newHarness(t)
	// Port is slow to answer whether the integration exists: start-up waits on it.
	h.port.InjectFault(localport.Fault{Method: http.MethodGet, Path: "/v1/integration/*", Latency: 2 * time.Second, Count: 1})
	s := h.sail(h.newApp("OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY"))
	require.Eventually(t, func() bool { return s.app.URL() != "" }, 10*time.Second, 5*time.Millisecond)

	status, body := s.call(http.MethodGet, "/health/ready")
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, "unhealthy", body["status"])
	assert.Contains(t, body["reason"], "initialising")
	status, _ = s.call(http.MethodGet, "/health/live")
	assert.Equal(t, http.StatusOK, status, "alive while it starts")

	s.waitReady()
	_, body = s.call(http.MethodGet, "/health/ready")
	assert.Equal(t, "healthy", body["status"])
	require.NoError(t, s.stop())
}

// WEBHOOK: Port calls POST {app_host}/resync, the changelog destination the
// integration registers, and the request is answered when the resync ends.
func TestWebhookListenerResyncsOnPost(t *testing.T) {
	h := newHarness(t)
	s := h.sail(h.newApp(`OCEAN__EVENT_LISTENER={"type":"WEBHOOK","app_host":"https://shop.example.com"}`))
	s.waitReady()
	assert.Equal(t, map[string]any{"type": "WEBHOOK", "url": "https://shop.example.com/resync"},
		h.integration().ChangelogDestination)
	assert.Empty(t, h.entities("member"), "no resync before Port asks for one")

	status, body := s.call(http.MethodPost, "/resync")
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, true, body["ok"])
	assert.Equal(t, "completed", body["status"])
	assert.NotEmpty(t, body["eventId"])
	assert.Len(t, h.entities("member"), 3)
	assert.Equal(t, "completed", h.integration().ResyncState.Status)

	h.src.mu.Lock()
	h.src.fail["member"] = assert.AnError
	h.src.mu.Unlock()
	status, body = s.call(http.MethodPost, "/resync")
	assert.Equal(t, http.StatusInternalServerError, status, "a failed resync is not a success")
	assert.Equal(t, "failed", body["status"])
	require.NoError(t, s.stop())
}

// WEBHOOKS_ONLY serves the integration's routes and never resyncs, so it
// needs no resync handler.
func TestWebhooksOnlyNeverResyncs(t *testing.T) {
	h := newHarness(t)
	s := h.sail(h.bareApp("OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY"))
	s.waitReady()
	status, _ := s.call(http.MethodPost, "/resync")
	assert.Equal(t, http.StatusNotFound, status, "no resync route")
	require.NoError(t, s.stop())
	if state := h.integration().ResyncState; state != nil {
		assert.Empty(t, state.Status, "no resync state was ever reported")
	}
}

// Shutting down mid-resync aborts it: Port shows it aborted and nothing is
// deleted on the strength of a partial extract.
func TestShutdownMidResyncReportsAbortedAndDeletesNothing(t *testing.T) {
	h := newHarness(t)
	_, err := h.once()
	require.NoError(t, err)
	require.Len(t, h.entities("member"), 3)

	gate, waiting := make(chan struct{}), make(chan struct{}, 1)
	defer close(gate)
	h.src.mu.Lock()
	h.src.gate, h.src.waiting = gate, waiting
	h.src.mu.Unlock()
	h.src.set("member") // were the resync to finish, every member would be deleted
	s := h.sail(h.newApp("OCEAN__EVENT_LISTENER__TYPE=POLLING", "OCEAN__EVENT_LISTENER__INTERVAL=3600"))
	select {
	case <-waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("the resync on start never reached the member handler")
	}
	assert.Equal(t, "running", h.integration().ResyncState.Status)

	require.NoError(t, s.stop())
	assert.Equal(t, "aborted", h.integration().ResyncState.Status)
	assert.Len(t, h.entities("member"), 3, "nothing deleted")
	assert.Contains(t, h.logs.String(), "aborted")
}
