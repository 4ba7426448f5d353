package port

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"golang.org/x/sync/errgroup"
)

// forEach runs fn(ctx, i) for i in [0, n), at most limit at a time. The first
// error cancels ctx for the rest and is returned; a panic in fn becomes an error.
func forEach(ctx context.Context, n, limit int, fn func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i := range n {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("port: panic in worker: %v\n%s", r, debug.Stack())
				}
			}()
			return fn(gctx, i)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// fatal reports errors after which no further request of a bulk call can
// succeed: the caller's context ended, or Port refuses the credentials.
func fatal(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, ErrBadCredentials)
}
