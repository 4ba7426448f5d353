package resync

import (
	"context"
	"iter"
	"testing"

	oceanctx "github.com/ocean-go/ocean/context"
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
