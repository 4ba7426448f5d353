package port

import (
	"net/http"
	"time"

	"github.com/ocean-go/ocean/clients/retry"
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

// Port's own defaults, where they differ from a third party's (package retry).
const (
	defaultBaseDelay = 300 * time.Millisecond
	defaultMaxDelay  = 300 * time.Second
)

// hintHeaders are the wait hints Port sends (port-api.md §3.3); x-ratelimit-reset
// ≤ 10000 is seconds, larger a UNIX epoch, as Port's docs disagree on which.
var hintHeaders = []string{"Retry-After", "X-Ratelimit-Reset"}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.BaseDelay <= 0 {
		p.BaseDelay = defaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = defaultMaxDelay
	}
	q := p.policy().WithDefaults()
	return RetryPolicy{MaxRetries: q.MaxRetries, BaseDelay: q.BaseDelay, Multiplier: q.Multiplier, Jitter: q.Jitter, MaxDelay: q.MaxDelay}
}

func (p RetryPolicy) policy() retry.Policy {
	return retry.Policy{MaxRetries: p.MaxRetries, BaseDelay: p.BaseDelay, Multiplier: p.Multiplier,
		Jitter: p.Jitter, MaxDelay: p.MaxDelay, HintHeaders: hintHeaders}
}

// backoff is the wait before retry n (n ≥ 1): BaseDelay × Multiplier^(n-1),
// ± Jitter, capped at MaxDelay. rnd returns a value in [0, 1).
func (p RetryPolicy) backoff(n int, rnd func() float64) time.Duration {
	return p.policy().BackoffWith(n, rnd)
}

// wait is the delay before retry n after a response with header h (nil after a
// transport error): the server's hint when there is one, else the backoff.
func (p RetryPolicy) wait(n int, h http.Header, now time.Time) time.Duration {
	return p.policy().Wait(n, h, now)
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
