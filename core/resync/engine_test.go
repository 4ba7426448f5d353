package resync

import (
	"context"
	"errors"
	"iter"
	"maps"
	"strings"
	"testing"
	"time"

	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/handlers"
	"github.com/ocean-go/ocean/localport"
)

// TestSyncRawAllAbortedHandler checks that a resync aborted mid-kind ends as
// aborted, whatever the handler does once the engine stopped reading it.
func TestSyncRawAllAbortedHandler(t *testing.T) {
	// Each handler aborts the resync (as a newer one would) after its first
	// batch, then misbehaves in its own way.
	tests := []struct {
		name    string
		handler func(ctx context.Context, yield func([]any, error) bool)
	}{
		{"stops when told", func(ctx context.Context, yield func([]any, error) bool) {
			for _, b := range [][]any{people("a"), people("b"), people("c")} {
				if !yield(b, nil) {
					return
				}
				oceanctx.EventFrom(ctx).Abort(nil)
			}
		}},
		{"ignores yield's result", func(ctx context.Context, yield func([]any, error) bool) {
			for _, b := range [][]any{people("a"), people("b"), people("c")} {
				yield(b, nil)
				oceanctx.EventFrom(ctx).Abort(nil)
			}
		}},
		{"panics once stopped", func(ctx context.Context, yield func([]any, error) bool) {
			yield(people("a"), nil)
			oceanctx.EventFrom(ctx).Abort(nil)
			if !yield(people("b"), nil) {
				panic("stopped")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			e.Handlers.OnResync("person", func(ctx context.Context, _ string) iter.Seq2[[]any, error] {
				return func(yield func([]any, error) bool) { tt.handler(ctx, yield) }
			})
			var (
				sum *Summary
				err error
			)
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("SyncRawAll panicked: %v", r)
					}
				}()
				sum, err = e.SyncRawAll(t.Context(), oceanctx.Manual)
			}()
			if err == nil || sum.Status != Aborted {
				t.Errorf("status %v, err %v; want aborted", sum.Status, err)
			}
		})
	}
}

// A mapping field that does not compile fails its kind: nothing is written
// (no nulls over Port's values) and nothing is deleted.
func TestSyncRawAllFieldThatDoesNotCompile(t *testing.T) {
	broken := personResource("true", ".id")
	broken["port"].(map[string]any)["entity"].(map[string]any)["mappings"].(map[string]any)["properties"] =
		map[string]any{"name": ".name | ascii_upcase("}
	e := newEngine(t, mapping(broken))
	seed(t, e, "a", "gone")
	e.Handlers.OnResync("person", handlers.List(func(context.Context, string) ([]any, error) {
		return []any{map[string]any{"id": "a", "name": "new"}}, nil
	}))
	sum, err := e.SyncRawAll(t.Context(), oceanctx.Manual)
	if err == nil || sum.Status != Failed {
		t.Fatalf("status %v, err %v; want failed", sum.Status, err)
	}
	if !strings.Contains(err.Error(), `properties.name ".name | ascii_upcase("`) {
		t.Errorf("the error does not name the field: %v", err)
	}
	if got := names(t, e); !maps.Equal(got, map[string]any{"a": "a", "gone": "gone"}) {
		t.Errorf("persons %v; want them untouched", got)
	}
}

