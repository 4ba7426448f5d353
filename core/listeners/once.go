package listeners

import "context"

// Once runs one resync and returns its error: the process exits 0 only when
// the resync completed.
type Once struct {
	Resync func(ctx context.Context) error
}

// Start runs the resync.
func (o Once) Start(ctx context.Context) error { return o.Resync(ctx) }
