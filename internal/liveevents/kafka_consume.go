package liveevents

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/internal/kafkaconn"
)

// consume runs the group's generations until ctx ends.
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
		if assigned := gen.Assignments[q.o.Topic]; len(assigned) > 0 {
			gen.Start(func(gctx context.Context) { q.generation(gctx, work, gen, assigned) })
		}
	}
}

// fetched is one message of a partition on its way to a worker.
type fetched struct {
	msg     kafka.Message
	offsets *offsets // of its partition
	pt      *path
	it      *item
	err     error // why this replica cannot process it
}

// generation processes the assigned partitions until the generation ends: a
// reader per partition feeding the replica's workers, by group key as in
// memory (the events of one key share a partition, and then a worker), and
// commits of the offsets below which every event was handled. When the
// generation ends, the events in flight finish (within rebalanceGrace, or the
// drain bound at shutdown) and the others are left to the partitions' next
// owners. A reader that fails ends the generation: the group rejoins and
// reads from the committed offsets.
func (q *kafkaQueue) generation(gctx, work context.Context, gen *kafka.Generation, assigned []kafka.PartitionAssignment) {
	events, cut := context.WithCancel(work)
	defer cut()
	stopCutting := context.AfterFunc(gctx, func() { time.AfterFunc(rebalanceGrace, cut) })
	defer stopCutting()
	fetching, stopFetching := context.WithCancel(gctx)
	defer stopFetching()

	parts := make(map[int]*offsets, len(assigned))
	for _, a := range assigned {
		parts[a.ID] = newOffsets()
	}
	workers := make([]chan fetched, q.m.opts.Workers)
	var wg sync.WaitGroup
	for i := range workers {
		workers[i] = make(chan fetched, maxBatch)
		wg.Go(func() { q.work(fetching, events, workers[i]) })
	}
	finished, committed := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(committed)
		q.commit(finished, gen, parts)
	}()
	var readers sync.WaitGroup
	for _, a := range assigned {
		readers.Go(func() {
			defer stopFetching()
			q.fetch(fetching, a, workers, parts[a.ID])
		})
	}
	readers.Wait()
	for _, w := range workers {
		close(w)
	}
	wg.Wait()
	close(finished)
	<-committed
}

// fetch reads a partition from its assigned offset to the workers until ctx
// ends or reading fails (after a backoff).
func (q *kafkaQueue) fetch(ctx context.Context, a kafka.PartitionAssignment, workers []chan fetched, offsets *offsets) {
	log := q.log.WithField("partition", a.ID)
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: q.o.Brokers, Topic: q.o.Topic, Partition: a.ID, Dialer: q.dialer,
		MinBytes: fetchMinBytes, MaxBytes: fetchMaxBytes, MaxWait: fetchWait, ErrorLogger: kafka.LoggerFunc(log.Debugf),
	})
	defer r.Close()
	if err := r.SetOffset(a.Offset); err != nil {
		log.WithError(err).Error("Cannot read the assigned partition of the live-events queue")
		return
	}
	h := kafkaconn.NewHealth(log, "reading the live-events queue")
	for {
		msg, err := r.FetchMessage(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			kafkaconn.Sleep(ctx, h.Fail(err))
			return
		}
		h.OK()
		f := fetched{msg: msg, offsets: offsets}
		f.pt, f.it, f.err = q.decode(msg)
		key := ""
		if f.it != nil {
			key = string(msg.Key)
			q.m.opts.Metrics.depth.WithLabelValues(f.pt.name).Inc()
		}
		offsets.add(msg.Offset)
		select {
		case workers[shardOf(key, len(workers), &q.next)] <- f:
		case <-ctx.Done():
			q.abandon(f)
			return
		}
	}
}

// work handles the events of one worker until fetching ends, each it takes
// with those waiting behind it (see Manager.process); those still waiting
// then are left to the partitions' next owners.
func (q *kafkaQueue) work(fetching, events context.Context, in <-chan fetched) {
	for f := range in {
		fs := batch(f, in)
		if fetching.Err() != nil {
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
			fs[i].offsets.done(fs[i].msg.Offset)
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

// commit commits the partitions' offsets as events are done with, until
// finished is closed; then once more, for the events finished meanwhile.
func (q *kafkaQueue) commit(finished <-chan struct{}, gen *kafka.Generation, parts map[int]*offsets) {
	h := kafkaconn.NewHealth(q.log, "committing the live-events queue")
	try := func() {
		at := map[int]int64{}
		for id, o := range parts {
			if off, ok := o.committable(); ok {
				at[id] = off
			}
		}
		if len(at) == 0 {
			return
		}
		if err := gen.CommitOffsets(map[string]map[int]int64{q.o.Topic: at}); err != nil {
			h.Fail(err) // the next tick retries
			return
		}
		h.OK()
		for id, off := range at {
			parts[id].committed(off)
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
