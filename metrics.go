package ocean

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/core/resync"
)

// Ocean's metric kinds other than a resource's "{kind}-{index}".
const (
	runtimeKind        = "__runtime__"        // the whole resync
	reconciliationKind = "__reconciliation__" // deletion of stale entities
)

// Ocean's metric phases.
const (
	phaseExtract   = "extract"
	phaseTransform = "transform"
	phaseLoad      = "load"
	phaseResync    = "resync"
	phaseDelete    = "delete"
)

// Ocean's metric names, with their label names in registry order; the reports
// to Port nest label values in this order.
var (
	durationMetric = metricDef{"duration_seconds", "Duration of a phase of the last resync, by kind.", []string{"kind", "phase"}}
	objectsMetric  = metricDef{"object_count", "Objects handled by a phase of the last resync, by kind and outcome.",
		[]string{"kind", "phase", "object_count_type"}}
	successMetric  = metricDef{"success", "1 when the kind (or the whole resync) succeeded in the last resync, else 0.", []string{"kind", "phase"}}
	rateWaitMetric = metricDef{"rate_limit_wait_seconds", "Time the last resync's requests to Port waited on the rate limiter.",
		[]string{"kind", "phase", "endpoint"}}
)

type metricDef struct {
	name, help string
	labels     []string
}

// metrics are the App's Prometheus metrics, Ocean's gauges describing the
// latest resync, on a private registry so that two Apps in one process
// (tests) do not collide; the Go and process collectors stand in for Ocean's
// per-kind cpu_*, memory_* and event_loop_* gauges, which sample a Python
// process per kind and have no cheap Go equivalent (goroutines share one
// heap and one scheduler), and for response_size_*, left out likewise.
type metrics struct {
	registry *prometheus.Registry
	gauges   map[string]*prometheus.GaugeVec // by metric name
	// requests counts every API request sent to Port since start, by route:
	// what the integration draws from Port's budget, resyncs and live events
	// alike.
	requests *prometheus.CounterVec

	mu sync.Mutex
	// latest is the event id of the newest resync begun: the gauges describe
	// it alone, and an older one aborted by it leaves them be.
	latest string
}

func newMetrics() *metrics {
	m := &metrics{registry: prometheus.NewRegistry(), gauges: map[string]*prometheus.GaugeVec{}}
	for _, d := range []metricDef{durationMetric, objectsMetric, successMetric, rateWaitMetric} {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: d.name, Help: d.help}, d.labels)
		m.gauges[d.name] = g
		m.registry.MustRegister(g)
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ocean_port_requests_total",
		Help: "API requests sent to Port (every attempt, retries included), by method and route template.",
	}, []string{"route"})
	m.registry.MustRegister(m.requests)
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// requested counts one API request sent to Port.
func (m *metrics) requested(_ context.Context, route string) { m.requests.WithLabelValues(route).Inc() }

// sample is one gauge value: a metric, its label values in registry order
// (kind first) and its value.
type sample struct {
	def    metricDef
	labels []string
	value  float64
}

// begin starts describing the resync eventID: the last resync's values go.
func (m *metrics) begin(eventID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.latest = eventID
	for _, g := range m.gauges {
		g.Reset()
	}
}

// set writes samples of resync eventID, unless a newer resync has begun.
func (m *metrics) set(eventID string, samples []sample) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if eventID != m.latest {
		return
	}
	for _, s := range samples {
		m.gauges[s.def.name].WithLabelValues(s.labels...).Set(s.value)
	}
}

// waited adds a wait on the Port rate limiter to the kind ctx is producing
// (the load phase: a resource's requests to Port write its entities), or to
// the whole resync.
func (m *metrics) waited(ctx context.Context, endpoint string, d time.Duration) {
	kind, phase := runtimeKind, phaseResync
	if r, ok := oceanctx.ResourceFrom(ctx); ok {
		kind, phase = r.Label(), phaseLoad
	}
	m.gauges[rateWaitMetric.name].WithLabelValues(kind, phase, endpoint).Add(d.Seconds())
}

