package applier

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/localport"
)

type counts struct{ Created, Updated, Unchanged, Uncompared, Failed, Dropped int }

func countsOf(r LoadResult) counts {
	return counts{r.Created, r.Updated, r.Unchanged, r.Uncompared, r.Failed, r.Dropped}
}

func TestLoadChangeDetection(t *testing.T) {
	p := func(id string, props map[string]any) port.Entity { return person(id, props) }
	withTeam := func(e port.Entity, team any) port.Entity { e.Team = team; return e }
	search := func(id string) any {
		return map[string]any{"combinator": "and", "rules": []any{
			map[string]any{"property": "$identifier", "operator": "=", "value": id},
		}}
	}
	tests := []struct {
		name          string
		opts          Options
		first, second []port.Entity
		want          counts
		rewritten     []string // identifiers the second load must write
		cleared       []string // properties the last entity must no longer have in Port
	}{
		{
			name:   "unchanged data writes nothing",
			first:  []port.Entity{p("a", map[string]any{"name": "A", "tags": []any{"x"}, "meta": map[string]any{"k": 1}}), p("b", map[string]any{"name": "B"})},
			second: []port.Entity{p("a", map[string]any{"name": "A", "tags": []any{"x"}, "meta": map[string]any{"k": 1}}), p("b", map[string]any{"name": "B"})},
			want:   counts{Unchanged: 2},
		},
		{
			name:      "one property updated",
			first:     []port.Entity{p("a", map[string]any{"name": "A"}), p("b", map[string]any{"name": "B"})},
			second:    []port.Entity{p("a", map[string]any{"name": "A"}), p("b", map[string]any{"name": "B2"})},
			want:      counts{Updated: 1, Unchanged: 1},
			rewritten: []string{"b"},
		},
		{
			name:   "numbers compare by value",
			first:  []port.Entity{p("a", map[string]any{"age": json.Number("1.10"), "big": json.Number("12345678901234567891")})},
			second: []port.Entity{p("a", map[string]any{"age": 1.1, "big": json.Number("12345678901234567891")})},
			want:   counts{Unchanged: 1},
		},
		{
			name:      "big integers compare exactly",
			first:     []port.Entity{p("a", map[string]any{"big": json.Number("12345678901234567891")})},
			second:    []port.Entity{p("a", map[string]any{"big": json.Number("12345678901234567892")})},
			want:      counts{Updated: 1},
			rewritten: []string{"a"},
		},
		{
			name:   "null property equals absent",
			first:  []port.Entity{p("a", map[string]any{"name": "A", "age": nil})},
			second: []port.Entity{p("a", map[string]any{"name": "A", "age": nil})},
			want:   counts{Unchanged: 1},
		},
		{
			name:   "team order does not matter",
			first:  []port.Entity{withTeam(p("a", nil), []any{"x", "y"}), withTeam(p("b", nil), []any{"x"})},
			second: []port.Entity{withTeam(p("a", nil), []any{"y", "x"}), withTeam(p("b", nil), "x")},
			want:   counts{Unchanged: 2},
		},
		{
			name:      "team change is a change",
			first:     []port.Entity{withTeam(p("a", nil), []any{"x", "y"})},
			second:    []port.Entity{withTeam(p("a", nil), []any{"x"})},
			want:      counts{Updated: 1},
			rewritten: []string{"a"},
		},
		{
			name: "relations unchanged",
			first: []port.Entity{p("o", nil), ent("service", "s", map[string]any{"lang": "go"},
				map[string]any{"owner": "o", "deps": []any{"s2", "s3"}})},
			second: []port.Entity{ent("service", "s", map[string]any{"lang": "go"},
				map[string]any{"owner": "o", "deps": []any{"s2", "s3"}})},
			opts: Options{Merge: true, CreateMissingRelatedEntities: true},
			want: counts{Unchanged: 1},
		},
		{
			name:   "search identifiers compare as Port resolves them",
			first:  []port.Entity{p("a", map[string]any{"name": "A"})},
			second: []port.Entity{{Identifier: search("a"), Blueprint: "person", Title: str("a"), Properties: map[string]any{"name": "A"}}},
			want:   counts{Unchanged: 1},
		},
		{
			name:      "search identifier of a changed entity",
			first:     []port.Entity{p("a", map[string]any{"name": "A"})},
			second:    []port.Entity{{Identifier: search("a"), Blueprint: "person", Title: str("a"), Properties: map[string]any{"name": "A2"}}},
			want:      counts{Updated: 1},
			rewritten: []string{"a"},
		},
		{
			name: "search relations compare as Port resolves them",
			first: []port.Entity{p("o", map[string]any{"name": "O"}), ent("service", "s2", nil, nil), ent("service", "s3", nil, nil),
				ent("service", "s", map[string]any{"lang": "go"}, map[string]any{"owner": "o", "deps": []any{"s2", "s3"}})},
			second: []port.Entity{ent("service", "s", map[string]any{"lang": "go"}, map[string]any{
				"owner": search("o"),
				"deps": map[string]any{"combinator": "or", "rules": []any{
					map[string]any{"property": "$identifier", "operator": "=", "value": "s3"},
					map[string]any{"property": "$identifier", "operator": "=", "value": "s2"},
				}},
			})},
			opts: Options{Merge: true, CreateMissingRelatedEntities: true},
			want: counts{Unchanged: 1},
		},
		{
			name:  "a search relation on a property compares as resolved",
			first: []port.Entity{p("o", map[string]any{"name": "O"}), ent("service", "s", nil, map[string]any{"owner": "o"})},
			second: []port.Entity{ent("service", "s", nil, map[string]any{"owner": map[string]any{"combinator": "and", "rules": []any{
				map[string]any{"property": "name", "operator": "=", "value": "O"},
			}}})},
			opts: Options{Merge: true, CreateMissingRelatedEntities: true},
			want: counts{Unchanged: 1},
		},
		{
			name:      "a search relation resolving to another target is a change",
			first:     []port.Entity{p("o", nil), p("o2", nil), ent("service", "s", nil, map[string]any{"owner": "o"})},
			second:    []port.Entity{ent("service", "s", nil, map[string]any{"owner": search("o2")})},
			opts:      Options{Merge: true, CreateMissingRelatedEntities: true},
			want:      counts{Updated: 1},
			rewritten: []string{"service/s"},
		},
		{
			name:   "a search relation Port cannot resolve is written, and Port says why",
			first:  []port.Entity{p("o", nil), ent("service", "s", nil, map[string]any{"owner": "o"})},
			second: []port.Entity{ent("service", "s", nil, map[string]any{"owner": search("nobody")})},
			opts:   Options{Merge: true, CreateMissingRelatedEntities: true},
			want:   counts{Failed: 1},
		},
		{
			name:   "search identifier matching nothing is dropped",
			first:  []port.Entity{p("a", nil)},
			second: []port.Entity{{Identifier: search("nobody"), Blueprint: "person", Properties: map[string]any{"name": "N"}}},
			want:   counts{Dropped: 1},
		},
		{
			name:   "replace: unchanged without merge",
			opts:   Options{Merge: false},
			first:  []port.Entity{p("a", map[string]any{"name": "A"})},
			second: []port.Entity{p("a", map[string]any{"name": "A"})},
			want:   counts{Unchanged: 1},
		},
		{
			name:      "replace: a property the mapping no longer sets is cleared",
			opts:      Options{Merge: false},
			first:     []port.Entity{p("a", map[string]any{"name": "A", "age": 3})},
			second:    []port.Entity{p("a", map[string]any{"name": "A"})},
			want:      counts{Updated: 1},
			rewritten: []string{"a"},
			cleared:   []string{"age"},
		},
		{
			name:   "merge: a property the mapping no longer sets is left alone",
			opts:   Options{Merge: true},
			first:  []port.Entity{p("a", map[string]any{"name": "A", "age": 3})},
			second: []port.Entity{p("a", map[string]any{"name": "A"})},
			want:   counts{Unchanged: 1},
		},
		{
			name:      "duplicate keys in a batch are written in order",
			first:     []port.Entity{p("a", map[string]any{"name": "A"})},
			second:    []port.Entity{p("a", map[string]any{"name": "A"}), p("a", map[string]any{"name": "A2"})},
			want:      counts{Updated: 2},
			rewritten: []string{"a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if _, err := e.a.Load(e.ctx, tt.first, tt.opts); err != nil {
				t.Fatal(err)
			}
			before := e.updatedAt("person")
			maps.Copy(before, prefixed("service/", e.updatedAt("service")))
			time.Sleep(5 * time.Millisecond) // a rewrite gets a new millisecond stamp

			res, err := e.a.Load(e.ctx, tt.second, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := countsOf(res); got != tt.want {
				t.Errorf("counts = %+v, want %+v (failures %v)", got, tt.want, res.Failures)
			}
			after := e.updatedAt("person")
			maps.Copy(after, prefixed("service/", e.updatedAt("service")))
			var rewritten []string
			for id, at := range after {
				if before[id] != at {
					rewritten = append(rewritten, id)
				}
			}
			slices.Sort(rewritten)
			if !slices.Equal(rewritten, tt.rewritten) {
				t.Errorf("rewritten in Port = %v, want %v", rewritten, tt.rewritten)
			}
			last := tt.second[len(tt.second)-1]
			if id, ok := last.ID(); ok && last.Blueprint == "person" {
				got := e.entity("person", id)["properties"].(map[string]any)
				for k, v := range last.Properties {
					if !jsonEqual(got[k], v) {
						t.Errorf("Port has %s=%v, want %v", k, got[k], v)
					}
				}
				for _, k := range tt.cleared {
					if v, ok := got[k]; ok && v != nil {
						t.Errorf("Port still has %s=%v", k, v)
					}
				}
			}
		})
	}
}

