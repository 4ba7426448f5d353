package config

// Queues of live events (OCEAN__LIVE_EVENTS__QUEUE).
const (
	// QueueMemory keeps accepted webhook events in the process: one replica
	// processes what it accepted, and what is queued at a restart is lost.
	QueueMemory = "MEMORY"
	// QueueKafka publishes accepted events to a Kafka topic that every
	// replica consumes in one consumer group: any replica may process an
	// event, and none is lost when a replica stops.
	QueueKafka = "KAFKA"
)

// LiveEventsSettings choose where accepted webhook events wait to be
// processed (OCEAN__LIVE_EVENTS__*). ocean-go only: Ocean queues in memory.
type LiveEventsSettings struct {
	Queue string          `json:"queue"` // QueueMemory or QueueKafka
	Kafka LiveEventsKafka `json:"kafka"`
}

// LiveEventsKafka is the Kafka queue (OCEAN__LIVE_EVENTS__KAFKA__*). Empty
// names are derived from the integration's type and identifier, the same in
// every replica.
type LiveEventsKafka struct {
	Brokers []string `json:"brokers"`
	// Topic holds the accepted events, keyed by their group key.
	Topic string `json:"topic"`
	// DeadLetterTopic receives the events that failed their last retry.
	DeadLetterTopic string `json:"dead_letter_topic"`
	GroupID         string `json:"group_id"`
	// Partitions and ReplicationFactor create the topics when they do not
	// exist; a replica processes the events of the partitions it is
	// assigned, so there are at least as many partitions as replicas.
	Partitions        int `json:"partitions"`
	ReplicationFactor int `json:"replication_factor"` // -1: the brokers' default
	// SecurityProtocol, AuthenticationMechanism, Username and Password are
	// as for the KAFKA event listener.
	SecurityProtocol        string `json:"security_protocol"`
	AuthenticationMechanism string `json:"authentication_mechanism"`
	Username                string `json:"username"`
	Password                string `json:"password" sensitive:"true"`
}

// readLiveEvents reads LIVE_EVENTS__*: the Kafka keys always (they are
// known settings), required and used only by the KAFKA queue.
func readLiveEvents(r *reader) (_ LiveEventsSettings, warnings []string) {
	l := LiveEventsSettings{
		Queue: r.oneOf("live_events.queue", QueueMemory, QueueMemory, QueueKafka),
		Kafka: LiveEventsKafka{
			Brokers:                 r.list("live_events.kafka.brokers", "host:port", false),
			Topic:                   r.str("live_events.kafka.topic", ""),
			DeadLetterTopic:         r.str("live_events.kafka.dead_letter_topic", ""),
			GroupID:                 r.str("live_events.kafka.group_id", ""),
			Partitions:              r.count("live_events.kafka.partitions", 12, 1),
			ReplicationFactor:       r.count("live_events.kafka.replication_factor", -1, -1),
			SecurityProtocol:        r.oneOf("live_events.kafka.security_protocol", "PLAINTEXT", "PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"),
			AuthenticationMechanism: r.oneOf("live_events.kafka.authentication_mechanism", "SCRAM-SHA-512", "SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"),
			Username:                r.str("live_events.kafka.username", ""),
			Password:                r.secret("live_events.kafka.password"),
		},
	}
	switch {
	case l.Queue == QueueKafka && len(l.Kafka.Brokers) == 0:
		r.missing("live_events.kafka.brokers", "a list of host:port", "the KAFKA queue of live events", envName("live_events.kafka.brokers"))
	case l.Queue != QueueKafka && !r.root.get("live_events.kafka").unset():
		warnings = append(warnings, envName("live_events.kafka")+"__* are ignored unless "+envName("live_events.queue")+" is "+QueueKafka)
	}
	return l, warnings
}
