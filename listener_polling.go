package ocean

import (
	"context"
	"time"

	"github.com/ocean-go/ocean/config"
	"github.com/ocean-go/ocean/core/listeners"
	"github.com/ocean-go/ocean/internal/lifecycle"
)

// pollingOptions are the POLLING listener's own keys.
type pollingOptions struct {
	// ResyncOnStart resyncs as soon as the integration is initialised.
	ResyncOnStart bool `json:"resync_on_start"`
	// Interval is how often Port is asked for a new resync request.
	Interval time.Duration `json:"interval"`
}

// POLLING (the default): resync at start and whenever Port holds a new resync request.
func init() {
	registerListener(config.ListenerPolling, eventListener{
		options: func(k config.ListenerKeys) any {
			return pollingOptions{
				ResyncOnStart: k.Bool("resync_on_start", true),
				Interval:      k.Seconds("interval", 60*time.Second),
			}
		},
		build: func(ctx context.Context, a *App, ready func()) (lifecycle.Runnable, error) {
			if integ, err := a.client.GetIntegration(ctx); err == nil {
				a.noteResyncState(integ)
			}
			o := a.settings.EventListener.Options.(pollingOptions)
			p := listeners.Polling{
				Interval:      o.Interval,
				ResyncOnStart: o.ResyncOnStart,
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
