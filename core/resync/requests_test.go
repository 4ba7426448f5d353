package resync

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/handlers"
)

// wire counts the requests that went out, by method and path.
type wire struct {
	base http.RoundTripper
	mu   sync.Mutex
	sent map[string]int
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	w.mu.Lock()
	w.sent[r.Method+" "+r.URL.Path]++
	w.mu.Unlock()
	return w.base.RoundTrip(r)
}

func (w *wire) take() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.sent
	w.sent = map[string]int{}
	return out
}

// A resync's summary counts what went over the wire. A first resync of 250
// persons searches nothing; an unchanged one lists what the integration owns
// once (it produced all of it: reconciliation need not list again) and
// writes nothing.
func TestSyncRawAllCountsItsRequests(t *testing.T) {
	w := &wire{sent: map[string]int{}}
	e, _ := newEngineVia(t, func(rt http.RoundTripper) http.RoundTripper { w.base = rt; return w })
	ids := make([]string, 250)
	for i := range ids {
		ids[i] = fmt.Sprintf("p%03d", i)
	}
	e.Handlers.OnResync("person", handlers.List(func(context.Context, string) ([]any, error) { return people(ids...), nil }))
	w.take() // the set-up's

	for run, want := range []struct{ bulk, search, listing int }{{13, 0, 1}, {0, 0, 1}} {
		sum, err := e.SyncRawAll(t.Context(), oceanctx.Manual)
		if err != nil {
			t.Fatal(err)
		}
		sent := w.take()
		total := 0
		for route, n := range sum.Requests {
			total += n
			if !strings.HasPrefix(route, "POST ") && !strings.HasPrefix(route, "GET ") && !strings.HasPrefix(route, "PATCH ") {
				t.Errorf("run %d: route %q has no method", run+1, route)
			}
		}
		wired := 0
		for _, n := range sent {
			wired += n
		}
		if total != wired {
			t.Errorf("run %d: the summary counts %d requests (%v), %d went out (%v)", run+1, total, sum.Requests, wired, sent)
		}
		got := struct{ bulk, search, listing int }{
			sum.Requests["POST /v1/blueprints/{bp}/entities/bulk"],
			sum.Requests["POST /v1/entities/search"],
			sum.Requests["POST /v1/blueprints/entities/datasource-entities"],
		}
		if got != want {
			t.Errorf("run %d: bulk upserts, searches, listings = %+v, want %+v", run+1, got, want)
		}
	}
}
