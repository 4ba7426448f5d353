package applier

import (
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocean-go/ocean/clients/port"
)

// A dry run counts and names what a resync would create, update and delete,
// and sends Port nothing but reads.
func TestDryRunPlansWithoutWriting(t *testing.T) {
	e := newEnv(t)
	e.seed(e.client, persons("same", "changed", "stale")...)
	time.Sleep(5 * time.Millisecond) // Port stamps updates to the millisecond
	started := time.Now()
	time.Sleep(5 * time.Millisecond)
	before := e.updatedAt("person")

	var writes atomic.Int64
	dry := NewDryRun(e.newClientVia("my-fake", func(r *http.Request) {
		if r.Method != http.MethodGet && !strings.HasSuffix(r.URL.Path, "/search") &&
			!strings.HasSuffix(r.URL.Path, "/datasource-entities") && !strings.HasSuffix(r.URL.Path, "/access_token") {
			writes.Add(1)
		}
	}), e.a.log)
	rec := dry.NewReconciler(Options{Merge: true})
	batch := append(persons("same", "new1", "new2"), person("changed", map[string]any{"name": "other"}))
	res, err := rec.Load(e.ctx, "person", batch)
	if err != nil {
		t.Fatal(err)
	}
	if got := countsOf(res); got != (counts{Created: 2, Updated: 1, Unchanged: 1}) {
		t.Errorf("counts = %+v", got)
	}
	key := func(id string) port.Key { return port.Key{Blueprint: "person", Identifier: id} }
	if want := []port.Key{key("new1"), key("new2")}; !reflect.DeepEqual(res.CreatedKeys, want) {
		t.Errorf("created keys = %v, want %v", res.CreatedKeys, want)
	}
	if want := []port.Key{key("changed")}; !reflect.DeepEqual(res.UpdatedKeys, want) {
		t.Errorf("updated keys = %v, want %v", res.UpdatedKeys, want)
	}
	if got := rec.RetryFailed(e.ctx); len(got) != 0 {
		t.Errorf("retry after a dry run: %v", got)
	}
	rr, err := rec.Reconcile(e.ctx, started, 1)
	if err != nil {
		t.Fatal(err)
	}
	if rr.Deleted() != 1 || len(rr.Blueprints) == 0 {
		t.Fatalf("reconcile planned %+v, want 1 deletion", rr)
	}
	for _, b := range rr.Blueprints {
		if b.Blueprint == "person" && !reflect.DeepEqual(b.DeletedKeys, []port.Key{key("stale")}) {
			t.Errorf("deleted keys = %v, want person/stale", b.DeletedKeys)
		}
	}

	if n := writes.Load(); n != 0 {
		t.Errorf("%d write requests reached Port", n)
	}
	if m := e.missing("person/stale"); len(m) != 0 {
		t.Errorf("the dry run deleted %v", m)
	}
	if m := e.missing("person/new1", "person/new2"); len(m) != 2 {
		t.Errorf("the dry run created entities: missing only %v", m)
	}
	if after := e.updatedAt("person"); !reflect.DeepEqual(after, before) {
		t.Errorf("entities were written: before %v, after %v", before, after)
	}
}

func TestAppendSampleKeepsTheFirst(t *testing.T) {
	k := func(id string) port.Key { return port.Key{Blueprint: "b", Identifier: id} }
	for _, tc := range []struct {
		name       string
		have, more []port.Key
		want       int
	}{
		{"empty", nil, nil, 0},
		{"below the size", []port.Key{k("a")}, []port.Key{k("b")}, 2},
		{"cut at the size", []port.Key{k("a"), k("b"), k("c")}, []port.Key{k("d"), k("e"), k("f")}, SampleSize},
		{"full already", []port.Key{k("a"), k("b"), k("c"), k("d"), k("e")}, []port.Key{k("f")}, SampleSize},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := appendSample(tc.have, tc.more...)
			if len(got) != tc.want {
				t.Fatalf("len = %d, want %d", len(got), tc.want)
			}
			if len(tc.have) > 0 && got[0] != tc.have[0] {
				t.Errorf("the first key changed: %v", got)
			}
		})
	}
}
