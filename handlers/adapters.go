package handlers

import (
	"context"
	"iter"
)

// List adapts a handler that returns all items of a kind at once. Prefer Stream
// for large kinds: a list is held in memory whole.
func List[T any](fn func(ctx context.Context, kind string) ([]T, error)) ResyncHandler {
	return func(ctx context.Context, kind string) iter.Seq2[[]any, error] {
		return func(yield func([]any, error) bool) {
			items, err := fn(ctx, kind)
			if err != nil {
				yield(nil, err)
				return
			}
			yield(toAny(items), nil)
		}
	}
}

// Stream adapts a handler that streams batches of typed items.
func Stream[T any](fn func(ctx context.Context, kind string) iter.Seq2[[]T, error]) ResyncHandler {
	return func(ctx context.Context, kind string) iter.Seq2[[]any, error] {
		return func(yield func([]any, error) bool) {
			for batch, err := range fn(ctx, kind) {
				if !yield(toAny(batch), err) {
					return
				}
			}
		}
	}
}

func toAny[T any](items []T) []any {
	if items == nil {
		return nil
	}
	if same, ok := any(items).([]any); ok {
		return same
	}
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}
