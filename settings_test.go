package ocean_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/core/resync"
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

// Settings ocean-go cannot act on yet are refused at start, by name.
func TestSettingsWithoutEffectAreRefusedAtStart(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"OCEAN__EVENT_WORKERS_COUNT=4", "OCEAN__EVENT_WORKERS_COUNT (environment): expected it unset (or 1, the default): it configures live events"},
		{"OCEAN__MAX_EVENT_PROCESSING_SECONDS=30", "OCEAN__MAX_EVENT_PROCESSING_SECONDS (environment): expected it unset (or 90, the default)"},
		{"OCEAN__METRICS__ENABLED=true", "set OCEAN__METRICS__WEBHOOK_URL to a URL"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			h := newHarness(t)
			_, err := h.once(tc.env)
			require.ErrorContains(t, err, tc.want)
		})
	}
}
