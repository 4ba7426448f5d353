package cache_test

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/cache"
	"github.com/ocean-go/ocean/clients/rest"
	"github.com/ocean-go/ocean/clients/retry"
	oceanctx "github.com/ocean-go/ocean/context"
)

// listAPI is a third-party list of n items in pages of 2; fail makes the
// given call numbers (1-based) answer 503 with retries off.
type listAPI struct {
	*httptest.Server
	calls atomic.Int32
	fail  map[int32]bool
}

func newListAPI(t *testing.T, n int, fail ...int32) *listAPI {
	a := &listAPI{fail: map[int32]bool{}}
	for _, f := range fail {
		a.fail[f] = true
	}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.fail[a.calls.Add(1)] {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		var b []byte
		b = append(b, `{"total":`+strconv.Itoa(n)+`,"items":[`...)
		for i := offset; i < min(offset+2, n); i++ {
			if i > offset {
				b = append(b, ',')
			}
			b = append(b, `{"id":"`+strconv.Itoa(i)+`"}`...)
		}
		_, _ = w.Write(append(b, "]}"...))
	}))
	t.Cleanup(a.Close)
	return a
}

// retryNone makes a failed page fail at once.
var retryNone = retry.Policy{MaxRetries: -1}

func (a *listAPI) pages(ctx context.Context) iter.Seq2[[]any, error] {
	p := rest.Pager{
		Client:   rest.New(rest.Options{Retry: retryNone}),
		Strategy: rest.Offset{Limit: 2, Total: "total"},
		Items:    "items",
	}
	return rest.Pages[any](ctx, p, a.URL)
}

func walk(t *testing.T, seq iter.Seq2[[]any, error]) (n int, errs int) {
	t.Helper()
	for batch, err := range seq {
		if err != nil {
			errs++
			continue
		}
		n += len(batch)
	}
	return n, errs
}

func TestBatchesAreKeptForTheResync(t *testing.T) {
	var tr oceanctx.Tracker
	a := newListAPI(t, 5) // 3 pages
	ctx, ev := tr.Begin(context.Background(), oceanctx.Resync, oceanctx.Machine, nil)

	for range 3 {
		n, errs := walk(t, cache.Batches(ctx, "people", a.pages(ctx)))
		assert.Equal(t, 5, n)
		assert.Zero(t, errs)
	}
	assert.EqualValues(t, 3, a.calls.Load(), "one walk of the API, two replays")

	// A live event during the resync has a cache of its own.
	lctx, live := tr.Begin(context.Background(), oceanctx.HTTPRequest, oceanctx.Request, nil)
	walk(t, cache.Batches(lctx, "people", a.pages(lctx)))
	tr.End(live)
	assert.EqualValues(t, 6, a.calls.Load())

	// The next resync starts empty.
	tr.End(ev)
	ctx2, ev2 := tr.Begin(context.Background(), oceanctx.Resync, oceanctx.Machine, nil)
	defer tr.End(ev2)
	walk(t, cache.Batches(ctx2, "people", a.pages(ctx2)))
	assert.EqualValues(t, 9, a.calls.Load())
}

func TestBatchesNotKept(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		fail  []int32
		stop  bool // the first consumer stops after one batch
		calls int32
	}{
		{name: "a failed page", n: 5, fail: []int32{2}, calls: 2 + 3},
		{name: "a consumer that stopped early", n: 5, stop: true, calls: 1 + 3},
		{name: "an empty list", n: 0, calls: 1 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tr oceanctx.Tracker
			a := newListAPI(t, tt.n, tt.fail...)
			ctx, ev := tr.Begin(context.Background(), oceanctx.Resync, oceanctx.Machine, nil)
			defer tr.End(ev)
			for range cache.Batches(ctx, "people", a.pages(ctx)) {
				if tt.stop {
					break
				}
			}
			n, errs := walk(t, cache.Batches(ctx, "people", a.pages(ctx)))
			assert.Equal(t, tt.n, n, "the second walk reads the API again, completely")
			assert.Zero(t, errs)
			assert.Equal(t, tt.calls, a.calls.Load())
		})
	}
}

func TestBatchesOutsideAnEventAreNotKept(t *testing.T) {
	a := newListAPI(t, 3)
	ctx := context.Background()
	walk(t, cache.Batches(ctx, "people", a.pages(ctx)))
	walk(t, cache.Batches(ctx, "people", a.pages(ctx)))
	assert.EqualValues(t, 4, a.calls.Load())
}