// rateWaits are the rate-limiter samples of kind.
func (m *metrics) rateWaits(kind string) []sample {
	families, err := m.registry.Gather()
	if err != nil {
		return nil
	}
	var out []sample
	for _, f := range families {
		if f.GetName() != rateWaitMetric.name {
			continue
		}
		for _, mt := range f.GetMetric() {
			byName := map[string]string{}
			for _, lp := range mt.GetLabel() {
				byName[lp.GetName()] = lp.GetValue()
			}
			if byName["kind"] != kind {
				continue
			}
			labels := make([]string, len(rateWaitMetric.labels))
			for i, n := range rateWaitMetric.labels {
				labels[i] = byName[n]
			}
			out = append(out, sample{rateWaitMetric, labels, mt.GetGauge().GetValue()})
		}
	}
	return out
}

// kindLabel is Ocean's kind label of a resource: "{kind}-{index}".
func kindLabel(kind string, index int) string { return fmt.Sprintf("%s-%d", kind, index) }

// kindSamples are the gauges of one resource of a resync.
func kindSamples(ks resync.KindSummary) []sample {
	k := kindLabel(ks.Kind, ks.Index)
	count := func(phase, typ string, n int) sample {
		return sample{objectsMetric, []string{k, phase, typ}, float64(n)}
	}
	return []sample{
		count(phaseExtract, "raw_extracted", ks.Extracted),
		count(phaseExtract, "failed", ks.FailedBatches),
		count(phaseTransform, "transformed", ks.Transformed),
		count(phaseTransform, "filtered_out", ks.FilteredOut),
		count(phaseTransform, "failed", ks.MapFailed),
		count(phaseLoad, "loaded", ks.Created+ks.Updated+ks.Uncompared),
		// Ocean reports created and updated together as loaded; the split
		// is ours, for the local Port's console and dashboards.
		count(phaseLoad, "created", ks.Created),
		count(phaseLoad, "updated", ks.Updated),
		count(phaseLoad, "failed", ks.Failed-ks.MapFailed),
		count(phaseLoad, "skipped", ks.Unchanged),
		{durationMetric, []string{k, phaseResync}, ks.Duration.Seconds()},
		{successMetric, []string{k, phaseResync}, boolGauge(kindSucceeded(ks))},
	}
}

// kindSucceeded: every batch was fetched, every item mapped, and Port took
// every entity.
func kindSucceeded(ks resync.KindSummary) bool { return len(ks.Errors) == 0 && ks.Failed == 0 }

// runtimeSamples are the gauges of the whole resync.
func runtimeSamples(sum *resync.Summary) []sample {
	return []sample{
		{durationMetric, []string{runtimeKind, phaseResync}, sum.Duration.Seconds()},
		{successMetric, []string{runtimeKind, phaseResync}, boolGauge(sum.Status == resync.Completed)},
	}
}

// reconciliationSamples are the gauges of the deletion of stale entities.
func reconciliationSamples(sum *resync.Summary) []sample {
	return []sample{
		{durationMetric, []string{reconciliationKind, phaseResync}, sum.ReconcileDuration.Seconds()},
		{durationMetric, []string{reconciliationKind, phaseDelete}, sum.DeleteDuration.Seconds()},
		{objectsMetric, []string{reconciliationKind, phaseDelete, "deleted"}, float64(sum.Totals().Deleted)},
	}
}

func boolGauge(ok bool) float64 {
	if ok {
		return 1
	}
	return 0
}

// nest renders samples as Ocean reports them to Port: label names and values
// nested in registry order below the kind, then the metric name, e.g.
// {"phase":{"load":{"object_count_type":{"loaded":{"object_count":12}}}}}.
func nest(samples []sample) map[string]any {
	out := map[string]any{}
	for _, s := range samples {
		cur := out
		for i := 1; i < len(s.labels); i++ {
			cur = child(child(cur, s.def.labels[i]), s.labels[i])
		}
		cur[s.def.name] = s.value
	}
	return out
}

func child(m map[string]any, key string) map[string]any {
	if c, ok := m[key].(map[string]any); ok {
		return c
	}
	c := map[string]any{}
	m[key] = c
	return c
}
