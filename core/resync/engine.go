package resync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/core/appconfig"
	"github.com/ocean-go/ocean/core/applier"
	"github.com/ocean-go/ocean/core/processor"
	"github.com/ocean-go/ocean/handlers"
)

// ErrEmptyMapping is returned when the integration in Port has no port app
// config: a resync then does nothing, and in particular deletes nothing.
var ErrEmptyMapping = errors.New("the integration's mapping (port app config) is empty")

// Engine runs resyncs and the other sync operations. Its fields are set once,
// before the first call; it is safe for concurrent use after that.
type Engine struct {
	Client    *port.Client
	Handlers  *handlers.Registry
	Processor *processor.Processor
	Applier   *applier.Applier
	Events    *oceanctx.Tracker
	Log       logrus.FieldLogger

	// IntegrationConfig is handed to handlers through their context.
	IntegrationConfig any
	// SendExamples uploads up to 5 raw items per kind per resync to Port, for
	// the mapping editor. Redact, when set, masks secrets in them first.
	SendExamples bool
	Redact       func(any) any
	// ChunkSize bounds how many raw items are mapped and written at once, so a
	// handler returning one huge batch does not hold all its entities at once.
	ChunkSize int
	// MappingTTL is how long operations other than a resync reuse the mapping.
	MappingTTL time.Duration
	// Observer, when set, is told how each full resync progresses.
	Observer Observer
	// StrictMapping refuses a mapping with unknown keys (misspelt ones,
	// like propertes:); without it they are logged as warnings.
	StrictMapping bool
	// DryRun plans instead of writing: set it with an Applier of
	// applier.NewDryRun. Raw data examples are not uploaded and the summary
	// names the first entities of each change.
	DryRun bool
	// FallbackMapping is the mapping a resync uses when Port has none (the
	// integration does not exist yet, or has an empty mapping): a dry run of a
	// first start plans with the default mapping it would be created with.
	FallbackMapping json.RawMessage

	mu          sync.Mutex
	cached      *appconfig.PortAppConfig
	cachedUntil time.Time
}

const (
	progressEvery    = 5 * time.Second // progress lines while a kind runs long
	defaultChunkSize = 1000
	examplesPerKind  = 5
)

// Mapping fetches the integration's mapping from Port. With fresh false it may
// return a copy fetched less than MappingTTL ago.
func (e *Engine) Mapping(ctx context.Context, fresh bool) (*appconfig.PortAppConfig, error) {
	e.mu.Lock()
	if !fresh && e.cached != nil && time.Now().Before(e.cachedUntil) {
		c := e.cached
		e.mu.Unlock()
		return c, nil
	}
	e.mu.Unlock()

	raw, err := e.rawMapping(ctx)
	if err != nil {
		return nil, err
	}
	parse := appconfig.Parse
	if e.StrictMapping {
		parse = appconfig.ParseStrict
	}
	cfg, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("the integration's mapping in Port: %w", err) // %w says "invalid port app config"
	}
	for _, u := range cfg.Unknown {
		e.Log.WithField("key", u.Path).Warn("Ignoring a key of the mapping: " + u.String())
	}
	e.mu.Lock()
	e.cached, e.cachedUntil = cfg, time.Now().Add(e.MappingTTL)
	e.mu.Unlock()
	if ev := oceanctx.EventFrom(ctx); ev != nil {
		ev.SetPortAppConfig(cfg)
	}
	return cfg, nil
}

// rawMapping is the integration's mapping in Port, or FallbackMapping when
// Port has none.
func (e *Engine) rawMapping(ctx context.Context) (json.RawMessage, error) {
	integ, err := e.Client.GetIntegration(ctx)
	switch {
	case errors.Is(err, port.ErrNotFound) && e.FallbackMapping != nil:
		return e.FallbackMapping, nil
	case err != nil:
		return nil, fmt.Errorf("read the mapping: %w", err)
	case integ.HasConfig():
		return integ.Config, nil
	case e.FallbackMapping != nil:
		return e.FallbackMapping, nil
	}
	return nil, ErrEmptyMapping
}

