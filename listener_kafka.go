package ocean

import (
	"context"
	"fmt"
	"time"

	"github.com/ocean-go/ocean/config"
	"github.com/ocean-go/ocean/core/listeners"
	"github.com/ocean-go/ocean/internal/lifecycle"
	"github.com/ocean-go/ocean/logging"
)

// kafkaOptions are the KAFKA listener's own keys.
type kafkaOptions struct {
	Brokers                 []string `json:"brokers"`
	SecurityProtocol        string   `json:"security_protocol"`
	AuthenticationMechanism string   `json:"authentication_mechanism"`
	// KafkaSecurityEnabled: connect with the credentials Port hands out.
	KafkaSecurityEnabled bool          `json:"kafka_security_enabled"`
	ConsumerPollTimeout  time.Duration `json:"consumer_poll_timeout"`
}

func (a *App) kafkaOptions() kafkaOptions { return a.settings.EventListener.Options.(kafkaOptions) }

// KAFKA: the integration consumes Port's change log on Kafka and resyncs when
// a message asks for it (listeners.Wants); the credentials come from Port.
func init() {
	registerListener(config.ListenerKafka, eventListener{
		options: func(k config.ListenerKeys) any {
			return kafkaOptions{
				Brokers:                 k.List("brokers", "host:port", config.DefaultKafkaBrokers),
				SecurityProtocol:        k.String("security_protocol", "SASL_SSL"),
				AuthenticationMechanism: k.String("authentication_mechanism", "SCRAM-SHA-512"),
				KafkaSecurityEnabled:    k.Bool("kafka_security_enabled", true),
				ConsumerPollTimeout:     k.Seconds("consumer_poll_timeout", time.Second),
			}
		},
		changelog: func(*App) map[string]any { return map[string]any{"type": string(config.ListenerKafka)} },
		check: func(a *App) error {
			k := a.kafkaListener("org", nil)
			if k.Username == "" && a.kafkaOptions().KafkaSecurityEnabled {
				// Port hands the credentials out at start; check the rest now.
				k.Username, k.Password = "-", "-"
			}
			return k.Validate()
		},
		build: func(ctx context.Context, a *App, ready func()) (lifecycle.Runnable, error) {
			org, err := a.client.Organization(ctx)
			if err != nil {
				return nil, fmt.Errorf("read the organization from Port: %w", err)
			}
			k := a.kafkaListener(org.ID, org.FeatureFlags)
			if a.kafkaOptions().KafkaSecurityEnabled {
				creds, err := a.client.KafkaCredentials(ctx)
				if err != nil {
					return nil, fmt.Errorf("get the Kafka credentials from Port (OCEAN__EVENT_LISTENER__KAFKA_SECURITY_ENABLED=false to connect without): %w", err)
				}
				logging.MaskerOf(a.log).AddSecrets(creds.Password)
				k.Username, k.Password = creds.Username, creds.Password
			}
			k.Ready = ready
			if err := k.Validate(); err != nil {
				return nil, err
			}
			a.log.WithFields(map[string]any{"topic": k.Topic, "group": k.GroupID, "brokers": k.Brokers,
				"security_protocol": k.SecurityProtocol}).Info("Consuming Port's change log on Kafka")
			return k, nil
		},
	})
}

// kafkaListener is the KAFKA listener of org, as the settings configure it.
// Without kafka_security_enabled it connects in PLAINTEXT whatever
// security_protocol says, as Ocean does (it then sets no security at all).
func (a *App) kafkaListener(org string, flags []string) listeners.Kafka {
	s := a.settings
	l := a.kafkaOptions()
	topic, resyncRequests := listeners.KafkaTopic(org, flags)
	k := listeners.Kafka{
		Brokers:          l.Brokers,
		SecurityProtocol: listeners.ProtocolPlaintext,
		GroupID:          listeners.KafkaGroupID(org, s.Integration.Type, s.Integration.Identifier, l.KafkaSecurityEnabled),
		Topic:            topic,
		ResyncRequests:   resyncRequests,
		Identifier:       s.Integration.Identifier,
		PollTimeout:      l.ConsumerPollTimeout,
		Resync:           a.resyncJob(a.fullResync),
		Log:              a.log,
	}
	if l.KafkaSecurityEnabled {
		k.SecurityProtocol, k.Mechanism = l.SecurityProtocol, l.AuthenticationMechanism
	}
	return k
}