func TestConcurrentWalksShareOne(t *testing.T) {
	var tr oceanctx.Tracker
	a := newListAPI(t, 6)
	ctx, ev := tr.Begin(context.Background(), oceanctx.Resync, oceanctx.Machine, nil)
	defer tr.End(ev)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, errs := walk(t, cache.Batches(ctx, "people", a.pages(ctx)))
			assert.Equal(t, 6, n)
			assert.Zero(t, errs)
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 3, a.calls.Load())
}

func TestResult(t *testing.T) {
	var tr oceanctx.Tracker
	ctx, ev := tr.Begin(context.Background(), oceanctx.HTTPRequest, oceanctx.Request, nil)
	var calls atomic.Int32
	fetch := func(v string) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { calls.Add(1); return v, nil }
	}

	got, err := cache.Result(ctx, "org", fetch("acme"))
	require.NoError(t, err)
	assert.Equal(t, "acme", got)
	got, _ = cache.Result(ctx, "org", fetch("other"))
	assert.Equal(t, "acme", got, "the event's first result")
	assert.EqualValues(t, 1, calls.Load())

	n, err := cache.Result(ctx, "org", func(context.Context) (int, error) { return 7, nil })
	require.NoError(t, err)
	assert.Equal(t, 7, n, "another type is another entry")

	_, _ = cache.Result(ctx, cache.Key("repo", "acme", 2), fetch("r2"))
	got, _ = cache.Result(ctx, cache.Key("repo", "acme", 3), fetch("r3"))
	assert.Equal(t, "r3", got, "arguments are part of the key")

	tr.End(ev)
	ctx2, ev2 := tr.Begin(context.Background(), oceanctx.HTTPRequest, oceanctx.Request, nil)
	defer tr.End(ev2)
	got, _ = cache.Result(ctx2, "org", fetch("next"))
	assert.Equal(t, "next", got, "a new event starts empty")
}

func TestResultErrorsAreNotKept(t *testing.T) {
	var tr oceanctx.Tracker
	ctx, ev := tr.Begin(context.Background(), oceanctx.Resync, oceanctx.Machine, nil)
	defer tr.End(ev)
	boom := errors.New("boom")
	_, err := cache.Result(ctx, "k", func(context.Context) (int, error) { return 0, boom })
	require.ErrorIs(t, err, boom)
	v, err := cache.Result(ctx, "k", func(context.Context) (int, error) { return 2, nil })
	require.NoError(t, err)
	assert.Equal(t, 2, v)
}

func TestResultOnceForConcurrentCallers(t *testing.T) {
	var tr oceanctx.Tracker
	ctx, ev := tr.Begin(context.Background(), oceanctx.Resync, oceanctx.Machine, nil)
	defer tr.End(ev)
	var calls atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := cache.Result(ctx, "k", func(context.Context) (int32, error) {
				time.Sleep(10 * time.Millisecond) // let the others queue up
				return calls.Add(1), nil
			})
			assert.NoError(t, err)
			assert.EqualValues(t, 1, v)
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 1, calls.Load())
}

func TestWaitingForAnotherCallerEndsWithTheContext(t *testing.T) {
	var tr oceanctx.Tracker
	ctx, ev := tr.Begin(context.Background(), oceanctx.Resync, oceanctx.Machine, nil)
	defer tr.End(ev)
	started, release := make(chan struct{}), make(chan struct{})
	go func() {
		_, _ = cache.Result(ctx, "slow", func(context.Context) (int, error) {
			close(started)
			<-release
			return 1, nil
		})
	}()
	<-started
	wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err := cache.Result(wctx, "slow", func(context.Context) (int, error) { return 2, nil })
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	close(release)
}

func TestKey(t *testing.T) {
	assert.Equal(t, cache.Key("repos", "acme", 1), cache.Key("repos", "acme", 1))
	assert.NotEqual(t, cache.Key("repos", "acme", 1), cache.Key("repos", "acme", 2))
	assert.NotEqual(t, cache.Key("repos", 1), cache.Key("repos", "1"))
	assert.Equal(t, cache.Key("m", map[string]int{"a": 1, "b": 2}), cache.Key("m", map[string]int{"b": 2, "a": 1}))
	assert.Regexp(t, `^repos_[A-Za-z0-9_-]{11}$`, cache.Key("repos", "acme"))
}