// SyncRawAll runs a full resync: every resource of the mapping in order, then
// reconciliation. Beginning it aborts any older running resync; an aborted
// resync stops between batches and deletes nothing. The returned error is nil
// only when the resync completed: every kind succeeded and Port accepted every
// entity (after the end-of-resync retry).
func (e *Engine) SyncRawAll(ctx context.Context, trigger oceanctx.Trigger) (*Summary, error) {
	ctx, ev := e.Events.Begin(ctx, oceanctx.Resync, trigger, map[string]any{"resync_start_time": time.Now().UTC()})
	defer e.Events.End(ev)
	log := e.Log.WithFields(logrus.Fields{"event_id": ev.ID, "event_trigger_type": trigger})
	sum := &Summary{EventID: ev.ID, StartedAt: ev.StartedAt, DryRun: e.DryRun}
	ctx, requests := port.CountRequests(ctx)
	obs := e.observer()
	obs.ResyncStarted(ctx, ev.ID)
	finish := func(err error) (*Summary, error) {
		sum, err := finishSync(ctx, sum, err, log)
		sum.Requests = requests.ByRoute()
		obs.ResyncFinished(ctx, sum)
		return sum, err
	}

	mapping, err := e.Mapping(ctx, true)
	if err != nil {
		sum.Deletion = "nothing deleted: no mapping"
		return finish(err)
	}
	log.WithField("resources", len(mapping.Resources)).Info("Resync started")
	for _, h := range e.Handlers.ResyncStartHooks() {
		if err := runHook(ctx, h); err != nil {
			sum.Deletion = "nothing deleted: a resync-start hook failed"
			return finish(fmt.Errorf("resync-start hook: %w", err))
		}
	}

	rec := e.Applier.NewReconciler(applierOptions(mapping, ev))
	var kindErrs []error
	for i := range mapping.Resources {
		rc := &mapping.Resources[i]
		ks := e.processResource(ctx, rc, i, e.Handlers.ResyncHandlers(rc.Kind), rec, log)
		obs.KindFinished(ctx, ev.ID, ks)
		sum.Kinds = append(sum.Kinds, ks)
		if ctx.Err() != nil {
			return finish(context.Cause(ctx))
		}
		if len(ks.Errors) > 0 {
			kindErrs = append(kindErrs, fmt.Errorf("kind %s (resource %d): %w", rc.Kind, i, errors.Join(ks.Errors...)))
		}
	}

	creditRetries(sum.Kinds, rec.RetryFailed(ctx))
	unwritten := unwrittenErr(rec)
	if len(kindErrs) > 0 {
		sum.Deletion = "nothing deleted: some kinds failed"
		log.Warn("Skipping deletion of stale entities because some kinds failed")
		return finish(errors.Join(append(kindErrs, unwritten)...))
	}
	if ctx.Err() != nil {
		return finish(context.Cause(ctx))
	}
	// Entities Port refused count as produced, so reconciliation never deletes
	// them and may run; the resync still fails (Ocean reports it completed).
	reconciling := time.Now()
	res, err := rec.Reconcile(ctx, ev.StartedAt, mapping.EntityDeletionThreshold)
	sum.ReconcileDuration, sum.DeleteDuration = time.Since(reconciling), res.DeleteDuration
	if err != nil {
		sum.Deletion = "reconciliation failed"
		return finish(errors.Join(unwritten, fmt.Errorf("reconcile: %w", err)))
	}
	attributeDeletions(sum, res)
	if unwritten != nil {
		return finish(unwritten)
	}

	for _, h := range e.Handlers.ResyncCompleteHooks() {
		if err := runHook(ctx, h); err != nil {
			return finish(fmt.Errorf("resync-complete hook: %w", err))
		}
	}
	return finish(nil)
}

// finishSync records how a sync ended: completed, aborted (ctx cancelled by a
// newer resync or by shutdown) or failed.
func finishSync(ctx context.Context, sum *Summary, err error, log logrus.FieldLogger) (*Summary, error) {
	sum.Duration = time.Since(sum.StartedAt)
	sum.Err = err
	switch {
	case err == nil:
		sum.Status = Completed
	case ctx.Err() != nil:
		err = context.Cause(ctx)
		sum.Status, sum.Err = Aborted, err
		sum.Deletion = "nothing deleted: aborted"
	default:
		sum.Status = Failed
	}
	msg := "Resync finished"
	if sum.Incremental {
		msg = "Incremental sync finished"
	}
	log.WithFields(logrus.Fields{"status": sum.Status, "seconds": sum.Duration.Seconds()}).Info(msg)
	return sum, err
}

