package rest_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/ocean-go/ocean/clients/rest"
	"github.com/ocean-go/ocean/clients/retry"
)

// fast retries: the tests are about which answers are retried, not how long
// the waits are.
var fast = retry.Policy{MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Second}

// api answers each request with the next scripted reply (the last one
// repeats) and records what it received.
type api struct {
	*httptest.Server
	mu      sync.Mutex
	replies []reply
	got     []received
}

type reply struct {
	status int
	header map[string]string
	body   string
	hang   time.Duration // wait this long (or until the client leaves) first
	drop   bool          // close the connection without answering
}

type received struct {
	method, path, query, body, auth, userAgent string
}

func newAPI(t *testing.T, replies ...reply) *api {
	t.Helper()
	a := &api{replies: replies}
	a.Server = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.Close)
	return a
}

func (a *api) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	a.mu.Lock()
	n := len(a.got)
	a.got = append(a.got, received{r.Method, r.URL.Path, r.URL.RawQuery, string(body), r.Header.Get("Authorization"), r.Header.Get("User-Agent")})
	rep := reply{status: http.StatusOK, body: `{}`}
	if len(a.replies) > 0 {
		rep = a.replies[min(n, len(a.replies)-1)]
	}
	a.mu.Unlock()
	if rep.hang > 0 {
		select {
		case <-time.After(rep.hang):
		case <-r.Context().Done():
			return
		}
	}
	if rep.drop {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
}

func (a *api) calls() []received {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]received(nil), a.got...)
}

func TestRetries(t *testing.T) {
	ok := reply{status: 200, body: `{"ok":true}`}
	tests := []struct {
		name       string
		method     string
		mark       bool // MarkRetryable
		replies    []reply
		opts       func(*rest.Options)
		wantStatus int
		wantCalls  int
	}{
		{name: "429 with Retry-After seconds", replies: []reply{{status: 429, header: map[string]string{"Retry-After": "0"}}, ok}, wantStatus: 200, wantCalls: 2},
		{name: "429 with Retry-After date", replies: []reply{{status: 429, header: map[string]string{"Retry-After": time.Now().Add(-time.Second).UTC().Format(http.TimeFormat)}}, ok}, wantStatus: 200, wantCalls: 2},
		{name: "429 with X-RateLimit-Reset", replies: []reply{{status: 429, header: map[string]string{"X-RateLimit-Reset": "0"}}, ok}, wantStatus: 200, wantCalls: 2},
		{name: "503 then OK", replies: []reply{{status: 503}, {status: 503}, ok}, wantStatus: 200, wantCalls: 3},
		{name: "500, 502, 504, 408 are retried", replies: []reply{{status: 500}, {status: 502}, {status: 504}, {status: 408}, ok},
			opts: func(o *rest.Options) { o.Retry.MaxRetries = 4 }, wantStatus: 200, wantCalls: 5},
		{name: "403 rate limit (GitHub)", replies: []reply{{status: 403, header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "0"}}, ok}, wantStatus: 200, wantCalls: 2},
		{name: "403 secondary rate limit", replies: []reply{{status: 403, header: map[string]string{"Retry-After": "0"}}, ok}, wantStatus: 200, wantCalls: 2},
		{name: "a plain 403 is not", replies: []reply{{status: 403}, ok}, wantStatus: 403, wantCalls: 1},
		{name: "404 is not", replies: []reply{{status: 404}, ok}, wantStatus: 404, wantCalls: 1},
		{name: "501 is not", replies: []reply{{status: 501}, ok}, wantStatus: 501, wantCalls: 1},
		{name: "retries run out: the last answer", replies: []reply{{status: 503}}, wantStatus: 503, wantCalls: 4},
		{name: "an answer of one's own", replies: []reply{{status: 409}, ok}, wantStatus: 200, wantCalls: 2,
			opts: func(o *rest.Options) {
				o.RetryOn = func(r *http.Response) bool { return r.StatusCode == 409 || rest.RetryableAnswer(r) }
			}},
		{name: "no retries", replies: []reply{{status: 503}, ok}, opts: func(o *rest.Options) { o.Retry.MaxRetries = -1 }, wantStatus: 503, wantCalls: 1},
		{name: "POST is not retried", method: "POST", replies: []reply{{status: 503}, ok}, wantStatus: 503, wantCalls: 1},
		{name: "a marked POST is", method: "POST", mark: true, replies: []reply{{status: 503}, ok}, wantStatus: 200, wantCalls: 2},
		{name: "PATCH is not", method: "PATCH", replies: []reply{{status: 429}, ok}, wantStatus: 429, wantCalls: 1},
		{name: "PUT and DELETE are", method: "DELETE", replies: []reply{{status: 502}, ok}, wantStatus: 200, wantCalls: 2},
		{name: "a dropped connection", replies: []reply{{drop: true}, ok}, wantStatus: 200, wantCalls: 2},
		{name: "a timed-out attempt", replies: []reply{{hang: time.Minute}, ok},
			opts: func(o *rest.Options) { o.AttemptTimeout = time.Second }, wantStatus: 200, wantCalls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t, tt.replies...)
			o := rest.Options{Retry: fast}
			if tt.opts != nil {
				tt.opts(&o)
			}
			ctx := context.Background()
			if tt.mark {
				ctx = rest.MarkRetryable(ctx)
			}
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			req, err := http.NewRequestWithContext(ctx, method, a.URL+"/things", strings.NewReader(`{"a":1}`))
			require.NoError(t, err)
			resp, err := rest.New(o).Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.wantStatus, resp.StatusCode)
			calls := a.calls()
			assert.Len(t, calls, tt.wantCalls)
			for _, c := range calls {
				assert.Equal(t, method, c.method)
				assert.Equal(t, `{"a":1}`, c.body, "every attempt sends the whole body")
			}
		})
	}
}