// An entity Port still refuses after the end-of-resync retry fails the
// resync: its status, error and counts say so, and resync-complete hooks do
// not run. Stale entities are still deleted (the refused ones count as
// produced, so they never are).
func TestSyncRawAllFailsWhenEntitiesStayUnwritten(t *testing.T) {
	bulk := localport.Fault{Method: "POST", Path: "/v1/blueprints/*/entities/bulk", Status: 500, Count: 1}
	single := localport.Fault{Method: "POST", Path: "/v1/blueprints/*/entities", Status: 500}
	tests := []struct {
		name          string
		createMissing bool
		faults        []localport.Fault
		want          Status
		created       int
		failed        int
	}{
		{name: "the end retry recovers the batch", faults: []localport.Fault{bulk}, want: Completed, created: 3},
		{name: "the end retry fails too", faults: []localport.Fault{bulk, single}, want: Failed, failed: 3},
		{name: "no end retry when Port creates missing targets", createMissing: true, faults: []localport.Fault{bulk}, want: Failed, failed: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mapping(personResource("true", ".id"))
			m["createMissingRelatedEntities"] = tt.createMissing
			e, srv := newEngineOn(t, m)
			seed(t, e, "gone")
			e.Handlers.OnResync("person", handlers.List(func(context.Context, string) ([]any, error) {
				return people("a", "b", "c"), nil
			}))
			completed := 0
			e.Handlers.OnResyncComplete(func(context.Context) error { completed++; return nil })
			for _, f := range tt.faults {
				srv.InjectFault(f)
			}
			sum, err := e.SyncRawAll(t.Context(), oceanctx.Manual)
			tot := sum.Totals()
			if sum.Status != tt.want || (err == nil) != (tt.want == Completed) {
				t.Fatalf("status %v, err %v; want %v", sum.Status, err, tt.want)
			}
			if tot.Created != tt.created || tot.Failed != tt.failed {
				t.Errorf("created %d, failed %d; want %d, %d", tot.Created, tot.Failed, tt.created, tt.failed)
			}
			if tt.want == Failed && !strings.Contains(err.Error(), "3 entities could not be written to Port") {
				t.Errorf("the error does not say what failed: %v", err)
			}
			if wantHooks := map[Status]int{Completed: 1}[tt.want]; completed != wantHooks {
				t.Errorf("resync-complete hooks ran %d times, want %d", completed, wantHooks)
			}
			if _, ok := names(t, e)["gone"]; ok || tot.Deleted != 1 {
				t.Errorf("deleted %d; want the stale person deleted", tot.Deleted)
			}
		})
	}
}

// A raw batch the handler fails to fetch is a failed batch, not a failed
// entity: the summary keeps them apart.
func TestSyncRawAllCountsFailedBatchesApart(t *testing.T) {
	e := newEngine(t)
	e.Handlers.OnResync("person", func(context.Context, string) iter.Seq2[[]any, error] {
		return func(yield func([]any, error) bool) {
			_ = yield(people("a"), nil) && yield(nil, errors.New("page 2: 502")) && yield(people("b"), nil)
		}
	})
	sum, err := e.SyncRawAll(t.Context(), oceanctx.Manual)
	if err == nil || sum.Status != Failed {
		t.Fatalf("status %v, err %v; want failed", sum.Status, err)
	}
	tot := sum.Totals()
	if got := [3]int{tot.Created, tot.Failed, tot.FailedBatches}; got != [3]int{2, 0, 1} {
		t.Errorf("created, failed, failed batches = %v, want [2 0 1]", got)
	}
}

// An incremental sync whose entities Port refuses did not complete either.
func TestSyncIncrementalFailsWhenEntitiesStayUnwritten(t *testing.T) {
	e, srv := newEngineOn(t)
	e.Handlers.OnIncrementalResync("person", handlers.List(func(context.Context, string) ([]any, error) {
		return people("a", "b"), nil
	}))
	srv.InjectFault(localport.Fault{Method: "POST", Path: "/v1/blueprints/*/entities/bulk", Status: 500, Count: 1})
	sum, err := e.SyncIncremental(t.Context(), oceanctx.Manual, time.Hour)
	if err == nil || sum.Status != Failed || !strings.Contains(err.Error(), "2 entities could not be written to Port") {
		t.Fatalf("status %v, err %v; want failed, naming the 2 entities", sum.Status, err)
	}
	if got := sum.Totals().Failed; got != 2 {
		t.Errorf("failed %d, want 2", got)
	}
}

