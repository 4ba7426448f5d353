package port

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ocean-go/ocean/clients/retry"
	"github.com/ocean-go/ocean/internal/bufpool"
)

// call describes one logical request; do turns it into attempts.
type call struct {
	method string
	path   string // escaped path below /v1 ("/blueprints/x"), or an absolute URL when abs
	abs    bool
	query  params
	body   any       // JSON-encoded once; []byte is sent as is
	lent   *lentBody // the buffer a []byte body is part of, when lent
	header http.Header

	feature   bool // User-Agent with the entity-call feature
	retryable bool // a non-idempotent request that is safe to repeat (marked, as in Ocean)
	noAuth    bool // the token call itself
	noLimit   bool // ingest sinks are not Port API calls and skip the limiter
	read      bool // a POST that only reads (a search): a read-only client sends it

	onRetry func(cause error) // told why an attempt is retried
}

// reads reports whether cl changes nothing in Port.
func (cl *call) reads() bool {
	return cl.read || cl.noAuth || cl.method == http.MethodGet || cl.method == http.MethodHead
}

func (cl *call) retried(cause error) {
	if cl.onRetry != nil {
		cl.onRetry(cause)
	}
}

// params is an ordered query string: Port's docs list parameters in a fixed
// order and url.Values would sort them.
type params []string

func (p params) add(k, v string) params { return append(p, k, v) }

func (p params) addBool(k string, v bool) params {
	if v {
		return p.add(k, "true")
	}
	return p.add(k, "false")
}

func (p params) addIf(k, v string) params {
	if v == "" {
		return p
	}
	return p.add(k, v)
}

func (p params) encode() string {
	var b strings.Builder
	for i := 0; i+1 < len(p); i += 2 {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[i]) + "=" + url.QueryEscape(p[i+1]))
	}
	return b.String()
}

// seg escapes one path segment so that '/' and '+' inside an identifier survive
// any server-side decoding.
func seg(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
}

// maxResponseBody bounds what is read from one response; Port bodies are well
// below it, a runaway body must not exhaust memory.
const maxResponseBody = 256 << 20

// do sends c with retries and token refresh, decodes a 2xx JSON body into out
// (when non-nil; a *[]byte gets the body undecoded, in a buffer lent by
// bufpool for the caller to give back) and returns the status. A non-2xx answer is an *APIError.
func (c *Client) do(ctx context.Context, cl call, out any) (int, error) {
	if c.cfg.ReadOnly && !cl.reads() {
		return 0, fmt.Errorf("%w: %s %s", ErrReadOnly, cl.method, cl.path)
	}
	body, err := encodeBody(cl.body)
	if err != nil {
		return 0, fmt.Errorf("port: %s %s: encode body: %w", cl.method, cl.path, err)
	}
	target := cl.path
	if !cl.abs {
		target = c.apiURL + cl.path
	}
	if q := cl.query.encode(); q != "" {
		if strings.Contains(target, "?") {
			target += "&" + q
		} else {
			target += "?" + q
		}
	}
	logPath := cl.path
	if cl.abs {
		if u, err := url.Parse(cl.path); err == nil {
			logPath = u.Path
		}
	}
	retryable := cl.retryable || retry.Idempotent(cl.method)
	ua := c.uaPlain
	if cl.feature {
		ua = c.uaFeature
	}

	refreshed := false
	for attempt := 0; ; attempt++ {
		if !cl.noLimit {
			if err := c.waitLimiter(ctx, cl); err != nil {
				return 0, ctxErr(ctx, err)
			}
		}
		req, err := newRequest(ctx, cl, target, body)
		if err != nil {
			return 0, fmt.Errorf("port: %s %s: %w", cl.method, logPath, err)
		}
		for k, v := range cl.header {
			req.Header[k] = v
		}
		req.Header.Set("User-Agent", ua)
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		var tok *token
		if !cl.noAuth {
			if tok, err = c.auth.get(ctx); err != nil {
				return 0, err
			}
			req.Header.Set("Authorization", tok.header)
		}

		if !cl.noLimit {
			c.counted(ctx, cl)
		}
		status, respBody, hdr, err := c.send(req)
		if !cl.noLimit {
			c.pacer.observe(hdr, time.Now())
		}
		if err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			if retryable && attempt < c.retry.MaxRetries {
				cl.retried(err)
				if err := c.backoff(ctx, cl.method, logPath, attempt+1, 0, nil, err); err != nil {
					return 0, err
				}
				continue
			}
			return 0, fmt.Errorf("port: %s %s: %w", cl.method, logPath, err)
		}
		if status >= 200 && status < 300 {
			if raw, ok := out.(*[]byte); ok {
				*raw = respBody // the caller's now, to give back
				return status, nil
			}
			defer bufpool.Put(respBody) // decoding copies what it keeps
			if out != nil && len(bytes.TrimSpace(respBody)) > 0 {
				decode := decodeJSON
				if d, ok := out.(bodyDecoder); ok {
					decode = func(b []byte, _ any) error { return d.decodeBody(b) }
				}
				if err := decode(respBody, out); err != nil {
					return status, fmt.Errorf("port: %s %s: decode response: %w", cl.method, logPath, err)
				}
			}
			return status, nil
		}
		apiErr := parseAPIError(cl.method, logPath, status, hdr.Get("X-Trace-Id"), respBody)
		bufpool.Put(respBody)
		if status == http.StatusUnauthorized && !cl.noAuth && !refreshed {
			// The token may have expired server-side earlier than we thought:
			// refresh once and replay once, whatever the method.
			refreshed = true
			c.auth.invalidate(tok)
			c.log.WithFields(map[string]any{"method": cl.method, "path": logPath}).Debug("Port answered 401, refreshing the token")
			attempt--
			continue
		}
		if retryable && retryableStatus(status) && attempt < c.retry.MaxRetries {
			cl.retried(apiErr)
			if err := c.backoff(ctx, cl.method, logPath, attempt+1, status, hdr, nil); err != nil {
				return 0, err
			}
			continue
		}
		return status, apiErr
	}
}

