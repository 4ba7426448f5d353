package rest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/time/rate"

	"github.com/ocean-go/ocean/clients/retry"
)

// Options configures a client of a third-party API. The zero value is a
// client with retries and no limiter, authentication or per-attempt timeout.
type Options struct {
	// Transport sends each attempt; nil = http.DefaultTransport.
	Transport http.RoundTripper
	// Retry says how often and how long to retry; zero fields take the
	// defaults of retry.Policy (10 retries, 500 ms doubling, capped at 60 s).
	Retry retry.Policy
	// RetryOn says which answers of a retryable request are retried; nil =
	// RetryableAnswer. An API that answers 409 while it is busy, for one,
	// adds it there.
	RetryOn func(*http.Response) bool
	// Limiter, when set, is waited on before every attempt. Clients that
	// share one API quota share one limiter.
	Limiter *rate.Limiter
	// Auth authenticates every attempt; nil = none.
	Auth Auth
	// AttemptTimeout bounds one attempt, headers and body; 0 = none. A timed
	// out attempt is retried. (http.Client.Timeout bounds all attempts.)
	AttemptTimeout time.Duration
	// UserAgent is set on requests that carry none.
	UserAgent string
	// Logger is told of every retry; nil = discard. URLs are logged redacted.
	Logger logrus.FieldLogger
}

// New returns an *http.Client whose transport retries, limits and
// authenticates as o says.
func New(o Options) *http.Client { return &http.Client{Transport: NewTransport(o)} }

// NewTransport returns the RoundTripper behind New, to wrap or to put in an
// http.Client of one's own.
func NewTransport(o Options) http.RoundTripper {
	t := &transport{opts: o, policy: o.Retry.WithDefaults(), base: o.Transport, log: o.Logger}
	if t.base == nil {
		t.base = http.DefaultTransport
	}
	if t.opts.RetryOn == nil {
		t.opts.RetryOn = RetryableAnswer
	}
	if t.log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		t.log = l
	}
	return t
}

type retryableKey struct{}

// MarkRetryable returns a context whose requests are retried even when their
// method is not idempotent: a POST that only reads (a search, a GraphQL
// query) or that the API deduplicates.
func MarkRetryable(ctx context.Context) context.Context {
	return context.WithValue(ctx, retryableKey{}, true)
}

func marked(ctx context.Context) bool { v, _ := ctx.Value(retryableKey{}).(bool); return v }

type transport struct {
	opts   Options
	policy retry.Policy
	base   http.RoundTripper
	log    logrus.FieldLogger

	mu          sync.Mutex
	pausedUntil time.Time // a response said the quota is spent until then
}

// RetryableAnswer says whether an answer is worth another attempt: 408, 429,
// 500, 502, 503, 504, and a 403 that is a rate limit (GitHub's way: with
// X-RateLimit-Remaining: 0 or a Retry-After).
func RetryableAnswer(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusForbidden:
		return retry.Exhausted(resp.Header) || resp.Header.Get("Retry-After") != ""
	}
	return false
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	where := fmt.Sprintf("%s %s", method, Redact(req.URL))
	retryable := retry.Idempotent(method) || marked(ctx)
	getBody, err := rewindable(req)
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	refreshed := false
	for attempt := 0; ; attempt++ {
		if err := t.waitTurn(ctx); err != nil {
			return nil, err
		}
		resp, cancel, err := t.attempt(req, getBody)
		if err != nil {
			cancel()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			var ae *authError
			if retryable && attempt < t.policy.MaxRetries && !errors.As(err, &ae) {
				if err := t.sleep(ctx, where, attempt+1, nil, err); err != nil {
					return nil, err
				}
				continue
			}
			if attempt > 0 {
				return nil, fmt.Errorf("gave up after %d attempts: %w", attempt+1, err)
			}
			return nil, err
		}
		t.notePause(resp.Header)
		if resp.StatusCode == http.StatusUnauthorized && !refreshed {
			if r, ok := t.opts.Auth.(Refresher); ok {
				// The token may have expired early or been revoked: get a new
				// one and replay once, whatever the method.
				refreshed = true
				discard(resp, cancel)
				r.Invalidate()
				attempt--
				continue
			}
		}
		if retryable && t.opts.RetryOn(resp) && attempt < t.policy.MaxRetries {
			hdr := resp.Header
			discard(resp, cancel)
			if err := t.sleep(ctx, where, attempt+1, hdr, fmt.Errorf("status %s", resp.Status)); err != nil {
				return nil, err
			}
			continue
		}
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		return resp, nil
	}
}

