package port

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
)

// A local Port says what it is: the client stops rationing its requests,
// unless its limit is fixed. A limiter of one request a minute would
// otherwise fail the third request at once, its wait outlasting the deadline.
func TestLocalPortLiftsTheLimit(t *testing.T) {
	srv := localporttest.Start(t)
	for _, fixed := range []bool{false, true} {
		t.Run("fixed="+strconv.FormatBool(fixed), func(t *testing.T) {
			lim := rate.NewLimiter(rate.Every(time.Minute), 2) // the token call and the first
			c, _, _ := newTestClient(t, srv.URL(), func(c *Config) { c.Limiter, c.FixedLimit = lim, fixed })
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var err error
			for range 3 {
				if _, err = c.ProvisionEnabled(ctx); err != nil {
					break
				}
			}
			if fixed {
				require.ErrorIs(t, err, context.DeadlineExceeded)
				assert.Equal(t, rate.Every(time.Minute), lim.Limit())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, rate.Inf, lim.Limit())
		})
	}
}

// portWindow stands for Port: the local Port behind a proxy that answers as
// Port does, with its rate-limit headers and without the local Port's mark.
type portWindow struct {
	remaining atomic.Int64
	reset     atomic.Int64 // seconds until the window resets
}

func (w *portWindow) start(t *testing.T) string {
	target, err := url.Parse(localporttest.Start(t).URL())
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(r *http.Response) error {
		r.Header.Del(localport.LocalPortHeader)
		r.Header.Set("X-Ratelimit-Limit", "35000")
		r.Header.Set("X-Ratelimit-Period", "300")
		r.Header.Set("X-Ratelimit-Remaining", strconv.FormatInt(w.remaining.Load(), 10))
		r.Header.Set("X-Ratelimit-Reset", strconv.FormatInt(w.reset.Load(), 10))
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Against Port the limit given stays the ceiling; Port's headers slow the
// client when the requests left would not last until the window resets, and
// let it back up when they would.
func TestPortsRateLimitHeadersPaceTheClient(t *testing.T) {
	var w portWindow
	w.remaining.Store(30000)
	w.reset.Store(300)
	base := w.start(t)
	for _, tc := range []struct {
		name             string
		fixed            bool
		remaining, reset int64
		limit            rate.Limit
		burst            int
	}{
		{"plenty left: the limit given", false, 30000, 300, 100, 50},
		{"little left: spread until the reset", false, 500, 10, 50, 50},
		{"less left: a burst no larger", false, 20, 1, 20, 20},
		{"none left: a tenth of the limit given, one at a time", false, 0, 100, 10, 1},
		{"the window reset: back to the limit given", false, 35000, 0, 100, 50},
		{"fixed: as given, whatever Port says", true, 20, 10, 100, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := rate.NewLimiter(100, 50)
			c, _, _ := newTestClient(t, base, func(c *Config) { c.Limiter, c.FixedLimit = lim, tc.fixed })
			w.remaining.Store(tc.remaining)
			w.reset.Store(tc.reset)
			_, err := c.ProvisionEnabled(context.Background()) // the token call, then this one
			require.NoError(t, err)
			assert.InDelta(t, float64(tc.limit), float64(lim.Limit()), 1e-9)
			assert.Equal(t, tc.burst, lim.Burst())
		})
	}
}
