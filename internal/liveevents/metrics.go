package liveevents

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the manager's Prometheus metrics, labelled by webhook path.
type Metrics struct {
	events  *prometheus.CounterVec
	depth   *prometheus.GaugeVec
	latency *prometheus.HistogramVec
}

// Outcomes counted by ocean_webhook_events_total.
const (
	received  = "received"
	accepted  = "accepted"
	rejected  = "rejected"
	processed = "processed"
	failed    = "failed"
	retried   = "retried"
	// deadLettered: failed for good and published to the dead-letter topic (Kafka queue).
	deadLettered = "dead_lettered"
)

// NewMetrics registers the metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ocean_webhook_events_total",
			Help: "Webhook events by path and outcome: received, accepted (queued), rejected (refused by the route), processed, failed, retried, dead_lettered.",
		}, []string{"path", "outcome"}),
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ocean_webhook_queue_depth",
			Help: "Webhook events queued and not yet processed, by path.",
		}, []string{"path"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ocean_webhook_processing_seconds",
			Help:    "Time from an event's arrival to the end of its processing, by path.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
		}, []string{"path"}),
	}
	reg.MustRegister(m.events, m.depth, m.latency)
	return m
}

func (m *Metrics) count(path, outcome string) { m.events.WithLabelValues(path, outcome).Inc() }
