package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The live-event settings configure the webhook manager: any valid value
// takes effect, an invalid one is refused by name.
func TestLiveEventSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     []string
		workers int
		timeout time.Duration
		err     string // "" = loads
	}{
		{"defaults", nil, 1, 90 * time.Second, ""},
		{"set", []string{"OCEAN__EVENT_WORKERS_COUNT=4", "OCEAN__MAX_EVENT_PROCESSING_SECONDS=30"}, 4, 30 * time.Second, ""},
		{"no worker", []string{"OCEAN__EVENT_WORKERS_COUNT=0"}, 0, 0, "OCEAN__EVENT_WORKERS_COUNT (environment)"},
		{"not a duration", []string{"OCEAN__MAX_EVENT_PROCESSING_SECONDS=soon"}, 0, 0, "OCEAN__MAX_EVENT_PROCESSING_SECONDS (environment)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := setup{env: tc.env}.load(t)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.workers, s.EventWorkersCount)
			assert.Equal(t, tc.timeout, s.MaxEventProcessingTime)
		})
	}
}

// The queue of live events is MEMORY unless KAFKA is asked for, which needs
// its brokers; the password is sensitive.
func TestLiveEventsQueue(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   []string
		queue string
		kafka LiveEventsKafka
		err   string
	}{
		{"memory by default", nil, QueueMemory, LiveEventsKafka{Partitions: 12, ReplicationFactor: -1, SecurityProtocol: "PLAINTEXT",
			AuthenticationMechanism: "SCRAM-SHA-512"}, ""},
		{"kafka", []string{"OCEAN__LIVE_EVENTS__QUEUE=kafka", "OCEAN__LIVE_EVENTS__KAFKA__BROKERS=a.invalid:1,b.invalid:2",
			"OCEAN__LIVE_EVENTS__KAFKA__TOPIC=events", "OCEAN__LIVE_EVENTS__KAFKA__PARTITIONS=3",
			"OCEAN__LIVE_EVENTS__KAFKA__SECURITY_PROTOCOL=sasl_ssl", "OCEAN__LIVE_EVENTS__KAFKA__USERNAME=u",
			"OCEAN__LIVE_EVENTS__KAFKA__PASSWORD=hunter2"}, QueueKafka,
			LiveEventsKafka{Brokers: []string{"a.invalid:1", "b.invalid:2"}, Topic: "events", Partitions: 3, ReplicationFactor: -1,
				SecurityProtocol: "SASL_SSL", AuthenticationMechanism: "SCRAM-SHA-512", Username: "u", Password: "hunter2"}, ""},
		{"kafka without brokers", []string{"OCEAN__LIVE_EVENTS__QUEUE=KAFKA"}, "", LiveEventsKafka{}, "OCEAN__LIVE_EVENTS__KAFKA__BROKERS"},
		{"unknown queue", []string{"OCEAN__LIVE_EVENTS__QUEUE=REDIS"}, "", LiveEventsKafka{}, "OCEAN__LIVE_EVENTS__QUEUE (environment)"},
		{"no partition", []string{"OCEAN__LIVE_EVENTS__QUEUE=KAFKA", "OCEAN__LIVE_EVENTS__KAFKA__BROKERS=a.invalid:1",
			"OCEAN__LIVE_EVENTS__KAFKA__PARTITIONS=0"}, "", LiveEventsKafka{}, "OCEAN__LIVE_EVENTS__KAFKA__PARTITIONS (environment)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := setup{env: tc.env}.load(t)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				assert.NotContains(t, err.Error(), "hunter2")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.queue, s.LiveEvents.Queue)
			assert.Equal(t, tc.kafka, s.LiveEvents.Kafka)
			if tc.kafka.Password != "" {
				assert.Contains(t, s.Secrets(), tc.kafka.Password)
			}
		})
	}
}

// Kafka keys without the KAFKA queue do nothing, and the user is told.
func TestLiveEventsKafkaKeysWithoutTheKafkaQueueWarn(t *testing.T) {
	s, err := setup{env: []string{"OCEAN__LIVE_EVENTS__KAFKA__BROKERS=a.invalid:1"}}.load(t)
	require.NoError(t, err)
	assert.Contains(t, s.Warnings, "OCEAN__LIVE_EVENTS__KAFKA__* are ignored unless OCEAN__LIVE_EVENTS__QUEUE is KAFKA")
}
