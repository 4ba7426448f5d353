package port

import (
	"context"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

func TestRetryPolicyDefaults(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	assert.Equal(t, RetryPolicy{MaxRetries: 10, BaseDelay: 300 * time.Millisecond, Multiplier: 2, Jitter: 0.1, MaxDelay: 300 * time.Second}, p)

	none := RetryPolicy{MaxRetries: -1, Jitter: -1}.withDefaults()
	assert.Equal(t, 0, none.MaxRetries)
	assert.Equal(t, 0.0, none.Jitter)
}

// The client's defaults give Ocean's schedule: 300 ms doubling, capped at
// 300 s (the schedule itself is package retry's, tested there).
func TestBackoff(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	mid := func() float64 { return 0.5 } // no jitter
	for n, want := range map[int]time.Duration{1: 300 * time.Millisecond, 2: 600 * time.Millisecond, 11: 300 * time.Second} {
		assert.InDelta(t, float64(want), float64(p.backoff(n, mid)), float64(time.Microsecond), "retry %d", n)
	}
}

func TestRetryHintPrecedenceAndCap(t *testing.T) {
	now := time.Now()
	p := RetryPolicy{MaxDelay: 10 * time.Second}.withDefaults()
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"Retry-After wins", http.Header{"Retry-After": {"2"}, "X-Ratelimit-Reset": {"5"}}, 2 * time.Second},
		{"x-ratelimit-reset next", http.Header{"X-Ratelimit-Reset": {"5"}}, 5 * time.Second},
		{"unparsable Retry-After falls through", http.Header{"Retry-After": {"later"}, "X-Ratelimit-Reset": {"4"}}, 4 * time.Second},
		{"capped at MaxDelay", http.Header{"Retry-After": {"120"}}, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, p.wait(1, tt.header, now))
		})
	}
	// No hint: exponential backoff around BaseDelay.
	d := p.wait(1, http.Header{}, now)
	assert.InDelta(t, float64(300*time.Millisecond), float64(d), float64(30*time.Millisecond))
	assert.InDelta(t, float64(300*time.Millisecond), float64(p.wait(1, nil, now)), float64(30*time.Millisecond))
}

func TestRetryableStatus(t *testing.T) {
	for status, want := range map[int]bool{
		429: true, 408: true, 502: true, 503: true, 504: true,
		400: false, 401: false, 403: false, 404: false, 409: false, 413: false, 422: false, 500: false,
	} {
		assert.Equal(t, want, retryableStatus(status), "status %d", status)
	}
}

// End-to-end resilience against the local Port's injected faults.

func TestBulkUpsertSurvivesFaults(t *testing.T) {
	const n = 1000
	tests := []struct {
		name   string
		faults []localport.Fault
		mod    func(*Config)
		status int // the status the faults answer (0 = timeouts)
	}{
		{name: "429 with Retry-After", status: 429,
			faults: []localport.Fault{{Path: "/v1/blueprints/*/entities/bulk", Status: 429, RetryAfter: time.Second, Fraction: 0.15}}},
		{name: "502", status: 502,
			faults: []localport.Fault{{Path: "/v1/blueprints/*/entities/bulk", Status: 502, Fraction: 0.3}}},
		{name: "503 on every call", status: 503,
			faults: []localport.Fault{{Status: 503, Fraction: 0.3}}},
		{name: "504 and 408", status: 504,
			faults: []localport.Fault{{Status: 504, Fraction: 0.2}, {Status: 408, Fraction: 0.2}}},
		{name: "client timeouts",
			faults: []localport.Fault{{Path: "/v1/blueprints/*/entities/bulk", Latency: 3 * time.Second, Count: 5}},
			mod:    func(c *Config) { c.HTTPClient.Timeout = 300 * time.Millisecond }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mods []func(*Config)
			if tt.mod != nil {
				mods = append(mods, tt.mod)
			}
			env := newEnv(t, nil, mods...)
			ctx := context.Background()
			mustCreateBlueprints(t, env.c, "service")
			for _, f := range tt.faults {
				env.srv.InjectFault(f)
			}
			in := makeEntities("service", "f", n, 300)
			res, err := env.c.UpsertEntities(ctx, in, UpsertOptions{Merge: true})
			require.NoError(t, err)
			for i, r := range res {
				require.NoError(t, r.Err, "entity %d", i)
			}
			ids := storedIDs(t, env.srv, "service")
			assert.Len(t, ids, n, "nothing lost, nothing duplicated")
			slices.Sort(ids)
			assert.Len(t, slices.Compact(ids), n)

			// Reads under the same faults.
			owned := 0
			for page, err := range env.c.OwnedEntities(ctx, time.Time{}) {
				require.NoError(t, err)
				owned += len(page)
			}
			assert.Equal(t, n, owned)

			if tt.status != 0 {
				assert.Positive(t, env.rec.count("POST", "/entities/bulk", tt.status), "the faults fired")
			}
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	_, err := env.c.Organization(ctx) // token first, so only the retried call is timed
	require.NoError(t, err)
	env.c.org.Flush()

	env.srv.InjectFault(localport.Fault{Method: "GET", Path: "/v1/organization", Status: 429, RetryAfter: time.Second, Count: 1})
	start := time.Now()
	_, err = env.c.Organization(ctx)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), time.Second, "waited for Retry-After")
	assert.Equal(t, 1, env.rec.count("GET", "/organization", 429))

	var warned bool
	for _, e := range env.logs.AllEntries() {
		if e.Message == "Retrying Port request" && e.Level == logrus.WarnLevel {
			warned = true
			assert.Equal(t, "GET", e.Data["method"])
			assert.Equal(t, "/organization", e.Data["path"])
			assert.Equal(t, 429, e.Data["status"])
			assert.Equal(t, "1s", e.Data["wait"])
		}
	}
	assert.True(t, warned, "a 429 retry is logged at WARN")
}

