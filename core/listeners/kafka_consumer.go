package listeners

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/internal/kafkaconn"
)

// kafkaConsumer is the state of one Start.
type kafkaConsumer struct {
	Kafka
	log    logrus.FieldLogger
	dialer *kafka.Dialer
	client *kafka.Client
	queue  *resyncQueue
	fatal  context.CancelCauseFunc // ends Start with a permanent error
	// balancer is told what this member holds.
	balancer *stickyBalancer
	// asked remembers the wanted messages a resync was asked for, until
	// committed: one read again after a rebalance joins its request rather
	// than aborting the resync it waits for. Only the handler of the current
	// generation uses it, and generations never overlap.
	asked map[messageKey]uint64
	// group tracks joining the group, data fetching and committing, topic
	// finding the topic's partitions: each warns once per outage.
	group, data, topic *kafkaconn.Health
}

func (c *kafkaConsumer) run(ctx context.Context, group *kafka.ConsumerGroup) error {
	ready := c.Ready
	standby := false
	for {
		gen, err := group.Next(ctx)
		switch {
		case ctx.Err() != nil:
			if cause := context.Cause(ctx); !errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) {
				return cause
			}
			return nil
		case errors.Is(err, kafka.RebalanceInProgress):
			continue // the next join is throttled by the coordinator
		case kafkaconn.Permanent(err):
			return fmt.Errorf("kafka listener: the brokers refused %s: %w", c.GroupID, err)
		case err != nil:
			c.balancer.hold(nil) // out of the group: holds nothing any more
			if !kafkaconn.Sleep(ctx, c.group.Fail(err)) {
				return nil
			}
			continue
		}
		c.group.OK()
		c.balancer.hold(gen.Assignments)
		if ready != nil {
			ready()
			ready = nil
		}
		assigned := gen.Assignments[c.Topic]
		if len(assigned) == 0 {
			held, err := c.heldElsewhere(ctx, gen.MemberID)
			if err != nil {
				// Without the topic the group's generations end at once:
				// pace the rejoins.
				if !kafkaconn.Sleep(ctx, c.topic.Fail(err)) {
					return nil
				}
				continue
			}
			c.topic.OK()
			switch {
			case !held:
				// Assigned while the topic did not exist yet, and nothing
				// tells the group it does now: rejoin to get its partitions.
				if !kafkaconn.Sleep(ctx, kafkaconn.BackoffMin) {
					return nil
				}
				gen.Start(func(context.Context) {})
			case !standby:
				standby = true
				// Ocean stops the process here; a standby that takes over
				// when the active instance goes away is what one runs a
				// second instance for.
				c.log.Warnf("Another instance of integration %s consumes %s; this one waits as a standby", c.Identifier, c.Topic)
			}
			continue // Next returns when the group rebalances
		}
		c.topic.OK()
		if standby {
			standby = false
			c.log.WithField("partitions", len(assigned)).Infof("Partitions of %s assigned; this instance of integration %s now consumes them", c.Topic, c.Identifier)
		}
		c.consumeGeneration(gen, assigned)
	}
}

// heldElsewhere tells why the assignment is empty: another member of the
// group holds the topic's partitions (true), or nobody does (false: the
// group assigned before the topic existed). An error when the topic has no
// partitions; when unsure, another member holds them.
func (c *kafkaConsumer) heldElsewhere(ctx context.Context, memberID string) (bool, error) {
	meta, err := c.client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{c.Topic}})
	if err != nil {
		return true, nil
	}
	for _, t := range meta.Topics {
		if t.Name == c.Topic && (errors.Is(t.Error, kafka.UnknownTopicOrPartition) || t.Error == nil && len(t.Partitions) == 0) {
			return false, fmt.Errorf("topic %s does not exist", c.Topic)
		}
	}
	groups, err := c.client.DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{c.GroupID}})
	if err != nil || len(groups.Groups) != 1 || groups.Groups[0].Error != nil {
		return true, nil
	}
	for _, m := range groups.Groups[0].Members {
		for _, t := range m.MemberAssignments.Topics {
			if m.MemberID != memberID && t.Topic == c.Topic && len(t.Partitions) > 0 {
				return true, nil
			}
		}
	}
	return false, nil
}

// consumeGeneration reads the assigned partitions until the generation ends:
// one reader per partition feeding one handler that owns the offsets.
func (c *kafkaConsumer) consumeGeneration(gen *kafka.Generation, assigned []kafka.PartitionAssignment) {
	msgs := make(chan kafka.Message)
	for _, a := range assigned {
		gen.Start(func(ctx context.Context) { c.fetch(ctx, a, msgs) })
	}
	gen.Start(func(ctx context.Context) { c.handle(ctx, gen, assigned, msgs) })
}

