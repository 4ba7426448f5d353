package handlers_test

import (
	"context"
	"errors"
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/handlers"
)

type person struct {
	Name string `json:"name"`
}

// collect drains a handler, recording batches and errors.
func collect(t *testing.T, h handlers.ResyncHandler) (batches [][]any, errs []error) {
	t.Helper()
	for b, err := range h(context.Background(), "k") {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		batches = append(batches, b)
	}
	return batches, errs
}

func TestAdapters(t *testing.T) {
	boom := errors.New("page 2 failed")
	tests := []struct {
		name        string
		h           handlers.ResyncHandler
		wantBatches [][]any
		wantErrs    int
	}{
		{
			name: "list of structs",
			h: handlers.List(func(context.Context, string) ([]person, error) {
				return []person{{"a"}, {"b"}}, nil
			}),
			wantBatches: [][]any{{person{"a"}, person{"b"}}},
		},
		{
			name:     "list error",
			h:        handlers.List(func(context.Context, string) ([]any, error) { return nil, boom }),
			wantErrs: 1,
		},
		{
			name: "stream with a failed page keeps going",
			h: handlers.Stream(func(context.Context, string) iter.Seq2[[]person, error] {
				return func(yield func([]person, error) bool) {
					_ = yield([]person{{"a"}}, nil) && yield(nil, boom) && yield([]person{{"c"}}, nil)
				}
			}),
			wantBatches: [][]any{{person{"a"}}, {person{"c"}}},
			wantErrs:    1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			batches, errs := collect(t, tt.h)
			assert.Equal(t, tt.wantBatches, batches)
			assert.Len(t, errs, tt.wantErrs)
		})
	}
}

func TestStreamStopsWhenConsumerStops(t *testing.T) {
	pulled := 0
	h := handlers.Stream(func(context.Context, string) iter.Seq2[[]int, error] {
		return func(yield func([]int, error) bool) {
			for i := range 10 {
				pulled++
				if !yield([]int{i}, nil) {
					return
				}
			}
		}
	})
	for range h(context.Background(), "k") {
		break
	}
	assert.Equal(t, 1, pulled)
}

func TestRegistryOrder(t *testing.T) {
	var r handlers.Registry
	assert.False(t, r.HasResync())
	mk := func(tag string) handlers.ResyncHandler {
		return handlers.List(func(context.Context, string) ([]string, error) { return []string{tag}, nil })
	}
	r.OnResync("", mk("generic"))
	r.OnResync("b", mk("b1"))
	r.OnResync("a", mk("a1"))
	r.OnResync("b", mk("b2"))
	require.True(t, r.HasResync())
	assert.Equal(t, []string{"a", "b"}, r.Kinds())

	var got []any
	for _, h := range r.ResyncHandlers("b") {
		batches, _ := collect(t, h)
		got = append(got, batches[0]...)
	}
	assert.Equal(t, []any{"b1", "b2", "generic"}, got, "kind-specific handlers first, then generic")
	assert.Len(t, r.ResyncHandlers("unknown"), 1, "an unknown kind gets the generic handler")

	var calls []string
	r.OnStart(func(context.Context) error { calls = append(calls, "start"); return nil })
	r.OnResyncStart(func(context.Context) error { calls = append(calls, "rs"); return nil })
	r.OnResyncComplete(func(context.Context) error { calls = append(calls, "rc"); return nil })
	for _, hs := range [][]handlers.Hook{r.StartHooks(), r.ResyncStartHooks(), r.ResyncCompleteHooks()} {
		for _, h := range hs {
			require.NoError(t, h(context.Background()))
		}
	}
	assert.Equal(t, []string{"start", "rs", "rc"}, calls)
}

func TestRegistryIncrementalHandlers(t *testing.T) {
	var r handlers.Registry
	mk := func(tag string) handlers.ResyncHandler {
		return handlers.List(func(context.Context, string) ([]string, error) { return []string{tag}, nil })
	}
	r.OnResync("a", mk("full"))
	assert.Empty(t, r.IncrementalHandlers("a"), "a resync handler is not an incremental one")

	r.OnIncrementalResync("", mk("generic"))
	r.OnIncrementalResync("a", mk("a1"))
	r.OnIncrementalResync("a", mk("a2"))
	var got []any
	for _, h := range r.IncrementalHandlers("a") {
		batches, _ := collect(t, h)
		got = append(got, batches[0]...)
	}
	assert.Equal(t, []any{"a1", "a2", "generic"}, got, "kind-specific handlers first, then generic")
	assert.Len(t, r.IncrementalHandlers("b"), 1, "another kind gets the generic handler")
	assert.Len(t, r.ResyncHandlers("b"), 0, "incremental handlers are not resync handlers")
	assert.Equal(t, []string{"a"}, r.Kinds(), "Kinds lists resync kinds only")
}
