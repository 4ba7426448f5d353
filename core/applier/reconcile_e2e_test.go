package applier

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
)

func TestRetryFailedDependencyOrder(t *testing.T) {
	e := newEnv(t)
	rec := e.a.NewReconciler(Options{Merge: true})
	mgr := func(id, manager string) port.Entity {
		return ent("person", id, nil, map[string]any{"manager": manager})
	}
	// In one bulk request a fails (b missing), b fails (c missing), c is
	// written, d fails for good. Retried in the given order only b would
	// recover; in dependency order b then a do.
	res, err := rec.Load(e.ctx, "person", []port.Entity{mgr("a", "b"), mgr("b", "c"), person("c", nil), mgr("d", "ghost")})
	if err != nil {
		t.Fatal(err)
	}
	if got := countsOf(res); got != (counts{Created: 1, Failed: 3}) {
		t.Fatalf("load: %+v", got)
	}
	if got := rec.RetryFailed(e.ctx); countsOf(got["person"]) != (counts{Created: 2}) {
		t.Errorf("recovered %+v, want 2 persons created", got)
	}
	if m := e.missing("person/a", "person/b", "person/c"); m != nil {
		t.Errorf("missing after retry: %v", m)
	}
	failed, _ := rec.Failures()
	if len(failed) != 1 || failed[0].Entity.Identifier != "d" {
		t.Errorf("still failed: %v", failed)
	}

	// Port creates missing targets itself: nothing to retry.
	rec = e.a.NewReconciler(Options{Merge: true, CreateMissingRelatedEntities: true})
	if got := rec.RetryFailed(e.ctx); got != nil {
		t.Errorf("with create-missing: recovered %+v", got)
	}
}