// A second resync over the same data writes nothing, whatever the mapping
// uses: relations and identifiers given by search queries compare as Port
// resolved them. An entity found through a search identifier stays produced,
// so it is not deleted as stale.
func TestSyncRawAllTwiceWithSearchQueries(t *testing.T) {
	eq := func(prop, op, value string) map[string]any {
		return map[string]any{"property": prop, "operator": op, "value": value}
	}
	query := func(comb string, rules ...any) map[string]any {
		return map[string]any{"combinator": comb, "rules": rules}
	}
	member := map[string]any{
		"kind": "member", "selector": map[string]any{"query": "true"},
		"port": map[string]any{"entity": map[string]any{"mappings": map[string]any{
			"identifier": ".id", "title": ".id", "blueprint": `"member"`,
			"relations": map[string]any{
				"buddy":    query(`"and"`, eq(`"$identifier"`, `"="`, ".buddy")),
				"friends":  query(`"and"`, eq(`"$identifier"`, `"in"`, ".friends")),
				"namesake": query(`"and"`, eq(`"name"`, `"="`, ".namesake")),
			},
		}}},
	}
	byName := map[string]any{
		"kind": "person-by-name", "selector": map[string]any{"query": "true"},
		"port": map[string]any{"entity": map[string]any{"mappings": map[string]any{
			"identifier": query(`"and"`, eq(`"name"`, `"="`, ".name")), "blueprint": `"person"`,
			"properties": map[string]any{"name": ".name"},
		}}},
	}
	e := newEngine(t, mapping(personResource("true", ".id"), member, byName))
	ctx := t.Context()
	if _, err := e.Client.CreateBlueprint(ctx, map[string]any{"identifier": "member", "title": "Member",
		"schema": map[string]any{"properties": map[string]any{}}, "relations": map[string]any{
			"buddy":    map[string]any{"target": "person", "many": false},
			"friends":  map[string]any{"target": "person", "many": true},
			"namesake": map[string]any{"target": "person", "many": false},
		}}); err != nil {
		t.Fatal(err)
	}
	seed(t, e, "x") // not produced by the person kind: only found by name
	e.Handlers.OnResync("person", handlers.List(func(context.Context, string) ([]any, error) {
		return people("a", "b", "c"), nil
	}))
	e.Handlers.OnResync("member", handlers.List(func(context.Context, string) ([]any, error) {
		return []any{
			map[string]any{"id": "m1", "buddy": "a", "friends": []any{"c", "b"}, "namesake": "x"},
			map[string]any{"id": "m2", "buddy": "b", "friends": []any{}, "namesake": "a"},
		}, nil
	}))
	e.Handlers.OnResync("person-by-name", handlers.List(func(context.Context, string) ([]any, error) {
		return []any{map[string]any{"name": "x"}}, nil
	}))
	for run := range 2 {
		sum, err := e.SyncRawAll(ctx, oceanctx.Manual)
		if err != nil {
			t.Fatalf("resync %d: %v", run+1, err)
		}
		tot := sum.Totals()
		if run == 0 {
			continue
		}
		if got := [4]int{tot.Created, tot.Updated, tot.Uncompared, tot.Deleted}; got != [4]int{} {
			t.Errorf("second resync: created, updated, uncompared, deleted = %v; want nothing written or deleted", got)
		}
		if tot.Unchanged != 6 {
			t.Errorf("second resync: %d unchanged, want 6", tot.Unchanged)
		}
	}
	if _, ok := names(t, e)["x"]; !ok {
		t.Error("x, found by a search identifier, was deleted")
	}
}

// Errors a user fixes in the mapping read once, each part named once.
func TestSyncRawAllMappingErrorText(t *testing.T) {
	nested := personResource("true", ".id")
	nested["port"].(map[string]any)["itemsToParse"] = ".members"
	tests := []struct {
		name   string
		config map[string]any
		want   string
	}{
		{"invalid mapping", mapping(map[string]any{"selector": map[string]any{"query": "true"}}),
			"the integration's mapping in Port: invalid port app config: resources[0].kind"},
		{"itemsToParse on a bad item", mapping(nested), `item 0: itemsToParse ".members" must give a list, got string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, tt.config)
			e.Handlers.OnResync("person", handlers.List(func(context.Context, string) ([]any, error) {
				return []any{map[string]any{"id": "a", "members": "not a list"}}, nil
			}))
			_, err := e.SyncRawAll(t.Context(), oceanctx.Manual)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v; want it to contain %q", err, tt.want)
			}
			for _, twice := range []string{"invalid port app config", "itemsToParse"} {
				if strings.Count(err.Error(), twice) > 1 {
					t.Errorf("%q is said more than once: %v", twice, err)
				}
			}
		})
	}
}
