package ocean

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/config"
)

func TestKafkaOptions(t *testing.T) {
	defaults := kafkaOptions{Brokers: config.DefaultKafkaBrokers, SecurityProtocol: "SASL_SSL",
		AuthenticationMechanism: "SCRAM-SHA-512", KafkaSecurityEnabled: true, ConsumerPollTimeout: time.Second}
	with := func(change func(o *kafkaOptions)) kafkaOptions {
		o := defaults
		change(&o)
		return o
	}
	const kafka = "OCEAN__EVENT_LISTENER__TYPE=KAFKA"
	for _, tc := range []struct {
		name string
		env  []string
		want kafkaOptions
	}{
		{"defaults: Port's brokers", []string{kafka}, defaults},
		{"comma list", []string{kafka, "OCEAN__EVENT_LISTENER__BROKERS=a:1, b:2"},
			with(func(o *kafkaOptions) { o.Brokers = []string{"a:1", "b:2"} })},
		{"JSON array", []string{kafka, `OCEAN__EVENT_LISTENER__BROKERS=["c:3"]`},
			with(func(o *kafkaOptions) { o.Brokers = []string{"c:3"} })},
		{"JSON object", []string{`OCEAN__EVENT_LISTENER={"type":"KAFKA","brokers":["a:1","b:2"]}`},
			with(func(o *kafkaOptions) { o.Brokers = []string{"a:1", "b:2"} })},
		{"JSON object keeps its keys when refined by a nested var", []string{`OCEAN__EVENT_LISTENER={"type":"KAFKA"}`, "OCEAN__EVENT_LISTENER__CONSUMER_POLL_TIMEOUT=5"},
			with(func(o *kafkaOptions) { o.ConsumerPollTimeout = 5 * time.Second })},
		{"security", []string{kafka, "OCEAN__EVENT_LISTENER__SECURITY_PROTOCOL=SASL_PLAINTEXT", "OCEAN__EVENT_LISTENER__AUTHENTICATION_MECHANISM=SCRAM-SHA-256",
			"OCEAN__EVENT_LISTENER__KAFKA_SECURITY_ENABLED=false"},
			with(func(o *kafkaOptions) {
				o.SecurityProtocol, o.AuthenticationMechanism, o.KafkaSecurityEnabled = "SASL_PLAINTEXT", "SCRAM-SHA-256", false
			})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := loadSettings(t, tc.env...)
			require.NoError(t, err)
			assert.Equal(t, tc.want, s.EventListener.Options)
			assert.Equal(t, map[string]any{"type": "KAFKA"}, changelogOf(s), "Port sends resync requests to its change log")
		})
	}
}

func TestKafkaOptionErrors(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"OCEAN__EVENT_LISTENER__BROKERS= , ",
			`config: OCEAN__EVENT_LISTENER__BROKERS (environment): expected a comma-separated list of host:port, got " , "`},
		{"OCEAN__EVENT_LISTENER__BROKERS=[1, 2]",
			`config: OCEAN__EVENT_LISTENER__BROKERS (environment): expected a comma-separated list of host:port, got "[1, 2]"`},
		{"OCEAN__EVENT_LISTENER__CONSUMER_POLL_TIMEOUT=0.5",
			`config: OCEAN__EVENT_LISTENER__CONSUMER_POLL_TIMEOUT (environment): expected an integer number of seconds, got "0.5"`},
		{"OCEAN__EVENT_LISTENER__KAFKA_SECURITY_ENABLED=maybe",
			`config: OCEAN__EVENT_LISTENER__KAFKA_SECURITY_ENABLED (environment): expected a boolean (true/false, yes/no, on/off, 1/0), got "maybe"`},
	} {
		_, err := loadSettings(t, "OCEAN__EVENT_LISTENER__TYPE=KAFKA", tc.env)
		assert.EqualError(t, err, tc.want)
	}
}
