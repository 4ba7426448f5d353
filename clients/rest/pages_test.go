package rest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/clients/rest"
)

// listAPI serves items 0..n-1 of one list in every paging style it is asked
// for, and records the query of every call.
type listAPI struct {
	*httptest.Server
	n       int
	maxPage int // the API caps any page at this size (0 = no cap)
	failAt  int // the call number (1-based) answered 500; 0 = none
	mu      sync.Mutex
	queries []string
}

func newListAPI(t *testing.T, n int) *listAPI {
	a := &listAPI{n: n}
	a.Server = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.Close)
	return a
}

func (a *listAPI) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a.mu.Lock()
	a.queries = append(a.queries, r.URL.RawQuery)
	call := len(a.queries)
	a.mu.Unlock()
	if call == a.failAt {
		http.Error(w, `{"error":"boom"}`, http.StatusNotFound)
		return
	}
	num := func(k string, def int) int {
		if v, err := strconv.Atoi(q.Get(k)); err == nil {
			return v
		}
		return def
	}
	size := num("per_page", num("limit", 10))
	if a.maxPage > 0 {
		size = min(size, a.maxPage)
	}
	from := num("offset", (num("page", 1)-1)*size)
	if q.Has("p") { // zero-based page numbers
		from = num("p", 0) * size
	}
	if c := q.Get("cursor"); c != "" {
		from = num("cursor", 0)
	}
	to := min(from+size, a.n)
	items := []map[string]any{}
	for i := from; i < to; i++ {
		items = append(items, map[string]any{"id": strconv.Itoa(i)})
	}
	body := map[string]any{"data": map[string]any{"items": items}, "total": a.n}
	if to < a.n {
		body["next_cursor"] = strconv.Itoa(to)
		body["next_url"] = fmt.Sprintf("%s%s?cursor=%d&per_page=%d", a.URL, r.URL.Path, to, size)
		w.Header().Add("Link", fmt.Sprintf(`<%s?page=%d&per_page=%d>; rel="next", <%s?page=99>; rel="last"`, r.URL.Path, num("page", 1)+1, size, r.URL.Path))
	} else {
		body["next_cursor"] = nil
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

func (a *listAPI) calls() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.queries...)
}

type item struct {
	ID string `json:"id"`
}

func TestPages(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		maxPage  int
		strategy rest.Strategy
		pages    []int
		queries  []string
	}{
		{"page number", 25, 0, rest.PageNumber{Size: 10}, []int{10, 10, 5},
			[]string{"page=1&per_page=10", "page=2&per_page=10", "page=3&per_page=10"}},
		{"page number, exact pages end on an empty page", 20, 0, rest.PageNumber{Size: 10}, []int{10, 10}, nil},
		{"page number from 0", 15, 0, rest.PageNumber{Size: 10, ZeroBased: true, Param: "p", SizeParam: "limit"}, []int{10, 5}, []string{"limit=10&p=0", "limit=10&p=1"}},
		{"offset", 25, 0, rest.Offset{Limit: 10}, []int{10, 10, 5},
			[]string{"limit=10&offset=0", "limit=10&offset=10", "limit=10&offset=20"}},
		{"offset with total: one call less on exact pages", 20, 0, rest.Offset{Limit: 10, Total: "total"}, []int{10, 10}, nil},
		{"offset with total under a page cap", 25, 4, rest.Offset{Limit: 10, Total: "total"}, []int{4, 4, 4, 4, 4, 4, 1}, nil},
		{"cursor token", 25, 0, rest.Cursor{Token: "next_cursor", SizeParam: "per_page", Size: 10}, []int{10, 10, 5},
			[]string{"per_page=10", "cursor=10&per_page=10", "cursor=20&per_page=10"}},
		{"cursor as a next URL", 25, 0, rest.Cursor{Token: "next_url", SizeParam: "per_page", Size: 10}, []int{10, 10, 5}, nil},
		{"Link header", 25, 0, rest.Link{}, []int{10, 10, 5}, []string{"", "page=2&per_page=10", "page=3&per_page=10"}},
		{"an empty list", 0, 0, rest.Offset{Limit: 10, Total: "total"}, nil, []string{"limit=10&offset=0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newListAPI(t, tt.n)
			a.maxPage = tt.maxPage
			p := rest.Pager{Client: rest.New(rest.Options{Retry: fast}), Strategy: tt.strategy, Items: "data.items"}
			var pages []int
			var ids []string
			for batch, err := range rest.Pages[item](context.Background(), p, a.URL+"/items") {
				require.NoError(t, err)
				pages = append(pages, len(batch))
				for _, it := range batch {
					ids = append(ids, it.ID)
				}
			}
			assert.Equal(t, tt.pages, pages)
			want := []string{}
			for i := range tt.n {
				want = append(want, strconv.Itoa(i))
			}
			assert.Equal(t, want, append([]string{}, ids...), "every item once, in order")
			if tt.queries != nil {
				assert.Equal(t, tt.queries, a.calls())
			}
		})
	}
}