// sink writes the entities of one kind. A resync writes through its
// Reconciler, which remembers what was produced for deletion; an incremental
// sync, which deletes nothing, writes through the Applier alone.
type sink interface {
	TrackBlueprint(kind, blueprint string)
	Load(ctx context.Context, kind string, entities []port.Entity) (applier.LoadResult, error)
	// RetriesFailures: failed upserts are retried at the end of the resync.
	RetriesFailures() bool
}

// processResource extracts with hs, maps and loads one resource of the
// mapping. Errors are recorded in the summary; they never stop the other
// resources of a resync.
func (e *Engine) processResource(ctx context.Context, rc *appconfig.ResourceConfig, index int,
	hs []handlers.ResyncHandler, out sink, log logrus.FieldLogger) (ks KindSummary) {
	start := time.Now()
	ks = KindSummary{Kind: rc.Kind, Index: index, StartedAt: start, lastProgress: start}
	defer func() { ks.Duration = time.Since(start) }()
	ctx = oceanctx.WithResource(ctx, rc, index)
	log = log.WithField("resource_kind", fmt.Sprintf("%s-%d", rc.Kind, index))

	started := func() {
		if ev := oceanctx.EventFrom(ctx); ev != nil && ev.Type == oceanctx.Resync {
			e.observer().KindStarted(ctx, ev.ID, ks)
		}
	}
	if len(hs) == 0 {
		started()
		ks.FailedBatches++
		ks.addError(fmt.Errorf("kind %q is not implemented; available kinds: %s", rc.Kind, strings.Join(e.Handlers.Kinds(), ", ")))
		return ks
	}
	m, err := e.Processor.Compile(rc)
	if err != nil {
		started()
		ks.FailedBatches++
		ks.addError(fmt.Errorf("mapping: %w", err))
		return ks
	}
	if bp, ok := m.LiteralBlueprint(); ok {
		ks.Blueprint = bp
		out.TrackBlueprint(rc.Kind, bp)
	}
	started()
	ctx = oceanctx.WithIntegrationConfig(ctx, e.IntegrationConfig)
	log.Info("Fetching raw data")

	var examples []any
	misconfigured := map[string]string{}
	for _, h := range hs {
		batches := readAhead(ctx, func(ctx context.Context) iter.Seq2[[]any, error] { return safeBatches(ctx, h, rc.Kind) })
		for batch, err := range batches {
			if ctx.Err() != nil {
				return ks
			}
			if err != nil {
				ks.FailedBatches++
				ks.addError(fmt.Errorf("extract: %w", err))
				log.WithError(err).Error("A batch of raw data failed: the kind fails and nothing is deleted")
				continue
			}
			if e.SendExamples && len(examples) < examplesPerKind {
				examples = append(examples, batch[:min(len(batch), examplesPerKind-len(examples))]...)
			}
			e.loadBatch(ctx, m, batch, out, &ks, misconfigured, log)
		}
	}
	if len(examples) > 0 && !e.DryRun {
		e.sendExamples(ctx, rc.Kind, examples, log)
	}
	if len(misconfigured) > 0 {
		e.reportMisconfigured(ctx, m, misconfigured, log)
	}
	log.WithFields(logrus.Fields{
		"extracted": ks.Extracted, "mapped": ks.Transformed, "created": ks.Created, "updated": ks.Updated, "unchanged": ks.Unchanged,
		"uncompared": ks.Uncompared, "failed": ks.Failed, "failed_batches": ks.FailedBatches, "per_second": ks.rate(),
	}).Info("Finished kind")
	return ks
}

