package ocean

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/core/resync"
)

// Sync states reported to Port.
const (
	stateSyncing   = "syncing"
	stateCompleted = "completed"
	stateFailed    = "failed"
	stateAborted   = "aborted"
)

// reportTimeout bounds one report of sync metrics (a down sink must not stall
// the resync: the PUT is retried).
const reportTimeout = 10 * time.Second

// ingestSinks are the absolute URLs Port hands out in the integration object
// for the integration's logs and metrics; read once, when first needed.
type ingestSinks struct {
	mu            sync.Mutex
	read          bool
	logs, metrics string
}

func (s *ingestSinks) get(ctx context.Context, c *port.Client) (logs, metrics string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.read {
		integ, err := c.GetIntegration(ctx)
		if err != nil {
			return "", "", fmt.Errorf("read the ingest URLs: %w", err)
		}
		if integ.LogAttributes != nil {
			s.logs = integ.LogAttributes.IngestURL
		}
		if integ.MetricAttributes != nil {
			s.metrics = integ.MetricAttributes.IngestURL
		}
		s.read = true
	}
	return s.logs, s.metrics, nil
}

// syncEvent is Ocean's sync-metrics event of one kind (or of the whole
// resync, or of reconciliation).
type syncEvent struct {
	IntegrationType       string         `json:"integrationType"`
	InstallationType      string         `json:"installationType"`
	ExecutionMode         string         `json:"executionMode"`
	IntegrationIdentifier string         `json:"integrationIdentifier"`
	IntegrationVersion    string         `json:"integrationVersion"`
	OceanVersion          string         `json:"oceanVersion"`
	KindIdentifier        string         `json:"kindIdentifier"`
	Kind                  string         `json:"kind"`
	KindIndex             int            `json:"kindIndex"`
	EventID               string         `json:"eventId"`
	SyncState             string         `json:"syncState"`
	Blueprint             *string        `json:"blueprint"`
	Metrics               map[string]any `json:"metrics"`
	// Errors is ocean-go's addition (Ocean sends none): what failed the
	// kind, and the first entity Port refused, masked.
	Errors []string `json:"errors,omitempty"`
}

// syncReporter fills the gauges as a resync runs and reports its progress to
// Port's metrics sink (and to METRICS__WEBHOOK_URL), with a heartbeat while
// it runs. Reports that fail are logged; they never fail the resync.
type syncReporter struct {
	a       *App
	webhook *http.Client // nil unless METRICS__ENABLED

	mu    sync.Mutex
	beats map[string]func() // stops the heartbeat of a running resync, by event id
}

func newSyncReporter(a *App) *syncReporter {
	r := &syncReporter{a: a, beats: map[string]func(){}}
	if a.settings.Metrics.Enabled {
		r.webhook = &http.Client{Timeout: a.settings.ClientTimeout}
	}
	return r
}

var _ resync.Observer = (*syncReporter)(nil)

func (r *syncReporter) ResyncStarted(ctx context.Context, eventID string) {
	r.a.metrics.begin(eventID)
	ctx, cancel := reportCtx(ctx)
	defer cancel()
	url := r.metricsURL(ctx)
	r.post(ctx, url, r.event(runtimeKind, runtimeKind, 0, eventID, stateSyncing, nil, map[string]any{}))
	if url != "" {
		r.startHeartbeat(url, eventID)
	}
}

func (r *syncReporter) KindStarted(ctx context.Context, eventID string, ks resync.KindSummary) {
	ctx, cancel := reportCtx(ctx)
	defer cancel()
	r.put(ctx, r.kindEvent(eventID, ks, stateSyncing, map[string]any{}))
}

func (r *syncReporter) KindFinished(ctx context.Context, eventID string, ks resync.KindSummary) {
	state := stateCompleted
	switch {
	case ctx.Err() != nil:
		state = stateAborted
	case !kindSucceeded(ks):
		state = stateFailed
	}
	samples := kindSamples(ks)
	r.a.metrics.set(eventID, samples)
	samples = append(samples, r.a.metrics.rateWaits(kindLabel(ks.Kind, ks.Index))...)
	ctx, cancel := reportCtx(ctx)
	defer cancel()
	ev := r.kindEvent(eventID, ks, state, nest(samples))
	for _, err := range ks.Errors {
		ev.Errors = append(ev.Errors, r.a.masked(err).Error())
	}
	if err := ks.Refusal(); err != nil {
		refused := ks.Failed - ks.MapFailed
		ev.Errors = append(ev.Errors, fmt.Sprintf("Port refused %d entities, the first: %v", refused, r.a.masked(err)))
	}
	r.put(ctx, ev)
}

