package ocean

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ocean-go/ocean/core/resync"
)

// metrics are the App's Prometheus metrics, on a private registry so that two
// Apps in one process (tests) do not collide.
type metrics struct {
	registry *prometheus.Registry
	resyncs  *prometheus.CounterVec
	duration prometheus.Histogram
	objects  *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		resyncs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ocean_resyncs_total", Help: "Resyncs by final status.",
		}, []string{"status"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "ocean_resync_duration_seconds", Help: "Wall time of resyncs.",
			Buckets: prometheus.ExponentialBuckets(0.5, 2, 14),
		}),
		objects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ocean_resync_objects_total",
			Help: "Items and entities handled by resyncs, by kind and outcome.",
		}, []string{"kind", "outcome"}),
	}
	m.registry.MustRegister(m.resyncs, m.duration, m.objects,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(s *resync.Summary) {
	m.resyncs.WithLabelValues(string(s.Status)).Inc()
	m.duration.Observe(s.Duration.Seconds())
	for _, k := range s.Kinds {
		for outcome, n := range map[string]int{
			"extracted": k.Extracted, "filtered_out": k.FilteredOut, "created": k.Created, "updated": k.Updated,
			"unchanged": k.Unchanged, "uncompared": k.Uncompared, "deleted": k.Deleted, "failed": k.Failed,
			"failed_batches": k.FailedBatches,
		} {
			m.objects.WithLabelValues(k.Kind, outcome).Add(float64(n))
		}
	}
}
