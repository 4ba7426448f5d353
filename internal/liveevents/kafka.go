package liveevents

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
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
// their partition, within the rebalance timeout.
const (
	publishTimeout   = 10 * time.Second
	sessionTimeout   = 10 * time.Second
	heartbeat        = time.Second
	rebalanceTimeout = 30 * time.Second
	rebalanceGrace   = 20 * time.Second
	commitEvery      = 100 * time.Millisecond
	fetchWait        = 500 * time.Millisecond
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
	ev := &handlers.WebhookEvent{Body: msg.Value, Headers: http.Header{}}
	var name string
	for _, h := range msg.Headers {
		switch {
		case h.Key == headerEventID:
			ev.ID = string(h.Value)
		case h.Key == headerPath:
			name = string(h.Value)
		case h.Key == headerReceivedAt:
			ev.ReceivedAt, _ = time.Parse(time.RFC3339Nano, string(h.Value))
		case len(h.Key) > len(headerHTTP) && h.Key[:len(headerHTTP)] == headerHTTP:
			ev.Headers.Add(h.Key[len(headerHTTP):], string(h.Value))
		}
	}
	if ev.ReceivedAt.IsZero() {
		ev.ReceivedAt = msg.Time
	}
	ev.Path = name
	pt := q.m.paths[name]
	if pt == nil {
		return nil, nil, fmt.Errorf("no webhook processor serves path %q in this replica", name)
	}
	var err error
	if ev.Payload, err = decodeObject(ev.Body); err != nil {
		return pt, nil, err
	}
	it := &item{pt: pt, ev: ev}
	for _, p := range pt.procs {
		if p.ShouldProcess(ev) {
			it.procs = append(it.procs, p)
		}
	}
	return pt, it, nil
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

// consume runs the group's generations until ctx ends: in each, one
// consumer per assigned partition.
func (q *kafkaQueue) consume(ctx, work context.Context, group *kafka.ConsumerGroup) error {
	h := kafkaconn.NewHealth(q.log, "the consumer group")
	for {
		gen, err := group.Next(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, kafka.RebalanceInProgress):
			continue
		case kafkaconn.Permanent(err):
			return fmt.Errorf("the Kafka queue of live events: the brokers refused group %s: %w", q.o.GroupID, err)
		case err != nil:
			if !kafkaconn.Sleep(ctx, h.Fail(err)) {
				return nil
			}
			continue
		}
		h.OK()
		q.left.Store(0)
		for _, a := range gen.Assignments[q.o.Topic] {
			gen.Start(func(gctx context.Context) { q.partition(gctx, work, gen, a) })
		}
	}
}

// fetched is one message of a partition on its way to a worker.
type fetched struct {
	msg kafka.Message
	pt  *path
	it  *item
	err error // why this replica cannot process it
}

// partition processes one assigned partition until its generation ends:
// workers by group key as in memory, and commits of the offsets below which
// every event was handled. When the generation ends, the events in flight
// finish (within rebalanceGrace, or the drain bound at shutdown) and the
// others are left to the partition's next owner.
func (q *kafkaQueue) partition(gctx, work context.Context, gen *kafka.Generation, a kafka.PartitionAssignment) {
	log := q.log.WithField("partition", a.ID)
	events, cut := context.WithCancel(work)
	defer cut()
	stopCutting := context.AfterFunc(gctx, func() { time.AfterFunc(rebalanceGrace, cut) })
	defer stopCutting()

	offsets := newOffsets()
	workers := make([]chan fetched, q.m.opts.Workers)
	var wg sync.WaitGroup
	for i := range workers {
		workers[i] = make(chan fetched, 256)
		wg.Go(func() { q.work(gctx, events, workers[i], offsets) })
	}
	finished, committed := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(committed)
		q.commit(finished, gen, a.ID, offsets, log)
	}()

	q.fetch(gctx, a, workers, offsets, log)
	for _, w := range workers {
		close(w)
	}
	wg.Wait()
	close(finished)
	<-committed
}

// fetch reads the partition from its assigned offset to the workers until
// gctx ends. An error the reader did not recover from ends the generation
// (after a backoff): the group rejoins and reads from the committed offsets.
func (q *kafkaQueue) fetch(gctx context.Context, a kafka.PartitionAssignment, workers []chan fetched, offsets *offsets, log logrus.FieldLogger) {
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: q.o.Brokers, Topic: q.o.Topic, Partition: a.ID, Dialer: q.dialer,
		MaxWait: fetchWait, ErrorLogger: kafka.LoggerFunc(log.Debugf),
	})
	defer r.Close()
	if err := r.SetOffset(a.Offset); err != nil {
		log.WithError(err).Error("Cannot read the assigned partition of the live-events queue")
		return
	}
	h := kafkaconn.NewHealth(log, "reading the live-events queue")
	for {
		msg, err := r.FetchMessage(gctx)
		switch {
		case gctx.Err() != nil:
			return
		case err != nil:
			kafkaconn.Sleep(gctx, h.Fail(err))
			return
		}
		h.OK()
		f := fetched{msg: msg}
		f.pt, f.it, f.err = q.decode(msg)
		key := ""
		if f.it != nil {
			key = string(msg.Key)
			q.m.opts.Metrics.depth.WithLabelValues(f.pt.name).Inc()
		}
		offsets.add(msg.Offset)
		select {
		case workers[shardOf(key, len(workers), &q.next)] <- f:
		case <-gctx.Done():
			q.abandon(f)
			return
		}
	}
}

