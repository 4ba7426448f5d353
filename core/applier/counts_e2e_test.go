package applier

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/localport"
)

// Counts stay true when requests are retried or change detection fails.
func TestLoadCountsUnderFaults(t *testing.T) {
	bulk := "/v1/blueprints/*/entities/bulk"
	tests := []struct {
		name          string
		first, second []port.Entity // first is written before the faults
		faults        []localport.Fault
		want          counts
	}{
		{
			name:   "a batch re-sent after its answer was lost counts as created",
			second: persons("a", "b", "c"),
			faults: []localport.Fault{{Method: "POST", Path: bulk, DropResponse: true, Count: 1}},
			want:   counts{Created: 3},
		},
		{
			name:   "a batch of changed entities re-sent after its answer was lost counts as updated",
			first:  persons("a", "b"),
			second: []port.Entity{person("a", map[string]any{"name": "A2"}), person("b", map[string]any{"name": "B2"})},
			faults: []localport.Fault{{Method: "POST", Path: bulk, DropResponse: true, Count: 1}},
			want:   counts{Updated: 2},
		},
		{
			name:   "entities written because their lookup failed are not counted updated",
			first:  persons("a", "b"),
			second: persons("a", "b", "new"),
			faults: []localport.Fault{{Method: "POST", Path: "/v1/entities/search", Status: 500}},
			want:   counts{Created: 1, Uncompared: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			opts := Options{Merge: true}
			if len(tt.first) > 0 {
				if _, err := e.a.Load(e.ctx, tt.first, opts); err != nil {
					t.Fatal(err)
				}
			}
			for _, f := range tt.faults {
				e.srv.InjectFault(f)
			}
			res, err := e.a.Load(e.ctx, tt.second, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := countsOf(res); got != tt.want {
				t.Errorf("counts = %+v, want %+v (failures %v)", got, tt.want, res.Failures)
			}
		})
	}
}

// The end-of-resync retry of a batch whose answers never came (every attempt
// lost, yet the first carried out) counts the entities created.
func TestRetryFailedCountsLostWritesAsCreated(t *testing.T) {
	e := newEnv(t)
	e.maxRetries = 2 // every attempt fails: keep the backoff short
	e.client = e.newClient("my-fake")
	e.a = New(e.client, e.a.log)
	rec := e.a.NewReconciler(Options{Merge: true})
	e.srv.InjectFault(localport.Fault{Method: "POST", Path: "/v1/blueprints/*/entities/bulk", DropResponse: true})
	res, err := rec.Load(e.ctx, "person", persons("a", "b"))
	if err == nil && res.Failed != 2 {
		t.Fatalf("load: %+v, err %v; want both failed", countsOf(res), err)
	}
	e.srv.ClearFaults()
	if got := rec.RetryFailed(e.ctx); countsOf(got["person"]) != (counts{Created: 2}) {
		t.Errorf("retry counted %+v, want 2 created", countsOf(got["person"]))
	}
}

// An owned stale entity someone else deletes between the listing and our
// delete (Port answers 404) is not counted as deleted by us.
func TestReconcileDoesNotCountDeletionsByOthers(t *testing.T) {
	e := newEnv(t)
	other := e.newClient("my-fake") // a user deleting by hand: same entity, another request
	e.client = e.newClientVia("my-fake", func(r *http.Request) {
		if r.Method == http.MethodDelete && strings.HasSuffix(r.URL.Path, "/entities/p2") {
			if _, err := other.DeleteEntity(r.Context(), "person", "p2", port.DeleteOptions{}); err != nil {
				t.Errorf("delete by someone else: %v", err)
			}
		}
	})
	e.a = New(e.client, e.a.log)
	e.seed(e.client, persons("p1", "p2", "p3")...)
	time.Sleep(5 * time.Millisecond) // Port stamps updates to the millisecond
	started := time.Now()
	time.Sleep(5 * time.Millisecond)
	rec := e.a.NewReconciler(Options{Merge: true})
	if _, err := rec.Load(e.ctx, "person", persons("p1")); err != nil {
		t.Fatal(err)
	}
	res, err := rec.Reconcile(e.ctx, started, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := [2]int{res.Deleted(), res.Gone()}; got != [2]int{1, 1} {
		t.Errorf("deleted, gone = %v, want 1 (p3), 1 (p2, deleted by someone else)", got)
	}
	if m := e.missing("person/p2", "person/p3"); len(m) != 2 {
		t.Errorf("still in Port: %v", m)
	}
}