func (r *syncReporter) ResyncFinished(ctx context.Context, sum *resync.Summary) {
	r.stopHeartbeat(sum.EventID)
	var all []sample
	for _, ks := range sum.Kinds {
		all = append(all, kindSamples(ks)...)
	}
	runtime, reconciliation := runtimeSamples(sum), reconciliationSamples(sum)
	all = append(append(all, runtime...), reconciliation...)
	r.a.metrics.set(sum.EventID, all)

	ctx, cancel := reportCtx(ctx)
	defer cancel()
	state := string(sum.Status)
	r.post(ctx, r.metricsURL(ctx),
		r.event(runtimeKind, runtimeKind, 0, sum.EventID, state, nil, nest(append(runtime, r.a.metrics.rateWaits(runtimeKind)...))),
		r.event(reconciliationKind, reconciliationKind, 0, sum.EventID, state, nil, nest(reconciliation)))
}

// reportCtx is the ctx of a report: it is sent even for a resync aborted
// (ctx cancelled), within reportTimeout.
func reportCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), reportTimeout)
}

func (r *syncReporter) kindEvent(eventID string, ks resync.KindSummary, state string, metrics map[string]any) syncEvent {
	var bp *string
	if ks.Blueprint != "" {
		bp = &ks.Blueprint
	}
	return r.event(kindLabel(ks.Kind, ks.Index), ks.Kind, ks.Index, eventID, state, bp, metrics)
}

func (r *syncReporter) event(kindID, kind string, index int, eventID, state string, blueprint *string, metrics map[string]any) syncEvent {
	s := r.a.settings
	return syncEvent{
		IntegrationType: s.Integration.Type, InstallationType: string(s.Runtime), ExecutionMode: "single_process",
		IntegrationIdentifier: s.Integration.Identifier, IntegrationVersion: s.Integration.Version, OceanVersion: FrameworkVersion(),
		KindIdentifier: kindID, Kind: kind, KindIndex: index, EventID: eventID, SyncState: state,
		Blueprint: blueprint, Metrics: metrics,
	}
}

// metricsURL is metricAttributes.ingestUrl, "" when the integration has none
// or it cannot be read (logged).
func (r *syncReporter) metricsURL(ctx context.Context) string {
	_, url, err := r.a.sinks.get(ctx, r.a.client)
	if err != nil {
		r.a.log.WithError(err).Warn("Could not report sync metrics")
	}
	return url
}

// post sends events to {url}/syncMetrics (when url is set) and to the
// metrics webhook.
func (r *syncReporter) post(ctx context.Context, url string, events ...syncEvent) {
	if url != "" {
		if err := r.a.client.PostSyncMetrics(ctx, url, events); err != nil {
			r.a.log.WithError(err).Warn("Could not report sync metrics")
		}
	}
	for _, ev := range events {
		r.toWebhook(ctx, ev)
	}
}

// put sends the event of one kind to Port and to the metrics webhook.
func (r *syncReporter) put(ctx context.Context, ev syncEvent) {
	if url := r.metricsURL(ctx); url != "" {
		if err := r.a.client.PutKindMetrics(ctx, url, ev.EventID, ev.KindIdentifier, ev); err != nil {
			r.a.log.WithError(err).WithField("kind", ev.KindIdentifier).Warn("Could not report the sync metrics of a kind")
		}
	}
	r.toWebhook(ctx, ev)
}

// toWebhook POSTs ev to METRICS__WEBHOOK_URL, which is not Port: it gets no
// Port credentials.
func (r *syncReporter) toWebhook(ctx context.Context, ev syncEvent) {
	if r.webhook == nil {
		return
	}
	body, err := json.Marshal(ev)
	if err != nil {
		r.a.log.WithError(err).Warn("Could not encode a sync metrics event")
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.a.settings.Metrics.WebhookURL, bytes.NewReader(body))
	if err != nil {
		r.a.log.WithError(err).Warn("Could not send sync metrics to the metrics webhook")
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.webhook.Do(req)
	if err != nil {
		r.a.log.WithError(err).Warn("Could not send sync metrics to the metrics webhook")
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // keep the connection reusable
	_ = resp.Body.Close()
	if resp.StatusCode >= 300 {
		r.a.log.WithField("status", resp.StatusCode).Warn("The metrics webhook refused sync metrics")
	}
}

// startHeartbeat tells Port every STATUS_HEARTBEAT_INTERVAL_SECONDS that the
// resync eventID is alive, until stopHeartbeat.
func (r *syncReporter) startHeartbeat(url, eventID string) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(r.a.settings.StatusHeartbeatInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if err := r.a.client.PostHeartbeat(ctx, url, eventID); err != nil && ctx.Err() == nil {
				r.a.log.WithError(err).Warn("Could not send the resync heartbeat")
			}
		}
	}()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.beats[eventID] = func() { cancel(); <-done }
}

func (r *syncReporter) stopHeartbeat(eventID string) {
	r.mu.Lock()
	stop := r.beats[eventID]
	delete(r.beats, eventID)
	r.mu.Unlock()
	if stop != nil {
		stop()
	}
}