// work handles the events of one worker until the generation ends, each it
// takes with those waiting behind it (see Manager.process); those still
// waiting then are left to the partition's next owner.
func (q *kafkaQueue) work(gctx, events context.Context, in <-chan fetched, offsets *offsets) {
	for f := range in {
		fs := batch(f, in)
		if gctx.Err() != nil {
			for _, f := range fs {
				q.abandon(f)
			}
			continue
		}
		for i, err := range q.process(events, fs) {
			switch {
			case err == nil:
			case events.Err() != nil: // cut short by a stop: the next owner processes it again
				q.left.Add(1)
				continue
			case !q.deadLetter(events, fs[i], err):
				q.left.Add(1)
				continue
			}
			offsets.done(fs[i].msg.Offset)
		}
	}
}

// abandon leaves f unprocessed and uncommitted.
func (q *kafkaQueue) abandon(f fetched) {
	q.left.Add(1)
	if f.it != nil {
		q.m.opts.Metrics.depth.WithLabelValues(f.pt.name).Dec()
	}
}

// process processes the events of fs that this replica can; errs[i] is why
// fs[i] failed (nil: done with, including an event no processor handles any
// more).
func (q *kafkaQueue) process(ctx context.Context, fs []fetched) (errs []error) {
	errs = make([]error, len(fs))
	var items []*item
	var at []int
	for i, f := range fs {
		switch {
		case f.err != nil:
			q.log.WithError(f.err).WithField("offset", f.msg.Offset).Error("Cannot process a live event of the Kafka queue")
			errs[i] = f.err
		case len(f.it.procs) == 0:
			q.m.opts.Metrics.depth.WithLabelValues(f.pt.name).Dec()
		default:
			items = append(items, f.it)
			at = append(at, i)
		}
	}
	if len(items) > 0 {
		for j, err := range q.m.process(ctx, items) {
			errs[at[j]] = err
		}
	}
	return errs
}

// deadLetter publishes a failed event to the dead-letter topic, with why; it
// retries until the brokers take it or ctx ends (false: not done with).
func (q *kafkaQueue) deadLetter(ctx context.Context, f fetched, cause error) bool {
	msg := kafka.Message{Topic: q.o.DeadLetterTopic, Key: f.msg.Key, Value: f.msg.Value,
		Headers: append(append([]kafka.Header(nil), f.msg.Headers...),
			kafka.Header{Key: headerError, Value: []byte(cause.Error())},
			kafka.Header{Key: headerSource, Value: []byte(f.msg.Topic + "/" + strconv.Itoa(f.msg.Partition) + "/" + strconv.FormatInt(f.msg.Offset, 10))})}
	name := "?"
	if f.pt != nil {
		name = f.pt.name
	}
	h := kafkaconn.NewHealth(q.log, "dead-lettering a live event")
	for {
		wctx, cancel := context.WithTimeout(ctx, publishTimeout)
		err := q.w.WriteMessages(wctx, msg)
		cancel()
		if err == nil {
			h.OK()
			q.m.opts.Metrics.count(name, deadLettered)
			q.log.WithFields(logrus.Fields{"path": name, "dead_letter_topic": q.o.DeadLetterTopic, "offset": f.msg.Offset}).
				Warn("Live event dead-lettered after its last attempt")
			return true
		}
		if !kafkaconn.Sleep(ctx, h.Fail(err)) {
			return false
		}
	}
}

// commit commits the partition's offset as events are done with, until
// finished is closed; then once more, for the events finished meanwhile.
func (q *kafkaQueue) commit(finished <-chan struct{}, gen *kafka.Generation, partition int, offsets *offsets, log logrus.FieldLogger) {
	h := kafkaconn.NewHealth(log, "committing the live-events queue")
	try := func() {
		if at, ok := offsets.committable(); ok {
			if err := gen.CommitOffsets(map[string]map[int]int64{q.o.Topic: {partition: at}}); err != nil {
				h.Fail(err) // the next tick retries
				return
			}
			h.OK()
			offsets.committed(at)
		}
	}
	t := time.NewTicker(commitEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			try()
		case <-finished:
			try()
			return
		}
	}
}
