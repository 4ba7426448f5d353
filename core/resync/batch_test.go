package resync

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/localport"
)

// person is a raw person item.
func person(id, name any) map[string]any { return map[string]any{"id": id, "name": name} }

func upserted(kind string, items ...any) RawChange { return RawChange{Kind: kind, Updated: items} }
func deleted(kind string, items ...any) RawChange  { return RawChange{Kind: kind, Deleted: items} }

// memberResource maps raw {"login", "fullName"} items of kind "member" to persons.
func memberResource() map[string]any {
	return map[string]any{
		"kind":     "member",
		"selector": map[string]any{"query": "true"},
		"port": map[string]any{"entity": map[string]any{"mappings": map[string]any{
			"identifier": ".login", "title": ".fullName", "blueprint": `"person"`,
			"properties": map[string]any{"name": ".fullName"},
		}}},
	}
}

func member(login, fullName string) map[string]any {
	return map[string]any{"login": login, "fullName": fullName}
}

func TestSyncRawBatch(t *testing.T) {
	bySearch := map[string]any{"combinator": `"and"`, "rules": []any{
		map[string]any{"property": `"$identifier"`, "operator": `"="`, "value": ".id"},
	}}
	tests := []struct {
		name      string
		resources []any // nil: persons by id, every item selected
		changes   []RawChange
		failed    []int          // changes that fail
		want      map[string]any // names in Port afterwards, x and y seeded
	}{
		{
			name: "upsert, delete, upsert: the entity has the last values",
			changes: []RawChange{upserted("person", person("z", "1")), deleted("person", person("z", "1")),
				upserted("person", person("z", "2"))},
			want: map[string]any{"x": "x", "y": "y", "z": "2"},
		},
		{
			name:    "upsert then delete: the entity is gone",
			changes: []RawChange{upserted("person", person("x", "new")), deleted("person", person("x", "x"))},
			want:    map[string]any{"y": "y"},
		},
		{
			name:    "delete then upsert: the upsert wins",
			changes: []RawChange{deleted("person", person("x", "x")), upserted("person", person("x", "back"))},
			want:    map[string]any{"x": "back", "y": "y"},
		},
		{
			name:    "upserts of one entity: the last values",
			changes: []RawChange{upserted("person", person("x", "1")), upserted("person", person("x", "2"))},
			want:    map[string]any{"x": "2", "y": "y"},
		},
		{
			name:      "a selector rejection is a deletion, and a later upsert beats it",
			resources: []any{personResource(`.name != "gone"`, ".id")},
			changes: []RawChange{upserted("person", person("y", "gone")), upserted("person", person("x", "gone")),
				upserted("person", person("x", "back"))},
			want: map[string]any{"x": "back"},
		},
		{
			name:    "a deletion never beats an upsert of the same change",
			changes: []RawChange{{Kind: "person", Updated: people("x"), Deleted: people("x", "y")}},
			want:    map[string]any{"x": "x"},
		},
		{
			name:      "two kinds of one blueprint",
			resources: []any{personResource("true", ".id"), memberResource()},
			changes: []RawChange{upserted("person", person("z", "z")), upserted("member", member("w", "W")),
				deleted("member", member("x", "X")), upserted("member", member("y", "Y")), deleted("person", person("y", "y"))},
			want: map[string]any{"z": "z", "w": "W"},
		},
		{
			name: "a change whose item does not map fails alone and deletes nothing",
			// The selector fails on a name that is not a string.
			resources: []any{personResource(`(.name | ascii_downcase) != "gone"`, ".id")},
			changes: []RawChange{upserted("person", person("z", "z")),
				{Kind: "person", Updated: []any{person("v", 5)}, Deleted: people("y")}, deleted("person", person("x", "x"))},
			failed: []int{1},
			want:   map[string]any{"y": "y", "z": "z"},
		},
		{
			name: "a change Port refuses an entity of fails alone and deletes nothing",
			changes: []RawChange{upserted("person", person("z", "z")),
				{Kind: "person", Updated: []any{person("n", 5)}, Deleted: people("y")}, upserted("person", person("w", "w"))},
			failed: []int{1},
			want:   map[string]any{"x": "x", "y": "y", "z": "z", "w": "w"},
		},
		{
			name:    "an unmapped kind syncs nothing",
			changes: []RawChange{deleted("ghost", person("x", "x")), upserted("person", person("z", "z"))},
			want:    map[string]any{"x": "x", "y": "y", "z": "z"},
		},
		{
			// The second resource writes x through a search identifier.
			name:      "an entity the change writes by search identifier is not deleted",
			resources: []any{personResource(`.name != "gone"`, ".id"), personResource("true", bySearch)},
			changes:   []RawChange{upserted("person", person("y", "new")), upserted("person", person("x", "gone"))},
			want:      map[string]any{"x": "gone", "y": "new"},
		},
		{
			// As one at a time: x is gone when the search for it runs.
			name:      "a search identifier resolves after the earlier changes",
			resources: []any{personResource(`.name != "gone"`, ".id"), personResource("true", bySearch)},
			changes:   []RawChange{deleted("person", person("x", "x")), upserted("person", person("x", "gone"))},
			want:      map[string]any{"y": "y"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resources := tt.resources
			if resources == nil {
				resources = []any{personResource("true", ".id")}
			}
			e := newEngine(t, mapping(resources...))
			seed(t, e, "x", "y")
			errs := e.SyncRawBatch(t.Context(), tt.changes)
			if len(errs) != len(tt.changes) {
				t.Fatalf("%d errors for %d changes", len(errs), len(tt.changes))
			}
			for i, err := range errs {
				if want := slices.Contains(tt.failed, i); (err != nil) != want {
					t.Errorf("change %d: error %v, want failure %v", i, err, want)
				}
			}
			if got := names(t, e); !maps.Equal(got, tt.want) {
				t.Errorf("persons %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSyncRawBatchOfNothing(t *testing.T) {
	e := newEngine(t)
	if errs := e.SyncRawBatch(t.Context(), nil); len(errs) != 0 {
		t.Errorf("errors %v for no change", errs)
	}
}

// With merge, an upsert setting fewer fields than an earlier one of the same
// entity leaves the earlier one's other fields, as one at a time would, and
// one after a deletion leaves none.
func TestSyncRawBatchMergesUpsertsOfDifferentFields(t *testing.T) {
	nick := map[string]any{
		"kind":     "nick",
		"selector": map[string]any{"query": "true"},
		"port": map[string]any{"entity": map[string]any{"mappings": map[string]any{
			"identifier": ".id", "blueprint": `"person"`, "properties": map[string]any{"nick": ".nick"},
		}}},
	}
	e, srv := newEngineOn(t, mapping(personResource("true", ".id"), nick))
	ctx := t.Context()
	if _, err := e.Client.PatchBlueprint(ctx, "person", map[string]any{"schema": map[string]any{"properties": map[string]any{
		"name": map[string]any{"type": "string"}, "nick": map[string]any{"type": "string"}}}}); err != nil {
		t.Fatal(err)
	}
	errs := e.SyncRawBatch(ctx, []RawChange{
		upserted("person", person("z", "Zed")),
		upserted("nick", map[string]any{"id": "z", "nick": "zz"}),
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	got, _, err := srv.Entity("person", "z")
	if err != nil {
		t.Fatal(err)
	}
	if props, _ := got["properties"].(map[string]any); props["name"] != "Zed" || props["nick"] != "zz" {
		t.Errorf("entity %v, want name Zed and nick zz", got)
	}

	// A deletion then an upsert of fewer fields: the deletion goes first, and
	// the other fields are gone, as one at a time.
	errs = e.SyncRawBatch(ctx, []RawChange{
		deleted("person", person("z", "Zed")),
		upserted("nick", map[string]any{"id": "z", "nick": "zz2"}),
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if got, _, err = srv.Entity("person", "z"); err != nil {
		t.Fatal(err)
	}
	if props, _ := got["properties"].(map[string]any); props["name"] != nil || props["nick"] != "zz2" {
		t.Errorf("entity %v, want only nick zz2", got)
	}
}

// requestCounter counts the requests sent through it, by method and path.
type requestCounter struct {
	next http.RoundTripper
	mu   sync.Mutex
	n    map[string]int
}

func (c *requestCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n[r.Method+" "+r.URL.Path]++
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

// count returns how many requests of method had a path ending in suffix.
func (c *requestCounter) count(method, suffix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, v := range c.n {
		if m, path, _ := strings.Cut(k, " "); m == method && strings.HasSuffix(path, suffix) {
			n += v
		}
	}
	return n
}

// 100 one-entity changes cost a few bulk upserts and ownership searches in a
// batch, one of each per change one at a time. (Deletions without
// deleteDependentEntities are one request per entity either way: each goes
// before the entities it relates to.)
func TestSyncRawBatchSendsFewRequests(t *testing.T) {
	const events = 100
	upserts := make([]RawChange, events)
	deletions := make([]RawChange, events)
	for i := range upserts {
		upserts[i] = upserted("person", person(fmt.Sprint("p", i), "p"))
		deletions[i] = deleted("person", person(fmt.Sprint("p", i), "p"))
	}
	oneAtATime := func(e *Engine, changes []RawChange) error {
		for _, c := range changes {
			if err := e.SyncRawResults(t.Context(), c.Kind, c.Updated, c.Deleted); err != nil {
				return err
			}
		}
		return nil
	}
	tests := []struct {
		name                     string
		sync                     func(e *Engine, changes []RawChange) error
		minBulk, maxBulk         int // bulk upserts of the upserts
		minSearches, maxSearches int // ownership searches of the deletions
	}{
		{name: "batch", sync: func(e *Engine, changes []RawChange) error {
			return errors.Join(e.SyncRawBatch(t.Context(), changes)...)
		},
			minBulk: 1, maxBulk: events / 20, minSearches: 1, maxSearches: events / 50},
		{name: "one at a time", sync: oneAtATime, minBulk: events, maxBulk: events, minSearches: events, maxSearches: events},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counter := &requestCounter{n: map[string]int{}}
			e, _ := newEngineVia(t, func(next http.RoundTripper) http.RoundTripper {
				counter.next = next
				return counter
			})
			if err := tt.sync(e, upserts); err != nil {
				t.Fatal(err)
			}
			if got := len(names(t, e)); got != events {
				t.Fatalf("%d persons in Port, want %d", got, events)
			}
			searchesBefore := counter.count(http.MethodPost, "/entities/search")
			if err := tt.sync(e, deletions); err != nil {
				t.Fatal(err)
			}
			if got := names(t, e); len(got) != 0 {
				t.Fatalf("persons %v left, want none", got)
			}
			bulk := counter.count(http.MethodPost, "/entities/bulk")
			searches := counter.count(http.MethodPost, "/entities/search") - searchesBefore - 1 // names searched once
			if bulk < tt.minBulk || bulk > tt.maxBulk {
				t.Errorf("%d bulk upserts for %d one-entity changes, want %d to %d", bulk, events, tt.minBulk, tt.maxBulk)
			}
			if searches < tt.minSearches || searches > tt.maxSearches {
				t.Errorf("%d ownership searches for %d one-entity deletions, want %d to %d", searches, events, tt.minSearches, tt.maxSearches)
			}
		})
	}
}

func BenchmarkSyncRawBatch(b *testing.B) {
	const events = 100
	for _, bench := range []struct {
		name string
		sync func(e *Engine, changes []RawChange) error
	}{
		{"batch", func(e *Engine, changes []RawChange) error {
			return errors.Join(e.SyncRawBatch(b.Context(), changes)...)
		}},
		{"one-at-a-time", func(e *Engine, changes []RawChange) error {
			for _, c := range changes {
				if err := e.SyncRawResults(b.Context(), c.Kind, c.Updated, c.Deleted); err != nil {
					return err
				}
			}
			return nil
		}},
	} {
		b.Run(bench.name, func(b *testing.B) {
			e := newEngine(b)
			changes := make([]RawChange, events)
			round := 0
			for b.Loop() {
				round++
				for i := range changes {
					changes[i] = upserted("person", person(fmt.Sprint("p", i), fmt.Sprint(round)))
				}
				if err := bench.sync(e, changes); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*events)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// Without createMissingRelatedEntities, an entity relating to one an earlier
// change creates is written after it, as one at a time would, even when the
// target's request is slow.
func TestSyncRawBatchWritesRelationTargetsFirst(t *testing.T) {
	memberOf := map[string]any{
		"kind": "member", "selector": map[string]any{"query": "true"},
		"port": map[string]any{"entity": map[string]any{"mappings": map[string]any{
			"identifier": ".id", "blueprint": `"member"`, "relations": map[string]any{"buddy": ".buddy"},
		}}},
	}
	e, srv := newEngineOn(t, mapping(personResource("true", ".id"), memberOf))
	if _, err := e.Client.CreateBlueprint(t.Context(), map[string]any{"identifier": "member", "title": "Member",
		"schema": map[string]any{"properties": map[string]any{}}, "relations": map[string]any{
			"buddy": map[string]any{"target": "person", "many": false},
		}}); err != nil {
		t.Fatal(err)
	}
	srv.InjectFault(localport.Fault{Method: http.MethodPost, Path: "/v1/blueprints/person/entities/bulk", Latency: 200 * time.Millisecond})
	errs := e.SyncRawBatch(t.Context(), []RawChange{
		upserted("person", person("a", "a")),
		upserted("member", map[string]any{"id": "m1", "buddy": "a"}),
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	got, _, err := srv.Entity("member", "m1")
	if err != nil {
		t.Fatal(err)
	}
	if rels, _ := got["relations"].(map[string]any); rels["buddy"] != "a" {
		t.Errorf("member %v, want buddy a", got)
	}
}

func TestPendingOpsKeepTheLastOperation(t *testing.T) {
	str := func(s string) *string { return &s }
	named := func(id, name string) port.Entity {
		return port.Entity{Identifier: id, Blueprint: "person", Properties: map[string]any{"name": name}}
	}
	titled := func(id, title string) port.Entity {
		return port.Entity{Identifier: id, Blueprint: "person", Title: str(title)}
	}
	type op struct {
		change int
		entity port.Entity
		delete bool
	}
	tests := []struct {
		name    string
		merge   bool
		ops     []op
		upserts []string // "change:identifier" of the upserts sent, in order
		deletes []string
	}{
		{"an upsert after a delete is an upsert", true,
			[]op{{0, named("a", "1"), false}, {1, named("a", "1"), true}, {2, named("a", "2"), false}},
			[]string{"2:a"}, nil},
		{"a delete after an upsert is a delete", true,
			[]op{{0, named("a", "1"), false}, {1, named("a", "1"), true}},
			nil, []string{"1:a"}},
		{"other entities are independent", true,
			[]op{{0, named("a", "1"), false}, {1, named("b", "1"), true}, {2, named("c", "1"), false}},
			[]string{"0:a", "2:c"}, []string{"1:b"}},
		{"with merge, an upsert of the same fields overwrites an earlier one", true,
			[]op{{0, named("a", "1"), false}, {1, named("a", "2"), false}},
			[]string{"1:a"}, nil},
		{"with merge, an upsert of other fields keeps the earlier one", true,
			[]op{{0, named("a", "1"), false}, {1, titled("a", "A"), false}},
			[]string{"0:a", "1:a"}, nil},
		{"with merge, a later upsert of all the fields drops both", true,
			[]op{{0, named("a", "1"), false}, {1, titled("a", "A"), false},
				{2, port.Entity{Identifier: "a", Blueprint: "person", Title: str("B"), Properties: map[string]any{"name": "3"}}, false}},
			[]string{"2:a"}, nil},
		{"without merge, the last upsert replaces everything", false,
			[]op{{0, named("a", "1"), false}, {1, titled("a", "A"), false}},
			[]string{"1:a"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pendingOps{merge: tt.merge, live: map[port.Key][]int{}}
			for _, o := range tt.ops {
				if o.delete {
					p.delete(o.change, o.entity)
				} else {
					p.upsert(o.change, []port.Entity{o.entity})
				}
			}
			ups, upChange, dels, delChange := p.survivors()
			label := func(es []port.Entity, changes []int) []string {
				var out []string
				for i := range es {
					out = append(out, fmt.Sprintf("%d:%s", changes[i], es[i].Key().Identifier))
				}
				return out
			}
			if got := label(ups, upChange); !slices.Equal(got, tt.upserts) {
				t.Errorf("upserts %v, want %v", got, tt.upserts)
			}
			if got := label(dels, delChange); !slices.Equal(got, tt.deletes) {
				t.Errorf("deletes %v, want %v", got, tt.deletes)
			}
		})
	}
}
