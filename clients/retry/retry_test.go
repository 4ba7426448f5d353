package retry_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/ocean-go/ocean/clients/retry"
)

func TestWithDefaults(t *testing.T) {
	assert.Equal(t, retry.Policy{
		MaxRetries: 10, BaseDelay: 500 * time.Millisecond, Multiplier: 2, Jitter: 0.1,
		MaxDelay: 60 * time.Second, HintHeaders: retry.DefaultHintHeaders,
	}, retry.Policy{}.WithDefaults())

	none := retry.Policy{MaxRetries: -1, Jitter: -1, Multiplier: 0.5}.WithDefaults()
	assert.Equal(t, 0, none.MaxRetries)
	assert.Equal(t, 0.0, none.Jitter)
	assert.Equal(t, 2.0, none.Multiplier, "a shrinking backoff is refused")
}

func TestBackoff(t *testing.T) {
	p := retry.Policy{BaseDelay: 300 * time.Millisecond, MaxDelay: 300 * time.Second}.WithDefaults()
	mid := func() float64 { return 0.5 }
	low := func() float64 { return 0 }
	high := func() float64 { return 0.999999999 }
	tests := []struct {
		n    int
		rnd  func() float64
		want time.Duration
	}{
		{1, mid, 300 * time.Millisecond},
		{2, mid, 600 * time.Millisecond},
		{3, mid, 1200 * time.Millisecond},
		{10, mid, 153600 * time.Millisecond},
		{11, mid, 300 * time.Second}, // 307.2 s capped
		{2000, mid, 300 * time.Second},
		{1, low, 270 * time.Millisecond},
		{1, high, 330 * time.Millisecond},
	}
	for _, tt := range tests {
		got := p.BackoffWith(tt.n, tt.rnd)
		assert.InDelta(t, float64(tt.want), float64(got), float64(time.Microsecond), "retry %d", tt.n)
	}
	for n := 1; n < 20; n++ {
		d := p.Backoff(n)
		assert.LessOrEqual(t, d, p.MaxDelay)
		assert.Positive(t, d)
	}
}

func TestParseHint(t *testing.T) {
	now := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		value string
		want  time.Duration
		ok    bool
	}{
		{"seconds", "3", 3 * time.Second, true},
		{"zero", "0", 0, true},
		{"fraction", "1.5", 1500 * time.Millisecond, true},
		{"10000 is still seconds", "10000", 10000 * time.Second, true},
		{"epoch in the future", strconv.FormatInt(now.Unix()+7, 10), 7 * time.Second, true},
		{"epoch in the past", strconv.FormatInt(now.Unix()-60, 10), 0, true},
		{"negative", "-5", 0, true},
		{"http date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"iso date", now.Add(2 * time.Second).Format(time.RFC3339Nano), 2 * time.Second, true},
		{"iso date with offset", "2025-01-01T12:00:05+02:00", 5 * time.Second, true},
		{"garbage", "soon", 0, false},
		{"NaN", "NaN", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := retry.ParseHint(tt.value, now)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestWaitPrefersTheServersHint(t *testing.T) {
	now := time.Now()
	p := retry.Policy{MaxDelay: 10 * time.Second, Jitter: -1}.WithDefaults()
	tests := []struct {
		name   string
		policy retry.Policy
		header http.Header
		want   time.Duration
	}{
		{"Retry-After first", p, http.Header{"Retry-After": {"2"}, "X-Ratelimit-Reset": {"5"}}, 2 * time.Second},
		{"X-RateLimit-Reset next", p, http.Header{"X-Ratelimit-Reset": {"5"}}, 5 * time.Second},
		{"RateLimit-Reset last", p, http.Header{"Ratelimit-Reset": {"4"}}, 4 * time.Second},
		{"an unreadable hint falls through", p, http.Header{"Retry-After": {"later"}, "X-Ratelimit-Reset": {"4"}}, 4 * time.Second},
		{"capped at MaxDelay", p, http.Header{"Retry-After": {"120"}}, 10 * time.Second},
		{"no hint: backoff", p, http.Header{}, 500 * time.Millisecond},
		{"after a transport error: backoff", p, nil, 500 * time.Millisecond},
		{"headers of the policy only", func() retry.Policy { q := p; q.HintHeaders = []string{"Retry-After"}; return q }(),
			http.Header{"Ratelimit-Reset": {"4"}}, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.policy.Wait(1, tt.header, now))
		})
	}
}

func TestExhausted(t *testing.T) {
	for _, tt := range []struct {
		header http.Header
		want   bool
	}{
		{http.Header{"X-Ratelimit-Remaining": {"0"}}, true},
		{http.Header{"Ratelimit-Remaining": {" 0 "}}, true},
		{http.Header{"X-Ratelimit-Remaining": {"12"}}, false},
		{http.Header{}, false},
		{nil, false},
	} {
		assert.Equal(t, tt.want, retry.Exhausted(tt.header), "%v", tt.header)
	}
}

func TestIdempotent(t *testing.T) {
	for method, want := range map[string]bool{
		"GET": true, "HEAD": true, "PUT": true, "DELETE": true, "OPTIONS": true, "TRACE": true,
		"POST": false, "PATCH": false,
	} {
		assert.Equal(t, want, retry.Idempotent(method), method)
	}
}

func TestSleepEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, retry.Sleep(ctx, time.Hour), context.Canceled)
	assert.ErrorIs(t, retry.Sleep(ctx, 0), context.Canceled, "no wait still says the context is done")
	assert.NoError(t, retry.Sleep(context.Background(), time.Millisecond))
	assert.False(t, errors.Is(retry.Sleep(context.Background(), 0), context.Canceled))
}
