package config

import (
	"time"
)

// ListenerType selects how resyncs and live events are triggered.
type ListenerType string

// Event listener types.
const (
	ListenerPolling      ListenerType = "POLLING"
	ListenerOnce         ListenerType = "ONCE"
	ListenerKafka        ListenerType = "KAFKA"
	ListenerWebhook      ListenerType = "WEBHOOK"
	ListenerWebhooksOnly ListenerType = "WEBHOOKS_ONLY"
	ListenerActionsOnly  ListenerType = "ACTIONS_ONLY"
)

var listenerTypes = []string{"POLLING", "ONCE", "KAFKA", "WEBHOOK", "WEBHOOKS_ONLY", "ACTIONS_ONLY"}

// DefaultKafkaBrokers are Port's production brokers.
var DefaultKafkaBrokers = []string{
	"b-1-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196",
	"b-2-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196",
	"b-3-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196",
}

// EventListenerSettings configures the event listener. Fields of other types
// than Type keep their zero value.
type EventListenerSettings struct {
	Type                  ListenerType `json:"type"`
	ShouldResync          bool         `json:"should_resync"`
	ShouldProcessWebhooks bool         `json:"should_process_webhooks"`
	ShouldRunActions      bool         `json:"should_run_actions"`

	// POLLING
	ResyncOnStart bool          `json:"resync_on_start"`
	Interval      time.Duration `json:"interval"`

	// KAFKA
	Brokers                 []string      `json:"brokers"`
	SecurityProtocol        string        `json:"security_protocol"`
	AuthenticationMechanism string        `json:"authentication_mechanism"`
	KafkaSecurityEnabled    bool          `json:"kafka_security_enabled"`
	ConsumerPollTimeout     time.Duration `json:"consumer_poll_timeout"`

	// WEBHOOK: the public URL Port calls to trigger a resync.
	AppHost string `json:"app_host" sensitive:"true"`
}

// ChangelogDestination is what the integration tells Port about where to send
// resync requests: KAFKA and WEBHOOK listeners receive them, others poll.
func (l EventListenerSettings) ChangelogDestination() map[string]any {
	switch l.Type {
	case ListenerKafka:
		return map[string]any{"type": string(ListenerKafka)}
	case ListenerWebhook:
		return map[string]any{"type": string(ListenerWebhook), "url": l.AppHost + "/resync"}
	}
	return map[string]any{}
}

func readListener(r *reader) EventListenerSettings {
	const p = "event_listener."
	l := EventListenerSettings{Type: ListenerType(r.oneOf(p+"type", string(ListenerPolling), listenerTypes...))}
	// Per-type defaults of the common flags: each type only does its own job.
	resync, webhooks, actions := true, true, true
	switch l.Type {
	case ListenerOnce:
		webhooks, actions = false, false
	case ListenerWebhooksOnly:
		resync, actions = false, false
	case ListenerActionsOnly:
		resync, webhooks = false, false
	}
	l.ShouldResync = r.boolean(p+"should_resync", resync)
	l.ShouldProcessWebhooks = r.boolean(p+"should_process_webhooks", webhooks)
	l.ShouldRunActions = r.boolean(p+"should_run_actions", actions)

	switch l.Type {
	case ListenerPolling:
		l.ResyncOnStart = r.boolean(p+"resync_on_start", true)
		l.Interval = r.duration(p+"interval", 60*time.Second, time.Second, true)
	case ListenerKafka:
		l.Brokers = readBrokers(r, p+"brokers")
		l.SecurityProtocol = r.str(p+"security_protocol", "SASL_SSL")
		l.AuthenticationMechanism = r.str(p+"authentication_mechanism", "SCRAM-SHA-512")
		l.KafkaSecurityEnabled = r.boolean(p+"kafka_security_enabled", true)
		l.ConsumerPollTimeout = r.duration(p+"consumer_poll_timeout", time.Second, time.Second, true)
	case ListenerWebhook:
		l.AppHost = r.url(p+"app_host", "", true)
		if l.AppHost == "" && r.err == nil {
			r.missing(p+"app_host", "a URL", "the WEBHOOK event listener", envName(p+"app_host"))
		}
	}
	return l
}

// readBrokers reads the Kafka brokers; Port's by default.
func readBrokers(r *reader, path string) []string {
	if r.root.get(path).unset() {
		return append([]string(nil), DefaultKafkaBrokers...)
	}
	out := r.list(path, "a comma-separated list of host:port")
	if len(out) == 0 {
		r.fail(r.root.get(path), "a comma-separated list of host:port", false)
	}
	return out
}
