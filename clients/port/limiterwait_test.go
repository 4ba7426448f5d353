package port

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

func TestEndpoint(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"POST", "/blueprints/team/entities/bulk", "POST /blueprints/team/entities/bulk"},
		{"POST", "/blueprints/team/entities", "POST /blueprints/team/entities"},
		{"DELETE", "/blueprints/team/entities/red", "DELETE /blueprints/team/entities/{identifier}"},
		{"POST", "/entities/search", "POST /entities/search"},
		{"POST", "/blueprints/entities/datasource-entities", "POST /blueprints/entities/datasource-entities"},
		{"GET", "/migrations/m-1", "GET /migrations/{id}"},
		{"PATCH", "/integration/shop/resync-state", "PATCH /integration/shop/resync-state"},
		{"POST", "/auth/access_token", "POST /auth/access_token"},
	} {
		assert.Equal(t, tc.want, Endpoint(tc.method, tc.path), tc.path)
	}
}

// Every API request tells LimiterWait how long it waited; a limiter of one
// request per minute after a burst of 2 makes the third wait until its ctx ends.
func TestLimiterWaitIsReportedPerEndpoint(t *testing.T) {
	var mu sync.Mutex
	waits := map[string][]time.Duration{}
	env := newEnv(t, nil, func(c *Config) {
		c.Limiter, c.FixedLimit = rate.NewLimiter(rate.Every(time.Minute), 2), true
		c.LimiterWait = func(_ context.Context, endpoint string, waited time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			waits[endpoint] = append(waits[endpoint], waited)
		}
	})
	_, err := env.c.GetBlueprint(context.Background(), "nope") // the token call, then the GET
	require.Error(t, err, "there is no such blueprint")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = env.c.GetBlueprint(ctx, "nope")
	require.ErrorIs(t, err, context.Canceled, "the third request waits on the limiter until its ctx ends")

	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, waits["POST /auth/access_token"], 1)
	assert.Len(t, waits["GET /blueprints/nope"], 2, "the waited-in-vain request is reported too")
	for endpoint, ds := range waits {
		for _, d := range ds {
			assert.GreaterOrEqual(t, d, time.Duration(0), endpoint)
		}
	}
}

// Timeout bounds one attempt of a request: the server sees its request given
// up on.
func TestTimeoutBoundsARequest(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	gaveUp := make(chan struct{}, 16)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // the server notices a closed connection only then
		select {
		case <-r.Context().Done():
			gaveUp <- struct{}{}
		case <-time.After(30 * time.Second):
		}
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	cfg := validConfig()
	cfg.BaseURL = "http://" + ln.Addr().String()
	cfg.Timeout = 50 * time.Millisecond
	cfg.Retry = RetryPolicy{MaxRetries: -1}
	c, err := New(cfg)
	require.NoError(t, err)
	err = c.PostHeartbeat(context.Background(), cfg.BaseURL+"/metrics", "ev-1")
	require.Error(t, err)
	select {
	case <-gaveUp:
	case <-time.After(20 * time.Second):
		t.Fatal("the server never saw the client give up")
	}
}
