package applier

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/localport"
)

func TestApplyDiff(t *testing.T) {
	tests := []struct {
		name          string
		opts          Options
		seed          []port.Entity // ours, besides persons p1-p3
		before, after []port.Entity
		gone, kept    []string
	}{
		{
			name:   "upserts after, deletes what only before had",
			opts:   Options{Merge: true},
			before: persons("p1", "p2", "p3"),
			after:  append(persons("p1", "p4"), person("p3", map[string]any{"name": "changed"})),
			gone:   []string{"person/p2"},
			kept:   []string{"person/p1", "person/p3", "person/p4"},
		},
		{
			name:   "spares relation targets of after when Port creates them",
			opts:   Options{Merge: true, CreateMissingRelatedEntities: true},
			before: persons("p1", "p2"),
			after:  []port.Entity{ent("service", "s1", nil, map[string]any{"owner": "p2"})},
			gone:   []string{"person/p1"},
			kept:   []string{"person/p2", "service/s1"},
		},
		{
			name:   "never deletes what a search identifier resolved to",
			opts:   Options{Merge: true},
			before: persons("p1"),
			after: []port.Entity{{Blueprint: "person", Properties: map[string]any{"name": "again"},
				Identifier: port.And(port.Cond("$identifier", "=", "p1"))}},
			kept: []string{"person/p1"},
		},
		{
			name:   "leaves entities it does not own",
			opts:   Options{Merge: true},
			before: append(persons("p1"), person("f1", nil)),
			kept:   []string{"person/f1"},
			gone:   []string{"person/p1"},
		},
		{
			// d1 is spared for p1; deleting s1 would cascade through d1 into p1.
			name:   "never a cascade through a spared relation target",
			opts:   Options{Merge: true, DeleteDependentEntities: true},
			seed:   []port.Entity{ent("service", "s1", nil, nil), ent("deployment", "d1", nil, map[string]any{"service": "s1"})},
			before: []port.Entity{ent("service", "s1", nil, nil), ent("deployment", "d1", nil, map[string]any{"service": "s1"})},
			after:  []port.Entity{ent("pod", "p1", nil, map[string]any{"deployment": "d1"})},
			kept:   []string{"pod/p1", "deployment/d1", "service/s1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.seed(e.client, persons("p1", "p2", "p3")...)
			e.seed(e.newClient("someone-else"), persons("f1")...)
			e.seed(e.client, tt.seed...)
			if err := e.a.ApplyDiff(e.ctx, tt.before, tt.after, tt.opts); err != nil {
				t.Fatal(err)
			}
			if m := e.missing(tt.kept...); m != nil {
				t.Errorf("missing: %v", m)
			}
			if m := e.missing(tt.gone...); len(m) != len(tt.gone) {
				t.Errorf("still present: %v", diff(tt.gone, m))
			}
		})
	}
}

func TestSync(t *testing.T) {
	e := newEnv(t)
	e.seed(e.client, persons("p1", "p2", "p3", "p4")...)
	e.seed(e.newClient("someone-else"), persons("f1")...)
	time.Sleep(5 * time.Millisecond)
	opts := Options{Merge: true}

	if err := e.a.Sync(e.ctx, persons("p1", "p2", "p5"), 0.9, opts); err != nil {
		t.Fatal(err)
	}
	if m := e.missing("person/p1", "person/p2", "person/p5", "person/f1"); m != nil {
		t.Errorf("missing: %v", m)
	}
	if m := e.missing("person/p3", "person/p4"); len(m) != 2 {
		t.Errorf("stale still present: %v", diff([]string{"person/p3", "person/p4"}, m))
	}

	// An empty state is above any threshold below 1: nothing is deleted.
	if err := e.a.Sync(e.ctx, nil, 0.9, opts); err != nil {
		t.Fatal(err)
	}
	if m := e.missing("person/p1", "person/p2", "person/p5"); m != nil {
		t.Errorf("deleted by an empty sync: %v", m)
	}
}

