package applier

import (
	"encoding/json"
	"fmt"
	"hash/maphash"
	"strings"
	"testing"
	"time"

	"github.com/ocean-go/ocean/clients/port"
)

// Equal digests mean an upsert changes nothing, with merge or without; forms
// that differ only as sameAsPort allows may digest apart (a search decides).
func TestSnapshotDigest(t *testing.T) {
	base := func() port.Entity {
		return port.Entity{
			Identifier: "a", Blueprint: "svc", Title: str("A"), Team: []any{"x", "y"},
			Properties: map[string]any{"n": json.Number("1.10"), "s": "v", "gone": nil, "obj": map[string]any{"k": []any{1, "2"}}},
			Relations:  map[string]any{"owner": "u1", "deps": []any{"b", "c"}},
		}
	}
	tests := []struct {
		name   string
		theirs func(e *port.Entity)
		equal  bool
	}{
		{"identical", nil, true},
		{"number canonicalised", func(e *port.Entity) { e.Properties["n"] = 1.1 }, true},
		{"null dropped", func(e *port.Entity) { delete(e.Properties, "gone") }, true},
		{"null relation dropped", func(e *port.Entity) { e.Relations["none"] = nil }, true},
		{"team order", func(e *port.Entity) { e.Team = []any{"y", "x"} }, true},
		{"team as strings", func(e *port.Entity) { e.Team = []string{"x", "y", "x"} }, true},
		{"nested number canonicalised", func(e *port.Entity) { e.Properties["obj"] = map[string]any{"k": []any{1.0, "2"}} }, true},
		{"property changed", func(e *port.Entity) { e.Properties["s"] = "w" }, false},
		{"property set in Port", func(e *port.Entity) { e.Properties["gone"] = "x" }, false},
		{"extra Port property", func(e *port.Entity) { e.Properties["other"] = 1 }, false},
		{"string is not a number", func(e *port.Entity) { e.Properties["n"] = "1.1" }, false},
		{"title empty, not null", func(e *port.Entity) { e.Title = str("") }, false},
		{"title null", func(e *port.Entity) { e.Title = nil }, false},
		{"icon set", func(e *port.Entity) { e.Icon = str("A") }, false},
		{"team differs", func(e *port.Entity) { e.Team = []any{"x"} }, false},
		{"relation order", func(e *port.Entity) { e.Relations["deps"] = []any{"c", "b"} }, false},
		{"property moved to a relation", func(e *port.Entity) { e.Relations["s"] = "v"; delete(e.Properties, "s") }, false},
		{"nested null kept", func(e *port.Entity) { e.Properties["obj"] = map[string]any{"k": []any{1, "2"}, "z": nil} }, false},
	}
	s := &snapshot{seed: maphash.MakeSeed()}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ours, theirs := base(), base()
			if tc.theirs != nil {
				tc.theirs(&theirs)
			}
			do, okO := s.digest(&ours)
			dt, okT := s.digest(&theirs)
			if !okO || !okT {
				t.Fatalf("no digest: ours %v, theirs %v", okO, okT)
			}
			if got := do == dt; got != tc.equal {
				t.Errorf("digests equal = %v, want %v", got, tc.equal)
			}
			if do == dt && !(sameAsPort(&ours, &theirs, true) && sameAsPort(&ours, &theirs, false)) {
				t.Error("equal digests, yet an upsert would change Port's copy")
			}
		})
	}
	if _, ok := s.digest(&port.Entity{Team: map[string]any{"combinator": "and"}}); ok {
		t.Error("a search-query team has a digest")
	}
}

// A resync asks Port for what the snapshot cannot answer only: a first one
// writes without a lookup; an unchanged one writes and searches nothing; an
// entity changed on either side is looked up and written. Reconciliation
// lists again only when the snapshot holds an entity the resync did not
// produce: neither resync here does.
func TestReconcilerLooksUpOnlyWhatItsSnapshotCannotAnswer(t *testing.T) {
	e := newEnv(t)
	batches := func(changed map[string]string) [][]port.Entity {
		var out [][]port.Entity
		for b := range 3 {
			var batch []port.Entity
			for i := range 40 {
				id := fmt.Sprintf("p-%d-%d", b, i)
				name := id
				if n, ok := changed[id]; ok {
					name = n
				}
				batch = append(batch, person(id, map[string]any{"name": name, "age": json.Number("30.0")}))
			}
			out = append(out, batch)
		}
		return out
	}
	resync := func(changed map[string]string) (counts, map[string]int) {
		t.Helper()
		ctx, requests := port.CountRequests(e.ctx)
		start := time.Now()
		rec := e.a.NewReconciler(Options{Merge: true})
		var total LoadResult
		for _, batch := range batches(changed) {
			res, err := rec.Load(ctx, "person", batch)
			if err != nil {
				t.Fatal(err)
			}
			total.add(res)
		}
		if _, err := rec.Reconcile(ctx, start, 0.9); err != nil {
			t.Fatal(err)
		}
		return countsOf(total), requests.ByRoute()
	}
	const (
		bulk    = "POST /v1/blueprints/{bp}/entities/bulk"
		search  = "POST /v1/entities/search"
		listing = "POST /v1/blueprints/entities/datasource-entities"
	)

	got, reqs := resync(nil)
	if want := (counts{Created: 120}); got != want {
		t.Errorf("first resync: %+v, want %+v", got, want)
	}
	if reqs[search] != 0 || reqs[listing] != 1 || reqs[bulk] != 6 {
		t.Errorf("first resync sent %v; want 6 bulk upserts, 1 listing, no search", reqs)
	}

	got, reqs = resync(nil)
	if want := (counts{Unchanged: 120}); got != want {
		t.Errorf("unchanged resync: %+v, want %+v", got, want)
	}
	if want := map[string]int{listing: 1}; fmt.Sprint(reqs) != fmt.Sprint(want) {
		t.Errorf("unchanged resync sent %v, want %v", reqs, want)
	}

	// Someone changes p-2-5 in Port; the source changes p-0-3.
	e.seed(e.client, person("p-2-5", map[string]any{"name": "edited"}))
	got, reqs = resync(map[string]string{"p-0-3": "renamed"})
	if want := (counts{Updated: 2, Unchanged: 118}); got != want {
		t.Errorf("resync after changes: %+v, want %+v", got, want)
	}
	if reqs[search] != 2 || reqs[bulk] != 2 {
		t.Errorf("resync after changes sent %v; want one search and one bulk upsert per changed batch", reqs)
	}
	for id, want := range map[string]string{"p-0-3": "renamed", "p-2-5": "p-2-5"} {
		if name := e.entity("person", id)["properties"].(map[string]any)["name"]; name != want {
			t.Errorf("%s is named %v in Port, want %q", id, name, want)
		}
	}
}

