package ocean_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/localport"
)

// OCEAN__CLIENT_TIMEOUT bounds each request to Port: a Port that does not
// answer the resync-state report is given up on, and the resync goes on.
func TestClientTimeoutBoundsPortRequests(t *testing.T) {
	h := newHarness(t)
	target, err := url.Parse(h.port.URL())
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	gaveUp := make(chan struct{}, 4)
	slow := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/resync-state") {
			_, _ = io.Copy(io.Discard, r.Body) // the server notices a closed connection once the body is read
			select {
			case <-r.Context().Done():
				gaveUp <- struct{}{}
			case <-time.After(30 * time.Second):
			}
			return
		}
		proxy.ServeHTTP(w, r)
	})}
	ln := listen(t)
	go func() { _ = slow.Serve(ln) }()
	t.Cleanup(func() { _ = slow.Close() })

	sum, err := h.once("OCEAN__CLIENT_TIMEOUT=1", "OCEAN__PORT__BASE_URL=http://"+ln.Addr().String())
	require.NoError(t, err)
	assert.Equal(t, resync.Completed, sum.Status)
	assert.Len(t, gaveUp, 2, "both resync-state reports were given up on")
	assert.Contains(t, h.logs.String(), "Could not report the resync as running")
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

// Settings that cannot take effect are refused at start, by name.
func TestSettingsWithoutEffectAreRefusedAtStart(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"OCEAN__EVENT_WORKERS_COUNT=0", "OCEAN__EVENT_WORKERS_COUNT (environment)"},
		{"OCEAN__MAX_EVENT_PROCESSING_SECONDS=soon", "OCEAN__MAX_EVENT_PROCESSING_SECONDS (environment)"},
		{"OCEAN__METRICS__ENABLED=true", "set OCEAN__METRICS__WEBHOOK_URL to a URL"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			h := newHarness(t)
			_, err := h.once(tc.env)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// proxyPort serves the harness's Port through a proxy that can change its
// answers; the harness's env then points at the proxy.
func proxyPort(t *testing.T, h *harness, modify func(*http.Response) error) string {
	t.Helper()
	target, err := url.Parse(h.port.URL())
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = modify
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: proxy}
	ln := listen(t)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "OCEAN__PORT__BASE_URL=http://" + ln.Addr().String()
}

// An integration without ingest URLs gets no sync metrics and no logs; the
// resync runs as usual.
func TestNoIngestURLsNoReports(t *testing.T) {
	h := newHarness(t)
	base := proxyPort(t, h, func(resp *http.Response) error {
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/v1/integration") {
			return nil
		}
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			return err
		}
		_ = resp.Body.Close()
		if integ, ok := body["integration"].(map[string]any); ok {
			delete(integ, "metricAttributes")
			delete(integ, "logAttributes")
		}
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		resp.ContentLength = int64(len(b))
		resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	})
	sum, err := h.once(base, "OCEAN__STATUS_HEARTBEAT_INTERVAL_SECONDS=1")
	require.NoError(t, err)
	assert.Equal(t, 5, sum.Totals().Created)
	sinks := h.port.Sinks()
	for _, name := range []string{localport.SinkSyncMetrics, localport.SinkKindMetrics, localport.SinkHeartbeat, localport.SinkLogs} {
		assert.Zero(t, sinks[name].Count, name)
	}
	assert.NotContains(t, h.logs.String(), "Could not report", "nothing to report to is not a failure")
}