// attempt sends one copy of req, under its own timeout when configured.
func (t *transport) attempt(req *http.Request, getBody func() (io.ReadCloser, error)) (*http.Response, context.CancelFunc, error) {
	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if t.opts.AttemptTimeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.opts.AttemptTimeout)
	}
	r := req.Clone(ctx)
	if getBody != nil {
		body, err := getBody()
		if err != nil {
			return nil, cancel, fmt.Errorf("rewind request body: %w", err)
		}
		r.Body = body
	}
	if t.opts.UserAgent != "" && r.Header.Get("User-Agent") == "" {
		r.Header.Set("User-Agent", t.opts.UserAgent)
	}
	if t.opts.Auth != nil {
		if err := t.opts.Auth.Apply(r); err != nil {
			return nil, cancel, &authError{err}
		}
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil && ctx.Err() != nil && req.Context().Err() == nil {
		err = fmt.Errorf("attempt timed out after %s: %w", t.opts.AttemptTimeout, err)
	}
	return resp, cancel, err
}

// rewindable returns how to get a fresh copy of req's body for each attempt,
// or nil when there is no body. A body without GetBody is read once into memory.
func rewindable(req *http.Request) (func() (io.ReadCloser, error), error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		// Every attempt sends a copy; the original is only closed.
		req.Body.Close()
		return req.GetBody, nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }, nil
}

// waitTurn waits while the API said its quota is spent, then on the limiter.
func (t *transport) waitTurn(ctx context.Context) error {
	t.mu.Lock()
	until := t.pausedUntil
	t.mu.Unlock()
	if err := retry.Sleep(ctx, time.Until(until)); err != nil {
		return err
	}
	if t.opts.Limiter == nil {
		return nil
	}
	if err := t.opts.Limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The limiter refuses a wait that would outlast the deadline.
		return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	return nil
}

// notePause holds later requests back when an answer says no request is left
// in the window and when it resets, instead of spending them on 429s.
func (t *transport) notePause(h http.Header) {
	if !retry.Exhausted(h) {
		return
	}
	d, ok := retry.Hint(h, time.Now(), "X-RateLimit-Reset", "RateLimit-Reset")
	if !ok || d <= 0 {
		return
	}
	until := time.Now().Add(min(d, t.policy.MaxDelay))
	t.mu.Lock()
	defer t.mu.Unlock()
	if until.After(t.pausedUntil) {
		t.pausedUntil = until
		t.log.WithField("wait", d.Round(time.Millisecond).String()).Info("Third-party API rate limit spent; holding requests until it resets")
	}
}

// sleep logs and waits before retry n.
func (t *transport) sleep(ctx context.Context, where string, n int, h http.Header, cause error) error {
	d := t.policy.Wait(n, h, time.Now())
	entry := t.log.WithFields(logrus.Fields{"request": where, "attempt": n, "wait": d.Round(time.Millisecond).String()}).WithError(cause)
	if n >= 3 || (h != nil && retry.Exhausted(h)) {
		entry.Warn("Retrying third-party request")
	} else {
		entry.Debug("Retrying third-party request")
	}
	if err := retry.Sleep(ctx, d); err != nil {
		return fmt.Errorf("%w; the last attempt failed: %v", err, cause)
	}
	return nil
}

// discard drains a little of a response that will not be read, so its
// connection can be reused, and releases its attempt.
func discard(resp *http.Response, cancel context.CancelFunc) {
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
	cancel()
}

// authError is a failure to authenticate (a token endpoint refusing the
// credentials): repeating the request would not help.
type authError struct{ err error }

func (e *authError) Error() string { return "authenticate: " + e.err.Error() }
func (e *authError) Unwrap() error { return e.err }

// cancelOnClose ends an attempt's own timeout when its body is closed: the
// body is read after RoundTrip returns.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
