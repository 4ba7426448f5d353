package ocean

import (
	"context"

	"github.com/ocean-go/ocean/config"
	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/core/listeners"
	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/internal/lifecycle"
)

// ONCE: one resync (or, when enabled, one incremental sync), then the App stops.
func init() {
	registerListener(config.ListenerOnce, eventListener{
		build: func(_ context.Context, a *App, ready func()) (lifecycle.Runnable, error) {
			ready()
			if !a.incremental() {
				return listeners.Once{Resync: a.resyncJob(a.fullResync)}, nil
			}
			interval := a.settings.Integration.IncrementalSyncInterval
			return listeners.Once{Resync: a.resyncJob(func(ctx context.Context) (*resync.Summary, error) {
				return a.engine.SyncIncremental(ctx, oceanctx.Machine, interval)
			})}, nil
		},
	})
}