// loadBatch maps one raw batch (in chunks) and writes the result.
func (e *Engine) loadBatch(ctx context.Context, m *processor.Mapping, batch []any,
	out sink, ks *KindSummary, misconfigured map[string]string, log logrus.FieldLogger) {
	items, errs := expand(ctx, m, batch)
	for _, err := range errs {
		ks.Failed++
		ks.MapFailed++
		ks.addError(err)
	}
	chunk := e.ChunkSize
	if chunk <= 0 {
		chunk = defaultChunkSize
	}
	for len(items) > 0 && ctx.Err() == nil {
		n := min(chunk, len(items))
		part := items[:n]
		items = items[n:]
		ks.Extracted += len(part)

		res := m.Process(ctx, part, false)
		ks.FilteredOut += res.FilteredOut
		for _, ie := range res.Errors {
			ks.Failed++
			ks.MapFailed++
			ks.addError(ie)
		}
		ks.Transformed += len(res.Passed)
		for path, src := range res.Misconfigured {
			misconfigured[path] = src
		}
		if len(res.Passed) == 0 {
			continue
		}
		lr, err := out.Load(ctx, ks.Kind, res.Passed)
		ks.Created += lr.Created
		ks.Updated += lr.Updated
		ks.Unchanged += lr.Unchanged
		ks.Uncompared += lr.Uncompared
		ks.CreatedKeys = appendSample(ks.CreatedKeys, lr.CreatedKeys)
		ks.UpdatedKeys = appendSample(ks.UpdatedKeys, lr.UpdatedKeys)
		ks.Failed += lr.Failed
		ks.refused += lr.Failed
		// Entities Port refused are counted and logged, but do not fail the kind:
		// they still count as produced, so reconciliation never deletes them.
		// They fail the sync once retried in vain (unwrittenErr).
		for _, f := range lr.Failures {
			if ks.refusal == nil {
				ks.refusal = fmt.Errorf("%s: %w", f.Entity.Key(), f.Err)
			}
			if ks.refusedLogged < maxRefusedLogged {
				ks.refusedLogged++
				entry := log.WithError(f.Err).WithField("entity", f.Entity.Key().String())
				if out.RetriesFailures() { // the retry logs those Port refuses again
					entry.Warn("Port refused an entity; it is retried at the end of the resync")
				} else {
					entry.Error("Port refused an entity")
				}
			}
		}
		if err != nil { // its entities are already counted in lr.Failed
			ks.addError(fmt.Errorf("load: %w", err))
		}
		e.progressed(ctx, ks)
		if time.Since(ks.lastProgress) >= progressEvery {
			ks.lastProgress = time.Now()
			log.WithFields(logrus.Fields{
				"extracted": ks.Extracted, "mapped": ks.Transformed, "created": ks.Created, "updated": ks.Updated,
				"unchanged": ks.Unchanged, "per_second": ks.rate(),
			}).Info("Progress")
		}
	}
}

// expand normalises raw items to JSON values and applies itemsToParse.
func expand(ctx context.Context, m *processor.Mapping, batch []any) ([]any, []error) {
	out := make([]any, 0, len(batch))
	var errs []error
	for i, raw := range batch {
		item, err := processor.Normalize(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("item %d is not JSON-like: %w", i, err))
			continue
		}
		if !m.HasItemsToParse() {
			out = append(out, item)
			continue
		}
		children, err := m.ExpandItems(ctx, item)
		if err != nil {
			errs = append(errs, fmt.Errorf("item %d: %w", i, err)) // %w names itemsToParse
			continue
		}
		out = append(out, children...)
	}
	return out, errs
}

// sendExamples uploads the first raw items of a kind, as JSON values with
// secrets masked, for Port's mapping editor. Failures only warn.
func (e *Engine) sendExamples(ctx context.Context, kind string, examples []any, log logrus.FieldLogger) {
	body := make([]any, 0, len(examples))
	for _, ex := range examples {
		v, err := processor.Normalize(ex)
		if err != nil {
			continue // reported when the item is mapped
		}
		if e.Redact != nil {
			v = e.Redact(v)
		}
		body = append(body, v)
	}
	if err := e.Client.PostKindExamples(ctx, kind, body); err != nil {
		log.WithError(err).Warn("Could not upload raw data examples")
	}
}

func (e *Engine) reportMisconfigured(ctx context.Context, m *processor.Mapping, paths map[string]string, log logrus.FieldLogger) {
	var bp *port.Blueprint
	if id, ok := m.LiteralBlueprint(); ok {
		if b, err := e.Client.GetBlueprint(ctx, id); err == nil {
			bp = b
		}
	}
	r := processor.Result{Misconfigured: paths}
	r.ReportMisconfigured(log, bp)
}

