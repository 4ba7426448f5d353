package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// WebhookEvent is one request to a webhook path, as the processors see it.
type WebhookEvent struct {
	ID         string         // the event id the route answered with
	Path       string         // the path under /integration it was posted to
	Payload    map[string]any // the JSON body, numbers as json.Number
	Body       []byte         // the raw body, for signature checks
	Headers    http.Header
	ReceivedAt time.Time
}

// WebhookResults are the raw items an event changed: Updated are mapped and
// upserted (the entities their selector rejects are deleted if owned),
// Deleted are mapped and their entities deleted.
type WebhookResults struct {
	Updated []any
	Deleted []any
}

// WebhookProcessor handles the events of a webhook path. ShouldProcess,
// Authenticate and Validate run in the request, before the event is queued:
// an Authenticate error answers 401, a Validate error 400. Handle runs later,
// in a worker, once for each kind of Kinds the mapping has, under the event's
// timeout (OCEAN__MAX_EVENT_PROCESSING_SECONDS, retries included).
//
// A processor may also implement GroupKeyer (events of one key are processed
// in arrival order), Signed (an HMAC signature checked before Authenticate),
// Retrier (its own retry policy), and the hooks BeforeHook, AfterHook and
// ErrorHook.
type WebhookProcessor interface {
	ShouldProcess(ev *WebhookEvent) bool
	Kinds(ev *WebhookEvent) []string
	Authenticate(ctx context.Context, ev *WebhookEvent) error
	Validate(ev *WebhookEvent) error
	Handle(ctx context.Context, ev *WebhookEvent, kind string) (WebhookResults, error)
}

// GroupKeyer gives an event's group key (a repository id, an item id):
// events of one key are processed one at a time in arrival order, events of
// different keys in parallel. "" means the event has no group.
type GroupKeyer interface {
	GroupKey(ev *WebhookEvent) string
}

// Signed is a processor whose events must carry a valid signature. It fails
// closed: while the signature's secret is empty every event is refused (401),
// and the integration says so once at start.
type Signed interface {
	Signature(ctx context.Context) Signature
}

// Retrier gives a processor's retry policy; without it, DefaultRetryPolicy.
type Retrier interface {
	RetryPolicy() RetryPolicy
}

// BeforeHook runs before Handle, once per kind.
type BeforeHook interface {
	BeforeProcessing(ctx context.Context, ev *WebhookEvent) error
}

// AfterHook runs after Handle succeeded and its results were synced.
type AfterHook interface {
	AfterProcessing(ctx context.Context, ev *WebhookEvent) error
}

// ErrorHook is told every failed attempt of Handle, retried or not.
type ErrorHook interface {
	OnError(ctx context.Context, ev *WebhookEvent, err error)
}

// RetryableError marks an error of Handle worth retrying (a rate limit, a
// timeout of the third-party API); other errors fail the event at once.
type RetryableError struct{ Err error }

func (e *RetryableError) Error() string { return "retryable: " + e.Err.Error() }
func (e *RetryableError) Unwrap() error { return e.Err }

// Retryable wraps err as a RetryableError.
func Retryable(err error) error { return &RetryableError{Err: err} }

// IsRetryable reports whether err, or an error it wraps, is a RetryableError.
func IsRetryable(err error) bool {
	var r *RetryableError
	return errors.As(err, &r)
}

// RetryPolicy says how often, and after which delays, a retryable error of
// Handle is retried: the n-th retry (from 0) waits
// min(InitialDelay × Base^n, MaxDelay).
type RetryPolicy struct {
	MaxRetries   int
	InitialDelay time.Duration
	Base         float64
	MaxDelay     time.Duration
}

// DefaultRetryPolicy is Ocean's: 3 retries after 1 s, 2 s, 4 s, at most 30 s.
var DefaultRetryPolicy = RetryPolicy{MaxRetries: 3, InitialDelay: time.Second, Base: 2, MaxDelay: 30 * time.Second}

// Delay is the wait before retry n (0 for the first retry).
func (p RetryPolicy) Delay(n int) time.Duration {
	d := float64(p.InitialDelay)
	for range n {
		d *= p.Base
		if d >= float64(p.MaxDelay) {
			return p.MaxDelay
		}
	}
	return min(time.Duration(d), p.MaxDelay)
}