// A key written earlier in the resync is looked up again: the snapshot
// holds what Port had before.
func TestReconcilerLooksUpAKeyItWroteBefore(t *testing.T) {
	e := newEnv(t)
	e.seed(e.client, person("a", map[string]any{"name": "v0"}))
	rec := e.a.NewReconciler(Options{Merge: true})
	for _, name := range []string{"v1", "v0"} {
		res, err := rec.Load(e.ctx, "person", []port.Entity{person("a", map[string]any{"name": name})})
		if err != nil {
			t.Fatal(err)
		}
		if got := countsOf(res); got != (counts{Updated: 1}) {
			t.Errorf("writing %s: %+v, want it updated", name, got)
		}
	}
	if name := e.entity("person", "a")["properties"].(map[string]any)["name"]; name != "v0" {
		t.Errorf("a is named %v in Port, want the last write, v0", name)
	}
}

func TestSnapshotLookup(t *testing.T) {
	s := &snapshot{seed: maphash.MakeSeed()}
	held := person("held", map[string]any{"name": "x"})
	queryTeam := person("query-team", nil)
	queryTeam.Team = map[string]any{"combinator": "and", "rules": []any{}}
	for _, e := range []port.Entity{held, queryTeam, person("other", nil)} {
		d, _ := s.digest(&e)
		s.append(snapshotEntry{key: keyHash(s.seed, e.Blueprint, e.Identifier.(string)), digest: d})
	}
	s.sort()
	changed := person("held", map[string]any{"name": "y"})
	for _, tc := range []struct {
		name string
		e    port.Entity
		want portCopy
	}{
		{"not listed: absent", person("new", nil), copyAbsent},
		{"same blueprint and identifier elsewhere: absent", ent("department", "held", nil, nil), copyAbsent},
		{"listed, same content", held, copySame},
		{"listed, other content: a search decides", changed, copyUnknown},
		{"listed without a digest: a search decides", person("query-team", nil), copyUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.lookup(&tc.e, tc.e.Identifier.(string)); got != tc.want {
				t.Errorf("lookup = %v, want %v", got, tc.want)
			}
		})
	}
}

// Produced keys the snapshot lists and keys it does not are counted once
// each, however often and in whichever order they are recorded, and none of
// them is deleted.
func TestReconcilerCountsProducedKeysOnce(t *testing.T) {
	e := newEnv(t)
	e.seed(e.client, persons("listed", "tracked-first", "stale")...)
	time.Sleep(5 * time.Millisecond) // Port stamps updates to the millisecond
	started := time.Now()
	time.Sleep(5 * time.Millisecond)
	rec := e.a.NewReconciler(Options{Merge: true})
	// Recorded before the first Load lists the owned entities.
	rec.Track("person", persons("tracked-first"))
	for range 2 {
		if _, err := rec.Load(e.ctx, "person", persons("listed", "tracked-first", "new")); err != nil {
			t.Fatal(err)
		}
		rec.Track("person", persons("listed", "new"))
	}
	res, err := rec.Reconcile(e.ctx, started, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Blueprints) != 1 {
		t.Fatalf("blueprints: %+v", res.Blueprints)
	}
	if b := res.Blueprints[0]; b.Produced != 3 || b.Stale != 1 || b.Deleted != 1 {
		t.Errorf("person: produced %d, stale %d, deleted %d; want 3, 1, 1", b.Produced, b.Stale, b.Deleted)
	}
	if m := e.missing("person/listed", "person/tracked-first", "person/new"); m != nil {
		t.Errorf("produced entities deleted: %v", m)
	}
	if m := e.missing("person/stale"); m == nil {
		t.Error("the stale entity is still in Port")
	}
}

// BenchmarkSnapshotDigest digests a mapped entity shaped as the fake
// integration's person, as change detection does for every entity of an
// unchanged resync.
func BenchmarkSnapshotDigest(b *testing.B) {
	s := &snapshot{seed: maphash.MakeSeed()}
	e := person("person-1", map[string]any{
		"name": "Ada Lovelace", "email": "ada@example.com", "age": json.Number("36"), "height": 1.65,
		"status": "WORKING", "bio": strings.Repeat("x", 800), "tags": []any{"a", "b"}, "meta": map[string]any{"n": 1.5, "z": nil},
		"missing": nil,
	})
	e.Relations = map[string]any{"department": "hr", "manager": nil}
	e.Team = []any{"t2", "t1"}
	for b.Loop() {
		if _, ok := s.digest(&e); !ok {
			b.Fatal("no digest")
		}
	}
}
