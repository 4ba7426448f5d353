package resync

import (
	"context"
	"iter"
)

// readAhead yields what seq yields, in order, running seq in a goroutine of
// its own one batch ahead: the handler fetches its next page while the
// previous one is mapped and written, so neither the third-party API nor
// Port waits for the other. At most one batch waits beside the one the loop
// holds. When the loop stops early, the context seq got is cancelled and its
// yield returns false; readAhead returns only once seq has.
func readAhead(ctx context.Context, seq func(context.Context) iter.Seq2[[]any, error]) iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		type batch struct {
			items []any
			err   error
		}
		next := make(chan batch) // unbuffered: the one waiting is the producer's
		go func() {
			defer close(next)
			for items, err := range seq(ctx) {
				select {
				case next <- batch{items, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
		defer func() {
			cancel()
			for range next { // until seq returned
			}
		}()
		for b := range next {
			if !yield(b.items, b.err) {
				return
			}
		}
	}
}