func TestBodyWithoutGetBodyIsRewound(t *testing.T) {
	a := newAPI(t, reply{status: 503}, reply{status: 200})
	// An io.Reader http.NewRequest cannot rewind by itself.
	body := io.MultiReader(strings.NewReader("part one, "), strings.NewReader("part two"))
	req, err := http.NewRequest(http.MethodPut, a.URL, body)
	require.NoError(t, err)
	require.Nil(t, req.GetBody)
	resp, err := rest.New(rest.Options{Retry: fast}).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	calls := a.calls()
	require.Len(t, calls, 2)
	assert.Equal(t, "part one, part two", calls[0].body)
	assert.Equal(t, "part one, part two", calls[1].body)
}

func TestTransportErrorsAreRetriedThenReported(t *testing.T) {
	// A listener that is closed at once: every attempt is refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()

	_, err = rest.GetJSON(context.Background(), rest.New(rest.Options{Retry: fast}), "http://"+addr+"/x?api_key=s3cret&page=2", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "gave up after 4 attempts")
	assert.Contains(t, err.Error(), "/x?api_key=redacted&page=2")
	assert.NotContains(t, err.Error(), "s3cret")
}

func TestCancelledContextStopsWaiting(t *testing.T) {
	a := newAPI(t, reply{status: 429, header: map[string]string{"Retry-After": "3600"}})
	ctx, cancel := context.WithCancel(context.Background())
	client := rest.New(rest.Options{Retry: retry.Policy{MaxDelay: 2 * time.Hour}})
	done := make(chan error, 1)
	go func() {
		_, err := rest.GetJSON(ctx, client, a.URL+"/slow", nil)
		done <- err
	}()
	require.Eventually(t, func() bool { return len(a.calls()) == 1 }, 10*time.Second, 5*time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
		assert.Contains(t, err.Error(), "the last attempt failed: status 429")
	case <-time.After(30 * time.Second):
		t.Fatal("the client kept waiting for Retry-After after its context was cancelled")
	}
	assert.Len(t, a.calls(), 1)
}