func TestPagesOfRawObjectsFeedAResyncHandler(t *testing.T) {
	a := newListAPI(t, 3)
	p := rest.Pager{Strategy: rest.Offset{Limit: 2}, Items: "data.items"}
	// The shape of handlers.ResyncHandler.
	handler := func(ctx context.Context, kind string) func(func([]any, error) bool) {
		return rest.Pages[any](ctx, p, a.URL)
	}
	var got []any
	for batch, err := range handler(context.Background(), "item") {
		require.NoError(t, err)
		got = append(got, batch...)
	}
	assert.Equal(t, []any{map[string]any{"id": "0"}, map[string]any{"id": "1"}, map[string]any{"id": "2"}}, got)
}

func TestPagesErrors(t *testing.T) {
	tests := []struct {
		name    string
		failAt  int
		items   string
		s       rest.Strategy
		n       int
		maxPage int
		batches int    // good batches before the error
		want    string // in the error
	}{
		{name: "a failed page ends the list", failAt: 2, items: "data.items", s: rest.PageNumber{Size: 2}, n: 10, batches: 1, want: "404 Not Found"},
		{name: "items not where said", items: "results", s: rest.PageNumber{Size: 2}, n: 10, want: `the answer has no "results"`},
		{name: "no total where said", items: "data.items", s: rest.Offset{Limit: 2, Total: "count"}, n: 10, batches: 1, want: `no number at "count"`},
		{name: "a cursor that does not advance", items: "data.items", s: rest.Cursor{Token: "total"}, n: 10, batches: 1, want: "the next page is the same page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newListAPI(t, tt.n)
			a.failAt, a.maxPage = tt.failAt, tt.maxPage
			batches, errs := 0, 0
			for batch, err := range rest.Pages[any](context.Background(), rest.Pager{Strategy: tt.s, Items: tt.items}, a.URL+"/x?key=secret") {
				if err != nil {
					errs++
					assert.Nil(t, batch)
					assert.Contains(t, err.Error(), tt.want)
					assert.NotContains(t, err.Error(), "secret")
					continue
				}
				batches++
			}
			assert.Equal(t, 1, errs, "one error, then the list ends")
			assert.Equal(t, tt.batches, batches)
		})
	}
}

// An API that says there are more items than it gives must not pass for a
// complete list: a resync would delete what it never saw.
func TestOffsetEmptyPageBeforeTotalIsAnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("offset") == "0" {
			_, _ = w.Write([]byte(`{"results":[{"id":1}],"total":5}`))
			return
		}
		_, _ = w.Write([]byte(`{"results":[],"total":5}`))
	}))
	t.Cleanup(srv.Close)
	var errs []error
	for _, err := range rest.Pages[any](context.Background(), rest.Pager{Strategy: rest.Offset{Limit: 1, Total: "total"}, Items: "results"}, srv.URL) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "empty page at offset 1 of 5")
}

func TestPagesStopWhenTheConsumerStops(t *testing.T) {
	a := newListAPI(t, 100)
	for range rest.Pages[any](context.Background(), rest.Pager{Strategy: rest.PageNumber{Size: 10}, Items: "data.items"}, a.URL) {
		break
	}
	assert.Len(t, a.calls(), 1)
}

func TestPagesStopWithTheirContext(t *testing.T) {
	a := newListAPI(t, 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	for batch, err := range rest.Pages[any](ctx, rest.Pager{Strategy: rest.PageNumber{Size: 10}, Items: "data.items"}, a.URL) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		require.Len(t, batch, 10)
		cancel()
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
	assert.Len(t, a.calls(), 1)
}

func TestInvalidURLsKeepTheirSecrets(t *testing.T) {
	const bad = "http://api.example.com/x?key=s3cret&\x7f"
	errs := 0
	for _, err := range rest.Pages[any](context.Background(), rest.Pager{}, bad) {
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "s3cret")
		errs++
	}
	assert.Equal(t, 1, errs)
	_, err := rest.GetJSON(context.Background(), nil, bad, nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")
}
