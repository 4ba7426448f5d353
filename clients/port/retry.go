package port

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy controls retries of retryable requests (see the package doc).
// Zero fields take the defaults noted on each field.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt; default 10, negative = none
	BaseDelay  time.Duration // wait before retry 1; default 300 ms
	Multiplier float64       // growth per retry; default 2
	Jitter     float64       // ± fraction of each wait; default 0.1, negative = none
	MaxDelay   time.Duration // cap of any wait, server hints included; default 300 s
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxRetries == 0 {
		p.MaxRetries = 10
	}
	if p.MaxRetries < 0 {
		p.MaxRetries = 0
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 300 * time.Millisecond
	}
	if p.Multiplier < 1 {
		p.Multiplier = 2
	}
	if p.Jitter == 0 {
		p.Jitter = 0.1
	}
	if p.Jitter < 0 {
		p.Jitter = 0
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 300 * time.Second
	}
	return p
}

// backoff is the wait before retry n (n ≥ 1): BaseDelay × Multiplier^(n-1),
// ± Jitter, capped at MaxDelay. rnd returns a value in [0, 1).
func (p RetryPolicy) backoff(n int, rnd func() float64) time.Duration {
	d := float64(p.BaseDelay) * math.Pow(p.Multiplier, float64(n-1))
	d *= 1 + p.Jitter*(2*rnd()-1)
	if d > float64(p.MaxDelay) || math.IsInf(d, 0) || math.IsNaN(d) {
		return p.MaxDelay
	}
	return time.Duration(d)
}

// wait is the delay before retry n after a response with header h (nil after a
// transport error): the server's hint when there is one, else the backoff.
func (p RetryPolicy) wait(n int, h http.Header, now time.Time) time.Duration {
	if d, ok := retryHint(h, now); ok {
		return min(d, p.MaxDelay)
	}
	return p.backoff(n, rand.Float64)
}

// retryHint reads Retry-After, then x-ratelimit-reset. A number ≤ 10000 is
// seconds to wait, a larger one a UNIX epoch (Port's docs disagree on which it
// sends, port-api.md §3.3); otherwise an HTTP or ISO-8601 date. A past instant
// means no wait.
func retryHint(h http.Header, now time.Time) (time.Duration, bool) {
	for _, name := range []string{"Retry-After", "X-Ratelimit-Reset"} {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			if d, ok := parseHint(v, now); ok {
				return d, true
			}
		}
	}
	return 0, false
}

func parseHint(v string, now time.Time) (time.Duration, bool) {
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		if f <= 10000 {
			return max(time.Duration(f*float64(time.Second)), 0), true
		}
		at := time.Unix(0, int64(f*float64(time.Second)))
		return max(at.Sub(now), 0), true
	}
	for _, parse := range []func(string) (time.Time, error){
		http.ParseTime,
		func(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) },
	} {
		if t, err := parse(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	return 0, false
}

// retryableStatus lists the statuses worth another attempt (Ocean's set minus
// 401, which is handled by a token refresh instead).
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusRequestTimeout,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// idempotent methods are retried without being marked retryable.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
