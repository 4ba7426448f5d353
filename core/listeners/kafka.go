package listeners

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/internal/kafkaconn"
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
	ProtocolPlaintext     = kafkaconn.ProtocolPlaintext
	ProtocolSASLPlaintext = kafkaconn.ProtocolSASLPlaintext
	ProtocolSASLSSL       = kafkaconn.ProtocolSASLSSL
	ProtocolSSL           = kafkaconn.ProtocolSSL

	MechanismSCRAMSHA512 = kafkaconn.MechanismSCRAMSHA512
	MechanismSCRAMSHA256 = kafkaconn.MechanismSCRAMSHA256
	MechanismPlain       = kafkaconn.MechanismPlain
)

// Consumer group timings. Brokers refuse session timeouts under 6 s
// (group.min.session.timeout.ms); a 1 s heartbeat notices a rebalance or a
// lost broker quickly.
const (
	kafkaSessionTimeout   = 10 * time.Second
	kafkaHeartbeat        = time.Second
	kafkaRebalanceTimeout = 10 * time.Second
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
	errs = append(errs, k.security().Validate()...)
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

func (k Kafka) security() kafkaconn.Security {
	return kafkaconn.Security{Protocol: k.SecurityProtocol, Mechanism: k.Mechanism,
		Username: k.Username, Password: k.Password, RootCAs: k.RootCAs}
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
	d, err := k.security().Dialer()
	if err != nil {
		return nil, nil, fmt.Errorf("kafka listener: %w", err)
	}
	t, err := k.security().Transport()
	if err != nil {
		return nil, nil, fmt.Errorf("kafka listener: %w", err)
	}
	return d, &kafka.Client{Addr: kafka.TCP(k.Brokers...), Timeout: kafkaconn.DialTimeout, Transport: t}, nil
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
		group: kafkaconn.NewHealth(log, "the consumer group"), data: kafkaconn.NewHealth(log, "reading or committing"),
		topic: kafkaconn.NewHealth(log, "finding the topic")}
	return c.run(ctx, group)
}