// fetch reads one partition from its assigned offset into msgs. An error the
// reader did not recover from itself ends the generation (after a backoff):
// the group rejoins and reading restarts from the committed offsets.
func (c *kafkaConsumer) fetch(ctx context.Context, a kafka.PartitionAssignment, msgs chan<- kafka.Message) {
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: c.Brokers, Topic: c.Topic, Partition: a.ID, Dialer: c.dialer,
		MaxWait: c.pollTimeout(), ErrorLogger: kafka.LoggerFunc(c.log.Debugf),
	})
	defer r.Close()
	if err := r.SetOffset(a.Offset); err != nil {
		c.log.WithError(err).Error("Cannot read the assigned partition")
		return
	}
	for {
		m, err := r.FetchMessage(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case kafkaconn.Permanent(err):
			c.fatal(fmt.Errorf("kafka listener: the brokers refused reading %s: %w", c.Topic, err))
			return
		case err != nil:
			kafkaconn.Sleep(ctx, c.data.Fail(err))
			return
		}
		c.data.OK()
		select {
		case msgs <- m:
		case <-ctx.Done():
			return
		}
	}
}

// handle decides for each message whether it asks for a resync and commits
// what may be committed (see partitionOffsets). Wanted messages already
// followed by others in the log (the fetch's high watermark says so) wait for
// those, at most kafkaSettle: a burst of changes, or the backlog a new group
// catches up on, asks for one resync rather than one per message.
func (c *kafkaConsumer) handle(ctx context.Context, gen *kafka.Generation, assigned []kafka.PartitionAssignment, msgs <-chan kafka.Message) {
	parts := make(map[int]*partitionOffsets, len(assigned))
	for _, a := range assigned {
		parts[a.ID] = newPartitionOffsets(a.Offset)
	}
	var settle, retry <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-msgs:
			c.read(parts[m.Partition], m)
			if parts[m.Partition].unrequested() {
				if m.Offset+1 >= m.HighWaterMark {
					c.request(parts)
					settle = nil
				} else if settle == nil {
					settle = time.After(kafkaSettle)
				}
			}
		case <-settle:
			settle = nil
			c.request(parts)
		case <-c.queue.ended:
		case <-retry:
			retry = nil
		}
		if retry == nil {
			if err := c.commit(gen, parts); err != nil {
				retry = time.After(c.data.Fail(err))
			}
		}
	}
}

// read files one message: wanted or not, and when read before, the request
// it is already covered by.
func (c *kafkaConsumer) read(p *partitionOffsets, m kafka.Message) {
	log := c.log.WithFields(logrus.Fields{"partition": m.Partition, "offset": m.Offset})
	want, err := Wants(m.Value, c.Identifier, c.ResyncRequests)
	if err != nil {
		log.WithError(err).Warn("Skipping a message of the change log")
	}
	key := messageKey{m.Partition, m.Offset, m.Time.UnixNano()}
	n, asked := c.asked[key]
	switch {
	case !want:
	case !asked:
		log.Info("Port asks for a resync")
	case n <= c.queue.handledUpTo():
		want = false // handled; only its commit was lost
	}
	p.read(key, want, n)
}

// request asks for one resync covering every wanted message not yet covered.
func (c *kafkaConsumer) request(parts map[int]*partitionOffsets) {
	var n uint64
	for _, p := range parts {
		if p.unrequested() {
			if n == 0 {
				n = c.queue.request()
			}
			for _, key := range p.requested(n) {
				c.asked[key] = n
			}
		}
	}
}

// commit commits each partition's safe offset that moved on.
func (c *kafkaConsumer) commit(gen *kafka.Generation, parts map[int]*partitionOffsets) error {
	handled := c.queue.handledUpTo()
	offsets := map[int]int64{}
	for id, p := range parts {
		if at, ok := p.committable(handled); ok {
			offsets[id] = at
		}
	}
	if len(offsets) == 0 {
		return nil
	}
	if err := gen.CommitOffsets(map[string]map[int]int64{c.Topic: offsets}); err != nil {
		return err
	}
	c.data.OK()
	for id, at := range offsets {
		parts[id].committed = at
	}
	for key := range c.asked {
		if at, ok := offsets[key.partition]; ok && key.offset < at {
			delete(c.asked, key)
		}
	}
	return nil
}
