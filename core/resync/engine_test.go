package resync

import (
	"context"
	"iter"
	"maps"
	"strings"
	"testing"

	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/handlers"
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
