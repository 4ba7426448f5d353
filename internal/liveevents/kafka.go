package liveevents

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/handlers"
	"github.com/ocean-go/ocean/internal/kafkaconn"
)

// KafkaOptions configure the Kafka queue: every replica of the integration
// publishes the events it accepts to Topic and consumes it in group GroupID.
type KafkaOptions struct {
	Brokers  []string
	Security kafkaconn.Security
	Topic    string
	// DeadLetterTopic receives the events whose processing failed for good.
	DeadLetterTopic string
	GroupID         string
	// Partitions and ReplicationFactor create the topics when missing
	// (ReplicationFactor -1: the brokers' default).
	Partitions, ReplicationFactor int
}

// Validate reports what makes o unusable, every problem at once.
func (o KafkaOptions) Validate() error {
	var errs []error
	if len(o.Brokers) == 0 {
		errs = append(errs, errors.New("no brokers"))
	}
	errs = append(errs, o.Security.Validate()...)
	for what, v := range map[string]string{"topic": o.Topic, "dead-letter topic": o.DeadLetterTopic, "consumer group": o.GroupID} {
		if v == "" {
			errs = append(errs, errors.New("no "+what))
		}
	}
	if o.Topic != "" && o.Topic == o.DeadLetterTopic {
		errs = append(errs, errors.New("the dead-letter topic is the topic itself"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("the Kafka queue of live events: %w", errors.Join(errs...))
	}
	return nil
}

// Kafka timings. The consumer group's are the event listener's; a
// generation that ends (a rebalance) leaves the events in flight
// rebalanceGrace to finish before they are cut and left to the next owner of
// their partition, within the rebalance timeout. A fetch waits for 16 KiB of
// events or 100 ms, whichever comes first: under load a worker then gets a
// batch to sync at once rather than a trickle of single events (the cost: up
// to 100 ms more latency when idle).
const (
	publishTimeout   = 10 * time.Second
	sessionTimeout   = 10 * time.Second
	heartbeat        = time.Second
	rebalanceTimeout = 30 * time.Second
	rebalanceGrace   = 20 * time.Second
	commitEvery      = 100 * time.Millisecond
	fetchWait        = 100 * time.Millisecond
	fetchMinBytes    = 16 << 10
	fetchMaxBytes    = 10 << 20
)

// Headers of a queued event. The HTTP request's headers go along, prefixed,
// for the processors that read them (an event type…), except the
// credentials: the route authenticated the event already, and the topic
// should hold no secret.
const (
	headerEventID    = "ocean-event-id"
	headerPath       = "ocean-path"
	headerReceivedAt = "ocean-received-at"
	headerHTTP       = "http-"
	headerError      = "ocean-error"
	headerSource     = "ocean-source"
)

var credentialHeaders = map[string]bool{"Authorization": true, "Proxy-Authorization": true, "Cookie": true}

// kafkaQueue queues the events on a Kafka topic: the route answers 202 once
// the brokers acknowledged the event, and every replica processes the
// partitions its consumer group assigns it. Offsets are committed once the
// events before them were processed (or dead-lettered), so delivery is at
// least once: an event whose replica stopped before committing is processed
// again by the next owner of its partition. Syncing an event's results is
// idempotent (an upsert writes the same entity, a deletion of a deleted
// entity does nothing), and the events of one group key share a partition
// and are processed in order there, so processing one twice leaves Port as
// once.
type kafkaQueue struct {
	m      *Manager
	o      KafkaOptions
	log    logrus.FieldLogger
	w      *kafka.Writer
	dialer *kafka.Dialer
	client *kafka.Client
	// left counts the events fetched and not processed at the last stop:
	// they stay on the topic for whichever replica takes their partition.
	left atomic.Int64
	next atomic.Uint64 // spreads the events without a group key over the workers
}

func newKafkaQueue(m *Manager, o KafkaOptions) (*kafkaQueue, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	dialer, err := o.Security.Dialer()
	if err != nil {
		return nil, fmt.Errorf("the Kafka queue of live events: %w", err)
	}
	transport, err := o.Security.Transport()
	if err != nil {
		return nil, fmt.Errorf("the Kafka queue of live events: %w", err)
	}
	log := m.opts.Log.WithFields(logrus.Fields{"topic": o.Topic, "group": o.GroupID})
	return &kafkaQueue{
		m: m, o: o, log: log, dialer: dialer,
		client: &kafka.Client{Addr: kafka.TCP(o.Brokers...), Timeout: kafkaconn.DialTimeout, Transport: transport},
		w: &kafka.Writer{
			Addr:         kafka.TCP(o.Brokers...),
			Transport:    transport,
			Balancer:     &kafka.Hash{}, // one group key, one partition: its events in order
			RequiredAcks: kafka.RequireAll,
			// Writes are synchronous, one per request: requests arriving
			// together share a batch; none waits for more.
			BatchTimeout:    time.Millisecond,
			BatchSize:       1000,
			MaxAttempts:     3,
			WriteBackoffMin: 50 * time.Millisecond,
			WriteBackoffMax: time.Second,
		},
	}, nil
}

func (q *kafkaQueue) put(ctx context.Context, it *item) error {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if err := q.w.WriteMessages(ctx, q.encode(it)); err != nil {
		return fmt.Errorf("the Kafka queue did not take the event (%w); retry later", err)
	}
	return nil
}

func (q *kafkaQueue) encode(it *item) kafka.Message {
	ev := it.ev
	msg := kafka.Message{Topic: q.o.Topic, Value: ev.Body, Headers: []kafka.Header{
		{Key: headerEventID, Value: []byte(ev.ID)},
		{Key: headerPath, Value: []byte(it.pt.name)},
		{Key: headerReceivedAt, Value: []byte(ev.ReceivedAt.Format(time.RFC3339Nano))},
	}}
	if key := groupKey(it); key != "" {
		msg.Key = []byte(key)
	}
	for name, values := range ev.Headers {
		if credentialHeaders[http.CanonicalHeaderKey(name)] {
			continue
		}
		for _, v := range values {
			msg.Headers = append(msg.Headers, kafka.Header{Key: headerHTTP + name, Value: []byte(v)})
		}
	}
	return msg
}

// decode is the event of msg and its path here; an error when this replica
// cannot process it (the event is then dead-lettered). procs is empty when
// no processor of the path handles it any more.
func (q *kafkaQueue) decode(msg kafka.Message) (*path, *item, error) {
	ev := &handlers.WebhookEvent{Body: msg.Value, Headers: http.Header{}, ReceivedAt: msg.Time}
	for _, h := range msg.Headers {
		switch name, isHTTP := strings.CutPrefix(h.Key, headerHTTP); {
		case isHTTP && name != "":
			ev.Headers.Add(name, string(h.Value))
		case h.Key == headerEventID:
			ev.ID = string(h.Value)
		case h.Key == headerPath:
			ev.Path = string(h.Value)
		case h.Key == headerReceivedAt:
			if at, err := time.Parse(time.RFC3339Nano, string(h.Value)); err == nil {
				ev.ReceivedAt = at
			}
		}
	}
	pt := q.m.paths[ev.Path]
	if pt == nil {
		return nil, nil, fmt.Errorf("no webhook processor serves path %q in this replica", ev.Path)
	}
	var err error
	if ev.Payload, err = decodeObject(ev.Body); err != nil {
		return pt, nil, err
	}
	return pt, &item{pt: pt, ev: ev, procs: pt.processorsOf(ev)}, nil
}

func (q *kafkaQueue) run(ctx, work context.Context) error {
	defer q.w.Close() // after the HTTP server stopped: nothing publishes any more
	if err := q.createTopics(ctx); err != nil || ctx.Err() != nil {
		return err
	}
	group, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID:                    q.o.GroupID,
		Brokers:               q.o.Brokers,
		Dialer:                q.dialer,
		Topics:                []string{q.o.Topic},
		WatchPartitionChanges: true,
		SessionTimeout:        sessionTimeout,
		HeartbeatInterval:     heartbeat,
		RebalanceTimeout:      rebalanceTimeout,
		JoinGroupBackoff:      time.Millisecond, // the health's backoff paces the retries
		StartOffset:           kafka.FirstOffset,
		ErrorLogger:           kafka.LoggerFunc(q.log.Debugf),
	})
	if err != nil {
		return fmt.Errorf("the Kafka queue of live events: %w", err)
	}
	q.log.Info("Processing the live events of the Kafka queue")
	err = q.consume(ctx, work, group)
	_ = group.Close() // waits for the partitions' events in flight
	entry := q.log.WithField("left", q.left.Load())
	if q.left.Load() > 0 {
		entry.Info("Stopped processing live events; the ones not processed stay on Kafka for the other replicas")
	} else {
		entry.Info("Stopped processing live events")
	}
	return err
}

// createTopics creates the topics that do not exist yet.
func (q *kafkaQueue) createTopics(ctx context.Context) error {
	h := kafkaconn.NewHealth(q.log, "creating the live-events topics")
	for {
		err := q.tryCreateTopics(ctx)
		switch {
		case err == nil:
			h.OK()
			return nil
		case kafkaconn.Permanent(err):
			return fmt.Errorf("the Kafka queue of live events: the brokers refused creating its topics: %w", err)
		case !kafkaconn.Sleep(ctx, h.Fail(err)):
			return nil
		}
	}
}

func (q *kafkaQueue) tryCreateTopics(ctx context.Context) error {
	res, err := q.client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{
		{Topic: q.o.Topic, NumPartitions: q.o.Partitions, ReplicationFactor: q.o.ReplicationFactor},
		{Topic: q.o.DeadLetterTopic, NumPartitions: 1, ReplicationFactor: q.o.ReplicationFactor},
	}})
	if err != nil {
		return err
	}
	for _, err := range res.Errors {
		if err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
			return err
		}
	}
	return nil
}