// safeBatches runs a handler's iterator, turning a panic in the handler into a
// final error. A panic in the loop body (the engine's own code) is not the
// handler's and propagates unchanged. Once the engine stopped reading (an
// aborted resync), a handler panic (also Go's own, when the handler ignores
// yield's false) is dropped: yielding it would panic again, out of the resync.
func safeBatches(ctx context.Context, h handlers.ResyncHandler, kind string) iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		inBody, stopped := false, false
		defer func() {
			if inBody {
				return
			}
			if r := recover(); r != nil && !stopped {
				yield(nil, fmt.Errorf("resync handler panicked: %v", r))
			}
		}()
		for batch, err := range h(ctx, kind) {
			inBody = true
			more := yield(batch, err)
			inBody = false
			if !more {
				stopped = true
				return
			}
		}
	}
}

func runHook(ctx context.Context, h handlers.Hook) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("hook panicked: %v", r)
		}
	}()
	return h(ctx)
}

func applierOptions(c *appconfig.PortAppConfig, ev *oceanctx.Event) applier.Options {
	o := applier.Options{
		Merge:                        c.EnableMergeEntity,
		CreateMissingRelatedEntities: c.CreateMissingRelatedEntities,
		DeleteDependentEntities:      c.DeleteDependentEntities,
		EventType:                    string(ev.Type),
	}
	if ev.Type == oceanctx.Resync {
		o.ResyncID = ev.ID
	}
	return o
}

// unwrittenErr reports the entities Port refused for good (after the
// end-of-resync retry), or nil when there are none.
func unwrittenErr(rec *applier.Reconciler) error {
	failed, overflow := rec.Failures()
	n := len(failed) + overflow
	if n == 0 {
		return nil
	}
	if len(failed) == 0 {
		return fmt.Errorf("%s could not be written to Port", entityCount(n))
	}
	return fmt.Errorf("%s could not be written to Port, the first: %w", entityCount(n), failed[0].Err)
}

// appendSample appends keys to sample up to applier.SampleSize in all.
func appendSample(sample, keys []port.Key) []port.Key {
	return append(sample, keys[:min(len(keys), max(0, applier.SampleSize-len(sample)))]...)
}

// entityCount is "1 entity" or "n entities".
func entityCount(n int) string {
	if n == 1 {
		return "1 entity"
	}
	return fmt.Sprintf("%d entities", n)
}

// creditRetries moves the entities the end-of-resync retry wrote from Failed
// to Created, Updated or Uncompared of their kind's resources, in mapping order.
func creditRetries(kinds []KindSummary, retried map[string]applier.LoadResult) {
	for i := range kinds {
		ks := &kinds[i]
		lr, ok := retried[ks.Kind]
		if !ok {
			continue
		}
		for _, f := range []struct{ to, from *int }{
			{&ks.Created, &lr.Created}, {&ks.Updated, &lr.Updated}, {&ks.Uncompared, &lr.Uncompared},
		} {
			n := min(*f.from, ks.Failed)
			*f.to, *f.from, ks.Failed = *f.to+n, *f.from-n, ks.Failed-n
		}
		retried[ks.Kind] = lr
	}
}

// attributeDeletions adds each blueprint's deletions to the first kind that
// maps to it, or to Orphaned, and says what reconciliation did.
func attributeDeletions(sum *Summary, res applier.ReconcileResult) {
	var skipped []string
	for _, b := range res.Blueprints {
		if b.Skipped != "" {
			skipped = append(skipped, b.Blueprint+": "+b.Skipped)
		}
		i := slices.IndexFunc(sum.Kinds, func(k KindSummary) bool { return slices.Contains(b.Kinds, k.Kind) })
		if i < 0 {
			sum.Orphaned += b.Deleted
			sum.OrphanedKeys = appendSample(sum.OrphanedKeys, b.DeletedKeys)
		} else {
			sum.Kinds[i].Deleted += b.Deleted
			sum.Kinds[i].DeletedKeys = appendSample(sum.Kinds[i].DeletedKeys, b.DeletedKeys)
		}
	}
	sum.Deletion = fmt.Sprintf("deleted %d stale entities", res.Deleted())
	if sum.DryRun {
		sum.Deletion = fmt.Sprintf("would delete %d stale entities", res.Deleted())
	}
	if gone := res.Gone(); gone > 0 {
		sum.Deletion += fmt.Sprintf(" (%d more were already deleted by someone else)", gone)
	}
	if len(skipped) > 0 {
		sum.Deletion += "; kept " + strings.Join(skipped, "; ")
	}
}