func prefixed(prefix string, m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[prefix+k] = v
	}
	return out
}

// Port answering 429 and 503 to writes and searches loses nothing.
func TestLoadSurvivesFaults(t *testing.T) {
	e := newEnv(t)
	var batch []port.Entity
	for i := range 100 {
		batch = append(batch, person(fmt.Sprintf("p%03d", i), map[string]any{"name": fmt.Sprint(i)}))
	}
	opts := Options{Merge: true}
	e.srv.InjectFault(localport.Fault{Method: "POST", Path: "/v1/blueprints/*/entities/bulk", Status: 429, RetryAfter: time.Second, Count: 2})
	e.srv.InjectFault(localport.Fault{Method: "POST", Path: "/v1/blueprints/*/entities/bulk", Status: 503, Count: 3})
	e.srv.InjectFault(localport.Fault{Method: "POST", Path: "/v1/entities/search", Status: 503, Count: 3})
	res, err := e.a.Load(e.ctx, batch, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := countsOf(res); got != (counts{Created: 100}) {
		t.Fatalf("first load: %+v", got)
	}

	// Searches keep failing: every entity is written rather than skipped.
	for i := range batch[:10] {
		batch[i].Properties["name"] = "changed"
	}
	e.srv.InjectFault(localport.Fault{Method: "POST", Path: "/v1/entities/search", Status: 503, Fraction: 0.5})
	e.srv.InjectFault(localport.Fault{Method: "POST", Path: "/v1/blueprints/*/entities/bulk", Status: 429, RetryAfter: time.Second, Count: 1})
	res, err = e.a.Load(e.ctx, batch, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != 0 || res.Created+res.Updated+res.Unchanged != 100 || res.Updated < 10 {
		t.Fatalf("second load: %+v", countsOf(res))
	}
	for _, en := range batch {
		id, _ := en.ID()
		got := e.entity("person", id)
		if got == nil || got["properties"].(map[string]any)["name"] != en.Properties["name"] {
			t.Errorf("%s in Port = %v, want name %v", id, got, en.Properties["name"])
		}
	}
}