// newRequest returns one attempt's request of cl with body.
func newRequest(ctx context.Context, cl call, target string, body []byte) (*http.Request, error) {
	if cl.lent == nil {
		return http.NewRequestWithContext(ctx, cl.method, target, bytes.NewReader(body))
	}
	req, err := http.NewRequestWithContext(cl.lent.traced(ctx), cl.method, target, cl.lent.reader(body))
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return cl.lent.reader(body), nil }
	return req, nil
}

// send performs one attempt and reads the whole body, so that a body cut short
// counts as a transport error (and is retried) rather than a decode error. The
// body is lent by bufpool, to be given back once read.
func (c *Client) send(req *http.Request) (int, []byte, http.Header, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := bufpool.ReadAll(resp.Body, resp.ContentLength, maxResponseBody)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read response: %w", err)
	}
	return resp.StatusCode, b, resp.Header, nil
}

// backoff logs and waits before retry n.
func (c *Client) backoff(ctx context.Context, method, path string, n, status int, hdr http.Header, cause error) error {
	d := c.retry.wait(n, hdr, time.Now())
	fields := map[string]any{"method": method, "path": path, "attempt": n, "wait": d.Round(time.Millisecond).String()}
	if status != 0 {
		fields["status"] = status
	}
	entry := c.log.WithFields(fields)
	if cause != nil {
		entry = entry.WithError(cause)
	}
	if n >= 3 || status == http.StatusTooManyRequests {
		entry.Warn("Retrying Port request")
	} else {
		entry.Debug("Retrying Port request")
	}
	if err := retry.Sleep(ctx, d); err != nil {
		// The caller gave up: say why the attempts failed, not just that.
		last := cause
		if last == nil {
			last = fmt.Errorf("status %d", status)
		}
		return fmt.Errorf("port: %s %s: %w; the last attempt failed: %v", method, path, ctxErr(ctx, err), last)
	}
	return nil
}

func encodeBody(b any) ([]byte, error) {
	switch v := b.(type) {
	case nil:
		return nil, nil
	case []byte:
		return v, nil
	case json.RawMessage:
		return v, nil
	}
	return json.Marshal(b)
}

// bodyDecoder is an answer that decodes itself, faster than encoding/json.
type bodyDecoder interface{ decodeBody([]byte) error }

// decodeJSON keeps numbers exact (json.Number) so that entity properties
// round-trip without float rounding.
func decodeJSON(b []byte, out any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(out)
}

// ctxErr prefers the context's own error, so callers can errors.Is it.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// rate.Limiter.Wait fails early when the wait would outlast the deadline:
	// the caller's deadline is as good as exceeded.
	if _, ok := ctx.Deadline(); ok {
		return fmt.Errorf("port: %w: %w", context.DeadlineExceeded, err)
	}
	return fmt.Errorf("port: %w", err)
}

// waitLimiter waits for the rate limiter's leave and tells LimiterWait how
// long that took.
func (c *Client) waitLimiter(ctx context.Context, cl call) error {
	start := time.Now()
	err := c.limiter.Wait(ctx)
	if c.cfg.LimiterWait != nil {
		c.cfg.LimiterWait(ctx, Endpoint(cl.method, cl.path), time.Since(start))
	}
	return err
}

// Endpoint names an API request for metrics: its method and path below /v1,
// with entity and other unbounded identifiers replaced by placeholders
// (blueprint identifiers are kept: there are few of them).
//
//	Endpoint("POST", "/blueprints/team/entities/bulk") == "POST /blueprints/team/entities/bulk"
//	Endpoint("PATCH", "/blueprints/team/entities/red") == "PATCH /blueprints/team/entities/{identifier}"
func Endpoint(method, path string) string {
	segs := strings.Split(path, "/")
	for i := 1; i < len(segs); i++ {
		switch segs[i-1] {
		case "entities":
			if segs[i] != "bulk" && segs[i] != "search" && segs[i] != "datasource-entities" {
				segs[i] = "{identifier}"
			}
		case "migrations", "pages", "runs":
			segs[i] = "{id}"
		}
	}
	return method + " " + strings.Join(segs, "/")
}
