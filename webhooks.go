package ocean

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/ocean-go/ocean/config"
	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/handlers"
	"github.com/ocean-go/ocean/internal/kafkaconn"
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

// configureWebhooks sets the webhook manager up, when there are processors;
// an error for settings it cannot run with (checked before anything starts).
func (a *App) configureWebhooks() error {
	s := a.settings
	if a.webhooks.Empty() {
		if s.LiveEvents.Queue == config.QueueKafka {
			a.log.Warn("No webhook processor is registered: the Kafka queue of live events (OCEAN__LIVE_EVENTS__QUEUE) is not used")
		}
		return nil
	}
	if !s.EventListener.ShouldProcessWebhooks {
		a.webhooks.Off(fmt.Sprintf("the %s event listener does not process webhooks (OCEAN__EVENT_LISTENER__SHOULD_PROCESS_WEBHOOKS)",
			s.EventListener.Type))
		return nil
	}
	return a.webhooks.Configure(liveevents.Options{
		Workers:    s.EventWorkersCount,
		Timeout:    s.MaxEventProcessingTime,
		DrainBound: s.MaxWaitBeforeShutdown,
		Sync: func(ctx context.Context, changes []liveevents.Change) []error {
			e, err := a.engineReady(ctx)
			if err != nil {
				errs := make([]error, len(changes))
				for i := range errs {
					errs[i] = err
				}
				return errs
			}
			raw := make([]resync.RawChange, len(changes))
			for i, c := range changes {
				raw[i] = resync.RawChange(c)
			}
			return e.SyncRawBatch(ctx, raw)
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
		Kafka:   a.liveEventsKafka(),
	})
}

// liveEventsKafka is the Kafka queue of live events, nil when they are
// queued in memory. Its topic and group are named after the integration, so
// that every replica of it shares them.
func (a *App) liveEventsKafka() *liveevents.KafkaOptions {
	s := a.settings
	if s.LiveEvents.Queue != config.QueueKafka {
		return nil
	}
	k := s.LiveEvents.Kafka
	topic := cmp.Or(k.Topic, "ocean."+s.Integration.Type+"."+s.Integration.Identifier+".live-events")
	return &liveevents.KafkaOptions{
		Brokers: k.Brokers,
		Security: kafkaconn.Security{Protocol: k.SecurityProtocol, Mechanism: k.AuthenticationMechanism,
			Username: k.Username, Password: k.Password},
		Topic:             topic,
		DeadLetterTopic:   cmp.Or(k.DeadLetterTopic, topic+".dead-letter"),
		GroupID:           cmp.Or(k.GroupID, topic),
		Partitions:        k.Partitions,
		ReplicationFactor: k.ReplicationFactor,
	}
}

// startWebhooks runs the webhook manager, when it processes webhooks. It is
// started before the HTTP server, so that it stops after it: the queues are
// drained once no event can arrive any more.
func (a *App) startWebhooks(ctx context.Context) {
	if a.webhooks.Empty() || !a.settings.EventListener.ShouldProcessWebhooks {
		return
	}
	a.parts.Go(ctx, "webhook manager", lifecycle.Func(a.webhooks.Run), a.settings.MaxWaitBeforeShutdown+outcomeReportTimeout)
}
