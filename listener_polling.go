package ocean

import (
	"context"
	"time"

	"github.com/ocean-go/ocean/config"
	"github.com/ocean-go/ocean/core/listeners"
	"github.com/ocean-go/ocean/internal/lifecycle"
)

// POLLING (the default): resync at start and whenever Port holds a new resync request.
func init() {
	registerListener(config.ListenerPolling, eventListener{
		build: func(ctx context.Context, a *App, ready func()) (lifecycle.Runnable, error) {
			if integ, err := a.client.GetIntegration(ctx); err == nil {
				a.noteResyncState(integ)
			}
			l := a.settings.EventListener
			p := listeners.Polling{
				Interval:      l.Interval,
				ResyncOnStart: l.ResyncOnStart,
				Requests:      a.client,
				Handled:       func() time.Time { return time.Unix(0, a.handledUntil.Load()) },
				Resync:        a.resyncJob(a.fullResync),
				Log:           a.log,
			}
			return lifecycle.Func(func(ctx context.Context) error {
				ready()
				return p.Start(ctx)
			}), nil
		},
	})
}
