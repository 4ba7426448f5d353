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
	group, data, topic *health
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
		case permanent(err):
			return fmt.Errorf("kafka listener: the brokers refused %s: %w", c.GroupID, err)
		case err != nil:
			c.balancer.hold(nil) // out of the group: holds nothing any more
			if !sleep(ctx, c.group.fail(err)) {
				return nil
			}
			continue
		}
		c.group.ok()
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
				if !sleep(ctx, c.topic.fail(err)) {
					return nil
				}
				continue
			}
			c.topic.ok()
			switch {
			case !held:
				// Assigned while the topic did not exist yet, and nothing
				// tells the group it does now: rejoin to get its partitions.
				if !sleep(ctx, backoffMin) {
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
		c.topic.ok()
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

// permanent reports errors that retrying cannot fix: refused credentials or
// access.
func permanent(err error) bool {
	for _, code := range []kafka.Error{kafka.SASLAuthenticationFailed, kafka.UnsupportedSASLMechanism,
		kafka.IllegalSASLState, kafka.TopicAuthorizationFailed, kafka.GroupAuthorizationFailed,
		kafka.ClusterAuthorizationFailed} {
		if errors.Is(err, code) {
			return true
		}
	}
	return false
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
		case permanent(err):
			c.fatal(fmt.Errorf("kafka listener: the brokers refused reading %s: %w", c.Topic, err))
			return
		case err != nil:
			sleep(ctx, c.data.fail(err))
			return
		}
		c.data.ok()
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
				retry = time.After(c.data.fail(err))
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
	c.data.ok()
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

// partitionOffsets is what one partition may commit. It is next (after the
// last message read) unless a wanted message waits for its resync: then it
// is that message's offset, so that a consumer restarted before the resync
// ended reads it again.
type partitionOffsets struct {
	committed int64 // offset committed; negative when none
	next      int64 // offset after the last message read; negative before any
	// waiting holds the wanted messages whose resync has not ended, in offset
	// order; request 0 while no resync was asked for them.
	waiting []wantedMessage
}

type wantedMessage struct {
	key     messageKey
	request uint64
}

// messageKey identifies a message read again after a rebalance. Its
// timestamp tells it from another at the same offset of a topic deleted and
// created again.
type messageKey struct {
	partition int
	offset    int64
	time      int64
}

func newPartitionOffsets(assigned int64) *partitionOffsets {
	// The assigned offset is the committed one, or kafka.FirstOffset (-2)
	// for a group that never committed.
	return &partitionOffsets{committed: assigned, next: -1}
}

// read moves past a message; a wanted one waits for request n (0: none yet).
func (p *partitionOffsets) read(key messageKey, wanted bool, n uint64) {
	p.next = key.offset + 1
	if wanted {
		p.waiting = append(p.waiting, wantedMessage{key: key, request: n})
	}
}

func (p *partitionOffsets) unrequested() bool {
	return len(p.waiting) > 0 && p.waiting[len(p.waiting)-1].request == 0
}

// requested covers the waiting messages no request covers yet with request
// n, and returns them.
func (p *partitionOffsets) requested(n uint64) []messageKey {
	var keys []messageKey
	for i := range p.waiting {
		if p.waiting[i].request == 0 {
			p.waiting[i].request = n
			keys = append(keys, p.waiting[i].key)
		}
	}
	return keys
}

// committable is the offset to commit now that requests up to handled were
// dealt with, and whether it moved on from the committed one.
func (p *partitionOffsets) committable(handled uint64) (int64, bool) {
	for len(p.waiting) > 0 && p.waiting[0].request != 0 && p.waiting[0].request <= handled {
		p.waiting = p.waiting[1:]
	}
	at := p.next
	if len(p.waiting) > 0 {
		at = p.waiting[0].key.offset
	}
	return at, at >= 0 && at > p.committed
}

// health follows one kind of operation against the brokers: the first
// failure of an outage is a warning, the next ones are debug lines, and the
// backoff before the next attempt doubles from 250 ms up to 10 s.
type health struct {
	log  logrus.FieldLogger
	what string

	mu       sync.Mutex
	failures int
}

const (
	backoffMin = 250 * time.Millisecond
	backoffMax = 10 * time.Second
)

func newHealth(log logrus.FieldLogger, what string) *health {
	return &health{log: log, what: what}
}

// fail records a failure and returns how long to wait before retrying.
func (h *health) fail(err error) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures++
	if h.failures == 1 {
		h.log.WithError(err).Warnf("Kafka: %s failed; retrying until it works again", h.what)
	} else {
		h.log.WithError(err).WithField("attempt", h.failures).Debugf("Kafka: %s failed again", h.what)
	}
	d := backoffMin
	for i := 1; i < h.failures && d < backoffMax; i++ {
		d *= 2
	}
	return min(d, backoffMax)
}

// ok records a success, which ends an outage.
func (h *health) ok() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failures > 0 {
		h.log.WithField("failures", h.failures).Infof("Kafka: %s works again", h.what)
		h.failures = 0
	}
}

// sleep waits d or until ctx ends; false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