func TestReconcile(t *testing.T) {
	svc := func(id string, rels map[string]any) port.Entity { return ent("service", id, nil, rels) }
	dep := func(id, service string) port.Entity {
		return ent("deployment", id, nil, map[string]any{"service": service})
	}
	pod := func(id, deployment string) port.Entity {
		return ent("pod", id, nil, map[string]any{"deployment": deployment})
	}
	tests := []struct {
		name      string
		opts      Options
		threshold float64
		seed      []port.Entity // ours, before the resync
		foreign   []port.Entity // another integration's, before the resync
		produce   map[string][]port.Entity
		late      []port.Entity // ours, written during the resync by someone else (a live event)
		gone      []string
		kept      []string
		skipped   []string // blueprints
		failed    int
	}{
		{
			name: "deletes stale owned entities", threshold: 0.9,
			seed:    persons("p1", "p2", "p3", "p4"),
			produce: map[string][]port.Entity{"person": persons("p1", "p2")},
			gone:    []string{"person/p3", "person/p4"},
			kept:    []string{"person/p1", "person/p2"},
		},
		{
			name: "leaves other data sources alone", threshold: 0.9,
			seed:    persons("p1", "p2"),
			foreign: persons("f1"),
			produce: map[string][]port.Entity{"person": persons("p1")},
			gone:    []string{"person/p2"},
			kept:    []string{"person/f1"},
		},
		{
			name: "leaves entities updated after the start alone", threshold: 0.9,
			seed:    persons("p1", "p2", "p3"),
			produce: map[string][]port.Entity{"person": persons("p1")},
			late:    persons("p9"),
			gone:    []string{"person/p2", "person/p3"},
			kept:    []string{"person/p9"},
		},
		{
			name: "leaves an owned entity a live event updates during the resync alone", threshold: 0.9,
			seed:    persons("p1", "p2", "p3"),
			produce: map[string][]port.Entity{"person": persons("p1")},
			late:    persons("p3"),
			gone:    []string{"person/p2"},
			kept:    []string{"person/p1", "person/p3"},
		},
		{
			// The snapshot holds nothing unproduced: no second listing.
			name: "everything produced: an entity a live event creates stays", threshold: 0.9,
			seed:    persons("p1", "p2"),
			produce: map[string][]port.Entity{"person": persons("p1", "p2")},
			late:    persons("p9"),
			kept:    []string{"person/p1", "person/p2", "person/p9"},
		},
		{
			name: "threshold per blueprint: an empty source skips only its blueprint", threshold: 0.9,
			seed: append(persons("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10"),
				ent("department", "d1", nil, nil), ent("department", "d2", nil, nil)),
			produce: map[string][]port.Entity{"person": persons("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"), "department": nil},
			gone:    []string{"person/p10"},
			kept:    []string{"department/d1", "department/d2"},
			skipped: []string{"department"},
		},
		{
			name: "a kind removed from the mapping: its blueprint goes, as in Ocean", threshold: 0.9,
			seed: append(persons("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"),
				ent("department", "d1", nil, nil), ent("department", "d2", nil, nil)),
			produce: map[string][]port.Entity{"person": persons("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9")},
			gone:    []string{"department/d1", "department/d2"},
		},
		{
			name: "under each blueprint's threshold, over the integration's: nothing goes", threshold: 0.5,
			seed: append(persons("p1", "p2", "p3", "p4"),
				ent("department", "d1", nil, nil), ent("department", "d2", nil, nil), ent("department", "d3", nil, nil)),
			produce: map[string][]port.Entity{"person": persons("p1", "p2"), "department": {ent("department", "d1", nil, nil)}},
			kept:    []string{"person/p3", "person/p4", "department/d2", "department/d3"},
			skipped: []string{"department", "person"},
		},
		{
			name: "threshold 0 never deletes", threshold: 0,
			seed:    persons("p1", "p2", "p3", "p4"),
			produce: map[string][]port.Entity{"person": persons("p1", "p2", "p3")},
			kept:    []string{"person/p4"},
			skipped: []string{"person"},
		},
		{
			name: "threshold 1 deletes even all of a blueprint", threshold: 1,
			seed:    append(persons("p1", "p2"), ent("department", "d1", nil, nil)),
			produce: map[string][]port.Entity{"department": {ent("department", "d1", nil, nil)}},
			gone:    []string{"person/p1", "person/p2"},
		},
		{
			name: "failed upserts are not stale", threshold: 1, opts: Options{Merge: true},
			seed:    persons("p1", "p2"),
			produce: map[string][]port.Entity{"person": {ent("person", "p1", nil, map[string]any{"manager": "ghost"})}},
			gone:    []string{"person/p2"},
			kept:    []string{"person/p1"},
		},
		{
			name: "relation targets kept when Port creates missing ones", threshold: 0.9,
			opts:    Options{Merge: true, CreateMissingRelatedEntities: true},
			seed:    persons("p1", "p2", "p3"),
			produce: map[string][]port.Entity{"service": {svc("s1", map[string]any{"owner": "p2"})}, "person": persons("p3")},
			gone:    []string{"person/p1"},
			kept:    []string{"person/p2", "service/s1"},
		},
		{
			name: "relation targets deleted otherwise", threshold: 0.9,
			opts:    Options{Merge: true},
			seed:    persons("p1", "p2", "p3"),
			produce: map[string][]port.Entity{"service": {svc("s1", map[string]any{"owner": "p2"})}, "person": persons("p3")},
			gone:    []string{"person/p1", "person/p2"},
			kept:    []string{"service/s1"},
		},
		{
			name: "one by one, dependents first", threshold: 1,
			opts:    Options{Merge: true},
			seed:    []port.Entity{svc("s1", nil), svc("s2", nil), dep("d1", "s1"), dep("d2", "s1")},
			produce: map[string][]port.Entity{"service": {svc("s2", nil)}, "deployment": nil},
			gone:    []string{"deployment/d1", "deployment/d2", "service/s1"},
			kept:    []string{"service/s2"},
		},
		{
			name: "in bulk with their dependents", threshold: 1,
			opts:    Options{Merge: true, DeleteDependentEntities: true},
			seed:    []port.Entity{svc("s1", nil), svc("s2", nil), dep("d1", "s1")},
			produce: map[string][]port.Entity{"service": {svc("s2", nil)}, "deployment": nil},
			gone:    []string{"deployment/d1", "service/s1"},
			kept:    []string{"service/s2"},
		},
		{
			name: "never a cascade into produced entities", threshold: 1,
			opts:    Options{Merge: true, DeleteDependentEntities: true},
			seed:    []port.Entity{svc("s1", nil), svc("s2", nil), dep("d1", "s1")},
			produce: map[string][]port.Entity{"service": {svc("s2", nil)}, "deployment": {dep("d1", "s1")}},
			kept:    []string{"deployment/d1", "service/s1", "service/s2"},
		},
		{
			// d1 is kept for p1; deleting s1 would cascade through d1 into p1.
			name: "never a cascade through a kept relation target", threshold: 1,
			opts:    Options{Merge: true, DeleteDependentEntities: true},
			seed:    []port.Entity{svc("s1", nil), dep("d1", "s1"), pod("p1", "d1")},
			produce: map[string][]port.Entity{"pod": {pod("p1", "d1")}, "deployment": nil, "service": nil},
			kept:    []string{"pod/p1", "deployment/d1", "service/s1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.seed(e.client, tt.seed...)
			e.seed(e.newClient("someone-else"), tt.foreign...)
			time.Sleep(5 * time.Millisecond) // Port stamps updates to the millisecond
			started := time.Now()
			time.Sleep(5 * time.Millisecond)

			rec := e.a.NewReconciler(tt.opts)
			for _, kind := range slices.Sorted(maps.Keys(tt.produce)) {
				rec.TrackBlueprint(kind, kind)
				if _, err := rec.Load(e.ctx, kind, tt.produce[kind]); err != nil {
					t.Fatal(err)
				}
			}
			e.seed(e.client, tt.late...)
			rec.RetryFailed(e.ctx)

			res, err := rec.Reconcile(e.ctx, started, tt.threshold)
			if err != nil {
				t.Fatal(err)
			}
			if m := e.missing(tt.kept...); m != nil {
				t.Errorf("deleted but should be kept: %v", m)
			}
			if m := e.missing(tt.gone...); len(m) != len(tt.gone) {
				t.Errorf("still present: %v", diff(tt.gone, m))
			}
			var skipped []string
			failed, deleted := 0, 0
			for _, b := range res.Blueprints {
				if b.Skipped != "" {
					skipped = append(skipped, b.Blueprint)
				}
				failed += b.Failed
				deleted += b.Deleted
			}
			if !slices.Equal(skipped, tt.skipped) {
				t.Errorf("skipped %v, want %v (%+v)", skipped, tt.skipped, res.Blueprints)
			}
			if failed != tt.failed || deleted != len(tt.gone) || res.Deleted() != deleted {
				t.Errorf("deleted %d, failed %d; want %d, %d (%+v)", deleted, failed, len(tt.gone), tt.failed, res.Blueprints)
			}
		})
	}
}

