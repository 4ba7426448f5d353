package port

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// refreshMargin: a token is renewed this long before Port says it expires, so a
// request never leaves with a token about to die in flight.
const refreshMargin = 60 * time.Second

type token struct {
	header  string // "{tokenType} {accessToken}"; never logged
	renewAt time.Time
}

// authenticator holds the access token. Concurrent callers that find no valid
// token share one fetch (a flight) instead of each asking Port.
type authenticator struct {
	c *Client

	mu     sync.Mutex
	cur    *token
	flight *flight
}

type flight struct {
	done chan struct{}
	tok  *token
	err  error
	last atomic.Pointer[error] // why the latest attempt was retried
}

// gaveUp is the error of a caller that stopped waiting for f: its ctx's error
// and, when the request was being retried, why.
func (f *flight) gaveUp(ctx context.Context) error {
	if last := f.last.Load(); last != nil {
		return fmt.Errorf("port: get access token: %w; the last attempt failed: %v", ctx.Err(), *last)
	}
	return fmt.Errorf("port: get access token: %w", ctx.Err())
}

func newAuthenticator(c *Client) *authenticator {
	return &authenticator{c: c}
}

// get returns a valid token, fetching one when needed. A caller whose ctx ends
// stops waiting; the fetch itself completes for the others.
func (a *authenticator) get(ctx context.Context) (*token, error) {
	a.mu.Lock()
	if a.cur != nil && time.Now().Before(a.cur.renewAt) {
		t := a.cur
		a.mu.Unlock()
		return t, nil
	}
	f := a.flight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		a.flight = f
		go a.fetch(context.WithoutCancel(ctx), f)
	}
	a.mu.Unlock()

	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, f.gaveUp(ctx)
	}
}

// invalidate drops used if it is still the current token, so that a burst of
// 401s answered to the same token causes a single refresh.
func (a *authenticator) invalidate(used *token) {
	a.mu.Lock()
	if used != nil && a.cur == used {
		a.cur = nil
	}
	a.mu.Unlock()
}

func (a *authenticator) fetch(ctx context.Context, f *flight) {
	defer func() {
		if r := recover(); r != nil {
			f.tok, f.err = nil, fmt.Errorf("port: token request panicked: %v", r)
		}
		a.mu.Lock()
		if f.err == nil {
			a.cur = f.tok
		}
		a.flight = nil
		a.mu.Unlock()
		close(f.done)
	}()
	// Detached from the callers (any of them may give up), but bounded.
	ctx, cancel := context.WithTimeout(ctx, tokenFetchTimeout)
	defer cancel()
	f.tok, f.err = a.request(ctx, func(cause error) { f.last.Store(&cause) })
}

// tokenFetchTimeout bounds a token request with its retries.
const tokenFetchTimeout = 2 * time.Minute

type tokenResponse struct {
	AccessToken string `json:"accessToken"`
	ExpiresIn   int64  `json:"expiresIn"` // seconds
	TokenType   string `json:"tokenType"`
}

func (a *authenticator) request(ctx context.Context, onRetry func(error)) (*token, error) {
	body := map[string]string{"clientId": a.c.cfg.ClientID, "clientSecret": a.c.cfg.ClientSecret}
	var resp tokenResponse
	start := time.Now()
	_, err := a.c.do(ctx, call{
		method: http.MethodPost, path: "/auth/access_token", body: body,
		retryable: true, noAuth: true, onRetry: onRetry,
	}, &resp)
	if err != nil {
		if errors.Is(err, ErrUnauthorized) {
			return nil, fmt.Errorf("%w: %w", ErrBadCredentials, err)
		}
		return nil, fmt.Errorf("port: get access token: %w", err)
	}
	if resp.AccessToken == "" {
		return nil, errors.New("port: get access token: response has no accessToken")
	}
	if resp.TokenType == "" {
		resp.TokenType = "Bearer"
	}
	return &token{
		header:  resp.TokenType + " " + resp.AccessToken,
		renewAt: renewAt(start, time.Duration(resp.ExpiresIn)*time.Second),
	}, nil
}

// renewAt keeps the token until refreshMargin before expiry; a short-lived token
// (tests, or a nearly expired reused one) keeps three quarters of its life. With
// no expiry given the token is kept until Port answers 401.
func renewAt(issued time.Time, lifetime time.Duration) time.Time {
	if lifetime <= 0 {
		return issued.Add(100 * 365 * 24 * time.Hour)
	}
	return issued.Add(lifetime - min(refreshMargin, lifetime/4))
}
