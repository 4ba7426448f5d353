package listeners

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
	"github.com/sirupsen/logrus"
)

// Kafka resyncs when Port's change log on Kafka asks for it.
//
// It consumes Topic in consumer group GroupID and resyncs for the messages
// Wants accepts. Resyncs never overlap: a wanted message while one runs
// cancels it and one more runs after it, however many came meanwhile.
// Offsets are committed by hand: a wanted message's once the resync it asked
// for (or a later one) ended, completed or failed, so an instance stopped
// mid-resync resyncs again when it comes back, and one stopped afterwards
// resumes after it. An instance whose group gives it no partition (another
// instance of the integration holds them) waits as a standby.
type Kafka struct {
	Brokers []string
	// SecurityProtocol is PLAINTEXT (also when empty), SASL_PLAINTEXT,
	// SASL_SSL or SSL.
	SecurityProtocol string
	// RootCAs verifies the brokers' certificates under TLS; nil: the
	// system's roots (Port's brokers), else e.g. the private CA of
	// self-hosted brokers.
	RootCAs *x509.CertPool
	// Mechanism is the SASL mechanism: SCRAM-SHA-512 (also when empty),
	// SCRAM-SHA-256 or PLAIN.
	Mechanism string
	// Username and Password are the SASL credentials; they are never logged.
	Username, Password string
	GroupID            string
	Topic              string
	// ResyncRequests tells that Topic is the resync-requests topic, whose
	// messages are filtered differently (see Wants).
	ResyncRequests bool
	// Identifier is this integration's identifier.
	Identifier string
	// PollTimeout is the longest a fetch waits for messages (Ocean's
	// consumer_poll_timeout); 1 s when zero.
	PollTimeout time.Duration
	Resync      func(ctx context.Context) error
	Log         logrus.FieldLogger
	// Ready, when set, is called once the consumer first joined its group
	// (its assignment is known, even if empty).
	Ready func()
}

// Security protocols and SASL mechanisms Kafka accepts.
const (
	ProtocolPlaintext     = "PLAINTEXT"
	ProtocolSASLPlaintext = "SASL_PLAINTEXT"
	ProtocolSASLSSL       = "SASL_SSL"
	ProtocolSSL           = "SSL"

	MechanismSCRAMSHA512 = "SCRAM-SHA-512"
	MechanismSCRAMSHA256 = "SCRAM-SHA-256"
	MechanismPlain       = "PLAIN"
)

// Consumer group timings. Brokers refuse session timeouts under 6 s
// (group.min.session.timeout.ms); a 1 s heartbeat notices a rebalance or a
// lost broker quickly.
const (
	kafkaSessionTimeout   = 10 * time.Second
	kafkaHeartbeat        = time.Second
	kafkaRebalanceTimeout = 10 * time.Second
	kafkaDialTimeout      = 10 * time.Second
	// kafkaSettle bounds how long a wanted message waits for the ones
	// already behind it (see handle) before it asks for a resync.
	kafkaSettle = 250 * time.Millisecond
)