func TestUnregisterOwnershipCheck(t *testing.T) {
	e := newEnv(t)
	e.seed(e.client, persons("p1", "p2")...)
	e.seed(e.newClient("someone-else"), persons("f1")...)
	search := port.Entity{Blueprint: "person", Identifier: port.And(port.Cond("$identifier", "=", "p2"))}
	err := e.a.Unregister(e.ctx, append(persons("p1", "f1", "ghost"), search), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m := e.missing("person/p1", "person/p2", "person/f1"); len(m) != 1 || m[0] != "person/p1" {
		t.Errorf("missing %v, want only person/p1", m)
	}
}

func TestRegister(t *testing.T) {
	e := newEnv(t)
	search := port.Entity{Blueprint: "person", Properties: map[string]any{"name": "x"},
		Identifier: port.And(port.Cond("$identifier", "=", "p1"))}
	e.seed(e.client, persons("p1")...)
	got, err := e.a.Register(e.ctx, []port.Entity{search, person("p2", nil)}, Options{Merge: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Identifier != "p1" || got[1].Identifier != "p2" {
		t.Errorf("registered %v", got)
	}
	_, err = e.a.Register(e.ctx, []port.Entity{ent("person", "p3", nil, map[string]any{"manager": "ghost"})}, Options{})
	if err == nil {
		t.Error("a refused entity is not reported")
	}
}

// RegisterEach tells, per entity, under which key Port wrote it or why not.
func TestRegisterEach(t *testing.T) {
	e := newEnv(t)
	e.seed(e.client, persons("p1")...)
	bySearch := func(id string) port.Entity {
		return port.Entity{Blueprint: "person", Properties: map[string]any{"name": "x"},
			Identifier: port.And(port.Cond("$identifier", "=", id))}
	}
	keys, errs := e.a.RegisterEach(e.ctx, []port.Entity{
		bySearch("p1"), person("p2", nil), ent("person", "p3", nil, map[string]any{"manager": "ghost"}), bySearch("nobody"),
	}, Options{Merge: true})
	want := []port.Key{{Blueprint: "person", Identifier: "p1"}, {Blueprint: "person", Identifier: "p2"}, {}, {}}
	if !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	for i, err := range errs {
		if (err != nil) != (i == 2) {
			t.Errorf("entity %d: error %v; only the one relating to a missing target fails", i, err)
		}
	}
}

// UnregisterEach tells, per entity, why it may still be in Port.
func TestUnregisterEach(t *testing.T) {
	tests := []struct {
		name   string
		fault  localport.Fault
		failed []int // positions of p1, p2, f1 that fail
	}{
		{"a refused deletion fails its entity alone",
			localport.Fault{Method: http.MethodDelete, Path: "/v1/blueprints/person/entities/p2", Status: http.StatusForbidden}, []int{1}},
		// Whether f1 is ours is unknown too.
		{"a failed ownership check fails the entities it was for",
			localport.Fault{Method: http.MethodPost, Path: "/v1/entities/search", Status: http.StatusForbidden}, []int{0, 1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.seed(e.client, persons("p1", "p2")...)
			e.seed(e.newClient("someone-else"), persons("f1")...)
			e.srv.InjectFault(tt.fault)
			errs, err := e.a.UnregisterEach(e.ctx, persons("p1", "p2", "f1"), Options{})
			if err == nil {
				t.Error("no error for the call")
			}
			for i, err := range errs {
				if (err != nil) != slices.Contains(tt.failed, i) {
					t.Errorf("entity %d: error %v, want failure %v", i, err, slices.Contains(tt.failed, i))
				}
			}
			if m := e.missing("person/f1"); m != nil {
				t.Errorf("deleted an entity of someone else: %v", m)
			}
		})
	}
}

// BenchmarkLoadUnchanged measures the change-detection path: a resync batch of
// 2,000 entities already in Port, so nothing is written.
func BenchmarkLoadUnchanged(b *testing.B) {
	e := newEnv(b)
	batch := make([]port.Entity, 2000)
	for i := range batch {
		batch[i] = person(fmt.Sprintf("p%04d", i), map[string]any{
			"name": fmt.Sprint("person ", i), "age": i, "tags": []any{"a", "b"}, "meta": map[string]any{"n": 1.5},
		})
		batch[i].Team = []any{"t2", "t1"}
	}
	opts := Options{Merge: true}
	if _, err := e.a.Load(e.ctx, batch, opts); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := e.a.Load(e.ctx, batch, opts)
		if err != nil || res.Unchanged != len(batch) {
			b.Fatalf("load: %+v, %v", countsOf(res), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(batch)), "µs/entity")
}