func TestReconcileReportsSkippedBlueprint(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 20 {
		ids = append(ids, "p"+string(rune('a'+i)))
	}
	e.seed(e.client, persons(ids...)...)
	time.Sleep(5 * time.Millisecond)
	started := time.Now()
	rec := e.a.NewReconciler(Options{Merge: true})
	rec.TrackBlueprint("fake-person", "person")
	if _, err := rec.Load(e.ctx, "fake-person", persons(ids[:1]...)); err != nil {
		t.Fatal(err)
	}
	res, err := rec.Reconcile(e.ctx, started, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	want := BlueprintResult{Blueprint: "person", Kinds: []string{"fake-person"}, Produced: 1, Stale: 19, Ratio: 0.95,
		Skipped: "would delete 19 of 20 person entities (95% > threshold 90%)"}
	if len(res.Blueprints) != 1 || !equalResult(res.Blueprints[0], want) {
		t.Errorf("result %+v, want %+v", res.Blueprints, want)
	}
	var warned bool
	for _, entry := range e.logs.AllEntries() {
		if entry.Level == logrus.WarnLevel && strings.Contains(entry.Message, "would delete 19 of 20 person entities (95% > threshold 90%); skipping") {
			warned = true
		}
	}
	if !warned {
		t.Error("no warning naming the numbers")
	}
}

func equalResult(a, b BlueprintResult) bool {
	return slices.Equal(a.Kinds, b.Kinds) && a.Blueprint == b.Blueprint && a.Produced == b.Produced &&
		a.Stale == b.Stale && a.Ratio == b.Ratio && a.Skipped == b.Skipped && a.Deleted == b.Deleted
}

func diff(all, some []string) []string {
	var out []string
	for _, x := range all {
		if !slices.Contains(some, x) {
			out = append(out, x)
		}
	}
	return out
}
