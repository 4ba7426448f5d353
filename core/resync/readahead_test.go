package resync

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"
)

func TestReadAheadYieldsInOrder(t *testing.T) {
	boom := errors.New("page 2 failed")
	seq := func(context.Context) iter.Seq2[[]any, error] {
		return func(yield func([]any, error) bool) {
			for _, b := range []struct {
				items []any
				err   error
			}{{[]any{1, 2}, nil}, {nil, boom}, {[]any{3}, nil}} {
				if !yield(b.items, b.err) {
					return
				}
			}
		}
	}
	var got []any
	var errs []error
	for items, err := range readAhead(t.Context(), seq) {
		got = append(got, items...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Errorf("items %v, want [1 2 3]", got)
	}
	if len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Errorf("errors %v, want [%v]", errs, boom)
	}
}

// The handler fetches the next batch while the loop still holds the first.
func TestReadAheadFetchesWhileTheLoopWorks(t *testing.T) {
	fetched := make(chan int, 3)
	seq := func(context.Context) iter.Seq2[[]any, error] {
		return func(yield func([]any, error) bool) {
			for i := range 3 {
				fetched <- i
				if !yield([]any{i}, nil) {
					return
				}
			}
		}
	}
	first := true
	for range readAhead(t.Context(), seq) {
		if !first {
			continue
		}
		first = false
		<-fetched // the first batch's
		select {
		case i := <-fetched:
			if i != 1 {
				t.Fatalf("fetched batch %d ahead, want 1", i)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the second batch was not fetched while the first was held")
		}
	}
}

// Stopping the loop cancels the handler's context and stops its yield, and
// the loop returns only once the handler has.
func TestReadAheadStopsTheHandler(t *testing.T) {
	returned := false
	var handlerCtx context.Context
	seq := func(ctx context.Context) iter.Seq2[[]any, error] {
		handlerCtx = ctx
		return func(yield func([]any, error) bool) {
			defer func() { returned = true }()
			for i := 0; ; i++ {
				if !yield([]any{i}, nil) {
					return
				}
			}
		}
	}
	for range readAhead(t.Context(), seq) {
		break
	}
	if !returned {
		t.Error("readAhead returned before the handler did")
	}
	if handlerCtx.Err() == nil {
		t.Error("the handler's context is still live after the loop stopped")
	}
}
