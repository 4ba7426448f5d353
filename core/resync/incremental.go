package resync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/core/appconfig"
	"github.com/ocean-go/ocean/core/applier"
	"github.com/ocean-go/ocean/handlers"
)

// cursorLayout is how cursors are stored: Python's isoformat of a UTC
// instant, so that an Ocean integration and this one read each other's.
const cursorLayout = "2006-01-02T15:04:05.000000-07:00"

// SyncIncremental runs an incremental sync: in mapping order, each resource
// whose kind has an incremental handler, mapped and written as in a resync
// but with nothing deleted. The handlers read the resource's cursor from
// their context (oceanctx.CursorFrom): the start of the resource's last
// successful incremental sync or, the first time, interval before this one.
// A resource that succeeds gets this sync's start as its cursor. The first
// resource that fails stops the sync and keeps its cursor, so that the next
// sync fetches the same changes again.
//
// It neither aborts a running resync nor is aborted by one. The returned
// error is nil only when every resource it ran succeeded and Port accepted
// every entity.
func (e *Engine) SyncIncremental(ctx context.Context, trigger oceanctx.Trigger, interval time.Duration) (*Summary, error) {
	ctx, ev := e.Events.Begin(ctx, oceanctx.IncrementalResync, trigger, nil)
	defer e.Events.End(ev)
	log := e.Log.WithFields(logrus.Fields{"event_id": ev.ID, "event_trigger_type": trigger})
	sum := &Summary{EventID: ev.ID, StartedAt: ev.StartedAt, Incremental: true, Deletion: "nothing deleted: incremental sync"}
	ctx, requests := port.CountRequests(ctx)
	finish := func(err error) (*Summary, error) {
		sum.Requests = requests.ByRoute()
		return finishSync(ctx, sum, err, log)
	}
	// Cursors keep microseconds: the next sync must read back this very instant.
	start := ev.StartedAt.Truncate(time.Microsecond)

	mapping, err := e.Mapping(ctx, true)
	if err != nil {
		return finish(err)
	}
	log.WithField("resources", len(mapping.Resources)).Info("Incremental sync started")
	out := writer{a: e.Applier, opts: applierOptions(mapping, ev)}
	for i := range mapping.Resources {
		rc := &mapping.Resources[i]
		hs := e.Handlers.IncrementalHandlers(rc.Kind)
		if len(hs) == 0 {
			log.WithField("resource_kind", fmt.Sprintf("%s-%d", rc.Kind, i)).Info("No incremental handler: skipping the kind")
			continue
		}
		ks, err := e.incrementalResource(ctx, rc, i, hs, start, start.Add(-interval), out, log)
		sum.Kinds = append(sum.Kinds, ks)
		if ctx.Err() != nil {
			return finish(context.Cause(ctx))
		}
		if err != nil {
			sum.Deletion = fmt.Sprintf("nothing deleted: incremental sync stopped at %s-%d, its cursor not advanced", rc.Kind, i)
			return finish(fmt.Errorf("kind %s (resource %d): %w", rc.Kind, i, err))
		}
	}
	// Entities Port refused do not stop the sync nor hold its cursors back (as
	// in Ocean), but the sync did not complete.
	refused, first := 0, error(nil)
	for _, ks := range sum.Kinds {
		refused += ks.refused
		if first == nil {
			first = ks.refusal
		}
	}
	if refused > 0 {
		return finish(fmt.Errorf("%s could not be written to Port, the first: %w", entityCount(refused), first))
	}
	return finish(nil)
}

// incrementalResource runs one resource from its cursor (fallback when it has
// none) and, when it succeeded, advances the cursor to start.
func (e *Engine) incrementalResource(ctx context.Context, rc *appconfig.ResourceConfig, index int,
	hs []handlers.ResyncHandler, start, fallback time.Time, out sink, log logrus.FieldLogger) (KindSummary, error) {
	cursor, err := e.cursor(ctx, rc.Kind, index, fallback, log)
	if err != nil {
		ks := KindSummary{Kind: rc.Kind, Index: index, FailedBatches: 1}
		ks.addError(err)
		return ks, err
	}
	log = log.WithField("cursor", cursor.Format(time.RFC3339Nano))
	ks := e.processResource(oceanctx.WithCursor(ctx, cursor), rc, index, hs, out, log)
	if ctx.Err() != nil {
		return ks, context.Cause(ctx)
	}
	if len(ks.Errors) > 0 {
		return ks, errors.Join(ks.Errors...)
	}
	if err := e.Client.PutCursor(ctx, rc.Kind, index, start.UTC().Format(cursorLayout)); err != nil {
		err = fmt.Errorf("save the cursor: %w", err)
		ks.addError(err)
		return ks, err
	}
	return ks, nil
}

// cursor reads the stored cursor of a resource; fallback when there is none,
// or when it is not a timestamp (a run from fallback repairs it).
func (e *Engine) cursor(ctx context.Context, kind string, index int, fallback time.Time, log logrus.FieldLogger) (time.Time, error) {
	stored, err := e.Client.GetCursor(ctx, kind, index)
	if err != nil {
		return time.Time{}, fmt.Errorf("read the cursor: %w", err)
	}
	if stored == "" {
		return fallback, nil
	}
	t, err := time.Parse(time.RFC3339Nano, stored)
	if err != nil {
		log.WithField("cursor", stored).Warn("The stored cursor is not a timestamp; syncing from one interval ago")
		return fallback, nil
	}
	return t.UTC(), nil
}

// writer writes through the Applier without recording anything for
// reconciliation, which an incremental sync never runs.
type writer struct {
	a    *applier.Applier
	opts applier.Options
}

func (writer) TrackBlueprint(string, string) {}

func (writer) RetriesFailures() bool { return false }

func (w writer) Load(ctx context.Context, _ string, entities []port.Entity) (applier.LoadResult, error) {
	return w.a.Load(ctx, entities, w.opts)
}
