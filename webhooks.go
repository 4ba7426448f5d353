package ocean

import (
	"context"
	"fmt"
	"strings"

	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/handlers"
	"github.com/ocean-go/ocean/internal/lifecycle"
	"github.com/ocean-go/ocean/internal/liveevents"
)

// AddWebhookProcessor serves POST /integration/<path> with p; several
// processors may share a path, each gets every event. The route answers 202
// with the event's id once it is queued (400 for a body that is not a JSON
// object or fails Validate, 401 when authentication fails, 413 above
// OCEAN__MAX_REQUEST_BODY_SIZE_IN_BYTES, 503 when the queue is full);
// OCEAN__EVENT_WORKERS_COUNT workers per path then process it and sync its
// results, with or without OCEAN__BASE_URL. Register processors before Sail.
func (a *App) AddWebhookProcessor(path string, p handlers.WebhookProcessor) {
	path = "/" + strings.Trim(path, "/")
	if a.webhooks.Register(path, p) {
		a.group.POST(path, a.webhooks.Handler(path))
	}
}

// startWebhooks runs the webhook manager, when there are processors. It is
// started before the HTTP server, so that it stops after it: the queues are
// drained once no event can arrive any more.
func (a *App) startWebhooks(ctx context.Context) {
	if a.webhooks.Empty() {
		return
	}
	s := a.settings
	if !s.EventListener.ShouldProcessWebhooks {
		a.webhooks.Off(fmt.Sprintf("the %s event listener does not process webhooks (OCEAN__EVENT_LISTENER__SHOULD_PROCESS_WEBHOOKS)",
			s.EventListener.Type))
		return
	}
	a.webhooks.Configure(liveevents.Options{
		Workers:    s.EventWorkersCount,
		Timeout:    s.MaxEventProcessingTime,
		DrainBound: s.MaxWaitBeforeShutdown,
		Sync: func(ctx context.Context, kind string, updated, deleted []any) error {
			e, err := a.engineReady(ctx)
			if err != nil {
				return err
			}
			return e.SyncRawResults(ctx, kind, updated, deleted)
		},
		Kinds: func(ctx context.Context) (map[string]bool, error) {
			e, err := a.engineReady(ctx)
			if err != nil {
				return nil, err
			}
			return e.MappedKinds(ctx)
		},
		Context: func(ctx context.Context) (context.Context, func()) {
			ctx, ev := a.events.Begin(ctx, oceanctx.HTTPRequest, oceanctx.Request, nil)
			return oceanctx.WithIntegrationConfig(ctx, s.Integration.Config), func() { a.events.End(ev) }
		},
		Log:     a.log.WithField("component", "webhooks"),
		Metrics: a.webhookMetrics,
	})
	a.parts.Go(ctx, "webhook manager", lifecycle.Func(a.webhooks.Run), s.MaxWaitBeforeShutdown+outcomeReportTimeout)
}