func TestSpentQuotaHoldsTheNextRequests(t *testing.T) {
	a := newAPI(t, reply{status: 200, body: `{}`, header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "600"}})
	client := rest.New(rest.Options{Retry: retry.Policy{MaxDelay: time.Hour}})
	_, err := rest.GetJSON(context.Background(), client, a.URL, nil)
	require.NoError(t, err, "the answer itself is fine")

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = rest.GetJSON(ctx, client, a.URL, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Len(t, a.calls(), 1, "the second request waits for the reset instead of being sent")
}

func TestLimiterIsWaitedOn(t *testing.T) {
	a := newAPI(t)
	client := rest.New(rest.Options{Limiter: rate.NewLimiter(rate.Every(time.Hour), 2)})
	for range 2 {
		_, err := rest.GetJSON(context.Background(), client, a.URL, nil)
		require.NoError(t, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := rest.GetJSON(ctx, client, a.URL, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the limiter's next token is an hour away")
	assert.Len(t, a.calls(), 2)
}

func TestStatusErrorsAndRedaction(t *testing.T) {
	a := newAPI(t, reply{status: 404, body: `{"error":"no such project"}`})
	var out map[string]any
	_, err := rest.GetJSON(context.Background(), rest.New(rest.Options{}), a.URL+"/projects/x?token=abc.def&limit=10", &out)
	var se *rest.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 404, se.StatusCode)
	assert.Equal(t, "GET", se.Method)
	assert.Equal(t, a.URL+"/projects/x?token=redacted&limit=10", se.URL)
	assert.Equal(t, `rest: GET `+a.URL+`/projects/x?token=redacted&limit=10: 404 Not Found: {"error":"no such project"}`, err.Error())
}

func TestRedact(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://api.example.com/v1/items", "https://api.example.com/v1/items"},
		{"https://user:pw@api.example.com/x?page=2&per_page=100", "https://api.example.com/x?page=2&per_page=100"},
		{"https://api.example.com/x?api_key=K3Y&cursor=abc&offset=0", "https://api.example.com/x?api_key=redacted&cursor=redacted&offset=0"},
		{"https://api.example.com/x?flag&empty=#frag", "https://api.example.com/x?flag&empty=redacted"},
	} {
		u, err := url.Parse(tt.in)
		require.NoError(t, err)
		assert.Equal(t, tt.want, rest.Redact(u), tt.in)
	}
	assert.Empty(t, rest.Redact(nil))
}

func TestJSONNumbersStayExact(t *testing.T) {
	a := newAPI(t, reply{status: 200, body: `{"id": 12345678901234567890, "ratio": 0.1}`})
	var out map[string]any
	_, err := rest.GetJSON(context.Background(), nil, a.URL, &out)
	require.NoError(t, err)
	assert.Equal(t, "12345678901234567890", out["id"].(interface{ String() string }).String())
}

func TestUserAgentAndLogsWithoutSecrets(t *testing.T) {
	a := newAPI(t, reply{status: 503}, reply{status: 200, body: `{}`})
	log, hook := test.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	client := rest.New(rest.Options{Retry: fast, UserAgent: "my-integration/1.0", Auth: rest.Bearer("t0ken-s3cret"), Logger: log})
	_, err := rest.GetJSON(context.Background(), client, a.URL+"/x?secret=hunter2", nil)
	require.NoError(t, err)
	for _, c := range a.calls() {
		assert.Equal(t, "my-integration/1.0", c.userAgent)
		assert.Equal(t, "Bearer t0ken-s3cret", c.auth)
	}
	require.NotEmpty(t, hook.AllEntries(), "the retry is logged")
	for _, e := range hook.AllEntries() {
		line, err := e.String()
		require.NoError(t, err)
		assert.NotContains(t, line, "hunter2")
		assert.NotContains(t, line, "s3cret")
		assert.Contains(t, line, "secret=redacted")
	}
}

func TestBodyIsReadableAfterAnAttemptTimeoutClientReturns(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 1<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(big) }))
	t.Cleanup(srv.Close)
	resp, err := rest.New(rest.Options{AttemptTimeout: 30 * time.Second}).Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err, "the attempt's own timeout ends when the body is closed, not when RoundTrip returns")
	assert.Len(t, got, len(big))
}