func TestNotRetried(t *testing.T) {
	tests := []struct {
		name   string
		method string
		path   string
		status int
		call   func(ctx context.Context, c *Client) error
	}{
		{"PATCH resync state", "PATCH", "/v1/integration/*/resync-state", 503, func(ctx context.Context, c *Client) error {
			_, err := c.PatchResyncState(ctx, ResyncState{Status: "running"})
			return err
		}},
		{"POST blueprint", "POST", "/v1/blueprints", 502, func(ctx context.Context, c *Client) error {
			_, err := c.CreateBlueprint(ctx, serviceBlueprint("svc"))
			return err
		}},
		{"500 on a GET", "GET", "/v1/organization", 500, func(ctx context.Context, c *Client) error {
			_, err := c.Organization(ctx)
			return err
		}},
		{"404 on a GET", "GET", "/v1/blueprints/*", 404, func(ctx context.Context, c *Client) error {
			_, err := c.GetBlueprint(ctx, "svc")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, nil)
			env.srv.InjectFault(localport.Fault{Method: tt.method, Path: tt.path, Status: tt.status})
			err := tt.call(context.Background(), env.c)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			total := 0
			for _, ex := range env.rec.all() {
				if ex.Method == tt.method && ex.Status == tt.status {
					total++
				}
			}
			assert.Equal(t, 1, total)
		})
	}
}

func TestRetriesExhausted(t *testing.T) {
	env := newEnv(t, nil, func(c *Config) { c.Retry.MaxRetries = 2 })
	env.srv.InjectFault(localport.Fault{Method: "GET", Path: "/v1/organization", Status: 503})
	_, err := env.c.Organization(context.Background())
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, 3, env.rec.count("GET", "/organization", 503))

	env.srv.ClearFaults()
	env.srv.InjectFault(localport.Fault{Method: "GET", Path: "/v1/organization", Status: 429})
	_, err = env.c.Organization(context.Background())
	assert.ErrorIs(t, err, ErrRateLimited)
}

func TestCancelInterruptsRetryAfterWait(t *testing.T) {
	env := newEnv(t, nil, func(c *Config) { c.Retry.MaxDelay = time.Minute })
	env.srv.InjectFault(localport.Fault{Method: "GET", Path: "/v1/organization", Status: 429, RetryAfter: 30 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := env.c.Organization(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 2*time.Second, "the wait ended with the context")
	assert.Equal(t, 1, env.rec.count("GET", "/organization", 429))
}

// A wait for the rate limiter that would outlast the deadline fails at once,
// as the deadline would: callers test for it with errors.Is.
func TestLimiterWaitBeyondDeadline(t *testing.T) {
	srv := localporttest.Start(t)
	c, _, _ := newTestClient(t, srv.URL(), func(c *Config) { c.Limiter, c.FixedLimit = rate.NewLimiter(0.1, 2), true })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := c.ProvisionEnabled(ctx) // the token request and this call take the burst
	require.NoError(t, err)
	start := time.Now()
	_, err = c.ProvisionEnabled(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), time.Second, "no wait for a deadline that cannot be met")
}

func TestLimiterSharedBetweenClients(t *testing.T) {
	srv := localporttest.Start(t)
	shared := rate.NewLimiter(40, 1)
	mod := func(c *Config) { c.Limiter, c.FixedLimit = shared, true }
	a, _, _ := newTestClient(t, srv.URL(), mod)
	b, _, _ := newTestClient(t, srv.URL(), mod)
	ctx := context.Background()
	// Warm up both tokens, then time 20 calls per client.
	for _, c := range []*Client{a, b} {
		_, err := c.ProvisionEnabled(ctx)
		require.NoError(t, err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for _, c := range []*Client{a, b} {
		wg.Go(func() {
			for range 20 {
				_, err := c.ProvisionEnabled(ctx)
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	// 40 requests at 40/s with a burst of 1 take at least 39/40 s together;
	// each client alone would have needed about half of that.
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond)
}

// A caller that gives up while Port is unreachable learns why the attempts
// failed, not only that its deadline passed.
func TestGivingUpSaysWhy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now
	c, _, _ := newTestClient(t, "http://"+addr, func(c *Config) {
		c.Retry = RetryPolicy{BaseDelay: 50 * time.Millisecond, MaxDelay: 200 * time.Millisecond, MaxRetries: 100}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err = c.ProvisionEnabled(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "connection refused")
}
