package port

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRetryPolicyDefaults(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	assert.Equal(t, RetryPolicy{MaxRetries: 10, BaseDelay: 300 * time.Millisecond, Multiplier: 2, Jitter: 0.1, MaxDelay: 300 * time.Second}, p)

	none := RetryPolicy{MaxRetries: -1, Jitter: -1}.withDefaults()
	assert.Equal(t, 0, none.MaxRetries)
	assert.Equal(t, 0.0, none.Jitter)
}

func TestBackoff(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	mid := func() float64 { return 0.5 } // no jitter
	low := func() float64 { return 0 }  // -10 %
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
		{50, mid, 300 * time.Second},
		{2000, mid, 300 * time.Second}, // overflow to +Inf is capped too
		{1, low, 270 * time.Millisecond},
		{1, high, 330 * time.Millisecond},
	}
	for _, tt := range tests {
		got := p.backoff(tt.n, tt.rnd)
		assert.InDelta(t, float64(tt.want), float64(got), float64(time.Microsecond), "retry %d", tt.n)
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
			got, ok := parseHint(tt.value, now)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
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
			assert.Equal(t, tt.want, p.wait(1, &http.Response{Header: tt.header}, now))
		})
	}
	// No hint: exponential backoff around BaseDelay.
	d := p.wait(1, &http.Response{Header: http.Header{}}, now)
	assert.InDelta(t, float64(300*time.Millisecond), float64(d), float64(30*time.Millisecond))
	assert.InDelta(t, float64(300*time.Millisecond), float64(p.wait(1, nil, now)), float64(30*time.Millisecond))
}

func TestRetryableStatusAndMethods(t *testing.T) {
	for status, want := range map[int]bool{
		429: true, 408: true, 502: true, 503: true, 504: true,
		400: false, 401: false, 403: false, 404: false, 409: false, 413: false, 422: false, 500: false,
	} {
		assert.Equal(t, want, retryableStatus(status), "status %d", status)
	}
	for method, want := range map[string]bool{
		"GET": true, "HEAD": true, "PUT": true, "DELETE": true, "OPTIONS": true, "POST": false, "PATCH": false,
	} {
		assert.Equal(t, want, idempotent(method), method)
	}
}
