package retry

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Defaults of a zero Policy.
const (
	DefaultMaxRetries = 10
	DefaultBaseDelay  = 500 * time.Millisecond
	DefaultMultiplier = 2
	DefaultJitter     = 0.1
	DefaultMaxDelay   = 60 * time.Second
)

// DefaultHintHeaders are read, in order, for the wait a server asks for:
// Retry-After (RFC 9110), then the reset of a rate-limit window as GitHub,
// Port and most APIs send it, then the IETF draft's RateLimit-Reset.
var DefaultHintHeaders = []string{"Retry-After", "X-RateLimit-Reset", "RateLimit-Reset"}

// Policy says how many times to retry and how long to wait before each retry.
// Zero fields take the defaults noted on each field.
type Policy struct {
	MaxRetries int           // retries after the first attempt; default 10, negative = none
	BaseDelay  time.Duration // wait before retry 1; default 500 ms
	Multiplier float64       // growth per retry; default 2 (values below 1 too)
	Jitter     float64       // ± fraction of each wait; default 0.1, negative = none
	MaxDelay   time.Duration // cap of any wait, server hints included; default 60 s
	// HintHeaders are read in order for a server's wait; nil = DefaultHintHeaders.
	HintHeaders []string
}

// WithDefaults returns p with its zero fields set to the defaults.
func (p Policy) WithDefaults() Policy {
	if p.MaxRetries == 0 {
		p.MaxRetries = DefaultMaxRetries
	}
	if p.MaxRetries < 0 {
		p.MaxRetries = 0
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.Multiplier < 1 {
		p.Multiplier = DefaultMultiplier
	}
	if p.Jitter == 0 {
		p.Jitter = DefaultJitter
	}
	if p.Jitter < 0 {
		p.Jitter = 0
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.HintHeaders == nil {
		p.HintHeaders = DefaultHintHeaders
	}
	return p
}

// Backoff is the wait before retry n (n ≥ 1) of a policy with defaults
// applied: BaseDelay × Multiplier^(n-1), ± Jitter, capped at MaxDelay.
func (p Policy) Backoff(n int) time.Duration { return p.BackoffWith(n, rand.Float64) }

// BackoffWith is Backoff with the jitter drawn from rnd, which returns a value
// in [0, 1) (0.5 means no jitter): tests pin it.
func (p Policy) BackoffWith(n int, rnd func() float64) time.Duration {
	d := float64(p.BaseDelay) * math.Pow(p.Multiplier, float64(n-1))
	d *= 1 + p.Jitter*(2*rnd()-1)
	if d > float64(p.MaxDelay) || math.IsInf(d, 0) || math.IsNaN(d) {
		return p.MaxDelay
	}
	return time.Duration(d)
}

// Wait is the delay before retry n after a response with header h (nil after
// a transport error): the server's hint capped at MaxDelay when there is one,
// else the backoff. p must have its defaults applied.
func (p Policy) Wait(n int, h http.Header, now time.Time) time.Duration {
	if d, ok := Hint(h, now, p.HintHeaders...); ok {
		return min(d, p.MaxDelay)
	}
	return p.Backoff(n)
}

// Hint reads the first of the named headers (DefaultHintHeaders when none are
// named) that holds a wait ParseHint understands.
func Hint(h http.Header, now time.Time, names ...string) (time.Duration, bool) {
	if len(names) == 0 {
		names = DefaultHintHeaders
	}
	for _, name := range names {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			if d, ok := ParseHint(v, now); ok {
				return d, true
			}
		}
	}
	return 0, false
}

// epochThreshold tells a number of seconds to wait from a UNIX epoch: APIs
// disagree on which a reset header holds (Port's own docs do, port-api.md
// §3.3), and no server asks for a wait of more than ~2.8 hours.
const epochThreshold = 10000

// ParseHint reads one header value: a number ≤ 10000 is seconds to wait, a
// larger one a UNIX epoch; otherwise an HTTP or ISO-8601 date. A past instant
// means no wait.
func ParseHint(v string, now time.Time) (time.Duration, bool) {
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		if f <= epochThreshold {
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

// Exhausted reports whether h says the rate-limit window has no request left
// (X-RateLimit-Remaining or RateLimit-Remaining is 0): GitHub answers 403, not
// 429, in that state, and a 2xx saying it means the next request will fail.
func Exhausted(h http.Header) bool {
	for _, name := range []string{"X-RateLimit-Remaining", "RateLimit-Remaining"} {
		if strings.TrimSpace(h.Get(name)) == "0" {
			return true
		}
	}
	return false
}

// Idempotent reports whether a request of this method may be repeated
// without being marked safe to repeat.
func Idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// Sleep waits d, or until ctx is done (then it returns ctx.Err()).
func Sleep(ctx context.Context, d time.Duration) error {
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