// Validate reports what makes k unusable, every problem at once.
func (k Kafka) Validate() error {
	var errs []error
	if allBlank(k.Brokers) {
		errs = append(errs, errors.New("no brokers"))
	}
	switch k.protocol() {
	case ProtocolPlaintext, ProtocolSSL:
	case ProtocolSASLPlaintext, ProtocolSASLSSL:
		switch k.mechanism() {
		case MechanismSCRAMSHA512, MechanismSCRAMSHA256, MechanismPlain:
		default:
			errs = append(errs, fmt.Errorf("unknown SASL mechanism %q (want %s, %s or %s)",
				k.Mechanism, MechanismSCRAMSHA512, MechanismSCRAMSHA256, MechanismPlain))
		}
		if k.Username == "" || k.Password == "" {
			errs = append(errs, fmt.Errorf("security protocol %s needs a username and a password", k.protocol()))
		}
	default:
		errs = append(errs, fmt.Errorf("unknown security protocol %q (want %s, %s, %s or %s)",
			k.SecurityProtocol, ProtocolPlaintext, ProtocolSASLPlaintext, ProtocolSASLSSL, ProtocolSSL))
	}
	if k.Topic == "" {
		errs = append(errs, errors.New("no topic"))
	}
	if k.GroupID == "" {
		errs = append(errs, errors.New("no consumer group"))
	}
	if k.Identifier == "" {
		errs = append(errs, errors.New("no integration identifier"))
	}
	if k.Resync == nil {
		errs = append(errs, errors.New("no resync function"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("kafka listener: %w", errors.Join(errs...))
	}
	return nil
}

func allBlank(ss []string) bool {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

func (k Kafka) protocol() string {
	if k.SecurityProtocol == "" {
		return ProtocolPlaintext
	}
	return k.SecurityProtocol
}

func (k Kafka) mechanism() string {
	if k.Mechanism == "" {
		return MechanismSCRAMSHA512
	}
	return k.Mechanism
}

func (k Kafka) pollTimeout() time.Duration {
	if k.PollTimeout <= 0 {
		return time.Second
	}
	return k.PollTimeout
}

// connections is how the listener reaches the brokers: a dialer for the
// group and the partition readers, a client for describing the group.
func (k Kafka) connections() (*kafka.Dialer, *kafka.Client, error) {
	d := &kafka.Dialer{Timeout: kafkaDialTimeout, DualStack: true}
	p := k.protocol()
	if p == ProtocolSASLSSL || p == ProtocolSSL {
		d.TLS = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: k.RootCAs}
	}
	if p == ProtocolSASLPlaintext || p == ProtocolSASLSSL {
		var err error
		switch k.mechanism() {
		case MechanismSCRAMSHA512:
			d.SASLMechanism, err = scram.Mechanism(scram.SHA512, k.Username, k.Password)
		case MechanismSCRAMSHA256:
			d.SASLMechanism, err = scram.Mechanism(scram.SHA256, k.Username, k.Password)
		case MechanismPlain:
			d.SASLMechanism = plain.Mechanism{Username: k.Username, Password: k.Password}
		}
		if err != nil { // the error names no credential
			return nil, nil, fmt.Errorf("kafka listener: SASL %s: %w", k.mechanism(), err)
		}
	}
	cl := &kafka.Client{
		Addr:      kafka.TCP(k.Brokers...),
		Timeout:   kafkaDialTimeout,
		Transport: &kafka.Transport{TLS: d.TLS, SASL: d.SASLMechanism, DialTimeout: kafkaDialTimeout},
	}
	return d, cl, nil
}

// Start consumes until ctx ends and returns nil then, once the resync in
// flight returned. Lost brokers are retried with backoff; it returns an
// error only when retrying cannot help: invalid settings, or the brokers
// refusing the credentials or access to the topic or group (the process
// should exit so that whoever runs it notices, and fresh credentials are
// fetched on restart).
func (k Kafka) Start(ctx context.Context) error {
	if err := k.Validate(); err != nil {
		return err
	}
	dialer, client, err := k.connections()
	if err != nil {
		return err
	}
	if k.Log == nil {
		k.Log = logrus.StandardLogger()
	}
	log := k.Log.WithFields(logrus.Fields{"topic": k.Topic, "group": k.GroupID})

	// A ConsumerGroup rather than a Reader with a GroupID: only the group's
	// generations show the assignment, and an empty one is how a standby
	// instance knows it is one. Auto-commit is off (commits are explicit).
	// A group without committed offsets starts at the first offset: Port
	// publishes the integration's creation to the change log before the
	// integration's consumer ever joined, and that message must still
	// trigger its first resync.
	balancer := &stickyBalancer{}
	group, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID:                    k.GroupID,
		GroupBalancers:        []kafka.GroupBalancer{balancer, kafka.RangeGroupBalancer{}},
		Brokers:               k.Brokers,
		Dialer:                dialer,
		Topics:                []string{k.Topic},
		WatchPartitionChanges: true,
		SessionTimeout:        kafkaSessionTimeout,
		HeartbeatInterval:     kafkaHeartbeat,
		RebalanceTimeout:      kafkaRebalanceTimeout,
		// Our own backoff paces retries: the group waits to report an error
		// until Next is called again.
		JoinGroupBackoff: time.Millisecond,
		StartOffset:      kafka.FirstOffset,
		ErrorLogger:      kafka.LoggerFunc(log.Debugf),
	})
	if err != nil {
		return fmt.Errorf("kafka listener: %w", err)
	}

	ctx, stop := context.WithCancelCause(ctx)
	queue := newResyncQueue(k.Resync, log)
	var wg sync.WaitGroup
	wg.Go(func() { queue.run(ctx) })
	// In this order: leave the group (its readers stop), cancel the resync in
	// flight, wait for it to return.
	defer wg.Wait()
	defer stop(nil)
	defer group.Close()

	c := &kafkaConsumer{Kafka: k, log: log, dialer: dialer, client: client, queue: queue, fatal: stop,
		balancer: balancer, asked: map[messageKey]uint64{},
		group: newHealth(log, "the consumer group"), data: newHealth(log, "reading or committing"),
		topic: newHealth(log, "finding the topic")}
	return c.run(ctx, group)
}
