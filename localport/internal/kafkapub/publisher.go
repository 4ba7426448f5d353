package kafkapub

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/retry"
	"github.com/ocean-go/ocean/internal/kafkaconn"
)

// Defaults of Config.
const (
	DefaultQueueSize    = 10000
	DefaultFlushTimeout = 5 * time.Second
)

const maxBatch = 100

// backoff doubles from 100 ms to 5 s between attempts to publish.
var backoff = retry.Policy{BaseDelay: 100 * time.Millisecond, MaxDelay: 5 * time.Second, Jitter: -1}.WithDefaults()

// Config says where and how to publish.
type Config struct {
	Brokers []string // bootstrap addresses, host:port
	Topic   string
	// Username and Password, when set, authenticate with SCRAM-SHA-512 over
	// SASL_PLAINTEXT.
	Username, Password string
	QueueSize          int                // default DefaultQueueSize
	FlushTimeout       time.Duration      // how long Close keeps publishing; default DefaultFlushTimeout
	Logger             logrus.FieldLogger // required
}

// Publisher writes messages to one topic in the order they were published.
type Publisher struct {
	topic     string
	log       logrus.FieldLogger
	w         *kafka.Writer
	transport *kafka.Transport
	queue     chan kafka.Message
	flush     time.Duration

	// ctx ends when Close's flush bound has passed: it cuts a write in flight.
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex // guards closed against Publish
	closed bool

	stopping    chan struct{}
	done        chan struct{}
	left        int // messages the goroutine gave up on at the flush bound
	closeOnce   sync.Once
	unpublished int
}

// New starts a publisher. It does not connect: the first write does, and a
// broker that is away is retried.
func New(cfg Config) (*Publisher, error) {
	if len(cfg.Brokers) == 0 || cfg.Topic == "" {
		return nil, errors.New("kafkapub: brokers and topic are required")
	}
	if (cfg.Username == "") != (cfg.Password == "") {
		return nil, errors.New("kafkapub: username and password go together")
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = DefaultQueueSize
	}
	if cfg.FlushTimeout <= 0 {
		cfg.FlushTimeout = DefaultFlushTimeout
	}
	sec := kafkaconn.Security{}
	if cfg.Username != "" {
		sec = kafkaconn.Security{Protocol: kafkaconn.ProtocolSASLPlaintext, Mechanism: kafkaconn.MechanismSCRAMSHA512,
			Username: cfg.Username, Password: cfg.Password}
	}
	transport, err := sec.Transport()
	if err != nil {
		return nil, fmt.Errorf("kafkapub: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Publisher{
		topic: cfg.Topic,
		log:   cfg.Logger.WithField("topic", cfg.Topic),
		w: &kafka.Writer{
			Addr: kafka.TCP(cfg.Brokers...), Topic: cfg.Topic, Transport: transport,
			Balancer:               &kafka.Hash{}, // one key, one partition: per-key order
			RequiredAcks:           kafka.RequireAll,
			AllowAutoTopicCreation: true,
			BatchTimeout:           5 * time.Millisecond, // writes are synchronous: do not wait for more
			MaxAttempts:            1,                    // run retries, with its own backoff and bound
		},
		transport: transport,
		queue:     make(chan kafka.Message, cfg.QueueSize),
		flush:     cfg.FlushTimeout,
		ctx:       ctx,
		cancel:    cancel,
		stopping:  make(chan struct{}),
		done:      make(chan struct{}),
	}
	go p.run()
	return p, nil
}

// Publish queues a message and returns at once; it reports false when the
// message was dropped (queue full, or the publisher closed).
func (p *Publisher) Publish(key string, value []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		p.log.WithField("key", key).Error("Kafka publisher closed: message dropped")
		return false
	}
	select {
	case p.queue <- kafka.Message{Key: []byte(key), Value: value}:
		return true
	default:
		p.log.WithFields(logrus.Fields{"key": key, "queued": cap(p.queue)}).Error("Kafka publish queue full: message dropped")
		return false
	}
}

// Close publishes what is queued for at most the flush bound, then stops and
// returns how many messages were not published (logged as an Error when any).
// It is safe to call more than once.
func (p *Publisher) Close() int {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		close(p.stopping)
		bound := time.AfterFunc(p.flush, p.cancel)
		<-p.done
		bound.Stop()
		p.cancel()
		p.unpublished = p.left + len(p.queue)
		if err := p.w.Close(); err != nil {
			p.log.WithError(err).Warn("Kafka writer close failed")
		}
		p.transport.CloseIdleConnections()
		if p.unpublished > 0 {
			p.log.WithFields(logrus.Fields{"unpublished": p.unpublished, "flushTimeout": p.flush}).
				Errorf("%d messages were not published to %s before the flush bound", p.unpublished, p.topic)
		}
	})
	return p.unpublished
}

// run writes the queue in order until Close, then drains it until empty or
// the flush bound.
func (p *Publisher) run() {
	defer close(p.done)
	var batch []kafka.Message
	for {
		if len(batch) == 0 {
			select {
			case m := <-p.queue:
				batch = append(batch, m)
			case <-p.stopping:
				select {
				case m := <-p.queue:
					batch = append(batch, m)
				default:
					return
				}
			}
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case m := <-p.queue:
				batch = append(batch, m)
			default:
				break fill
			}
		}
		if batch = p.deliver(batch); len(batch) > 0 { // the flush bound passed
			p.left = len(batch)
			return
		}
	}
}

// deliver writes batch, retrying what failed, and returns what is still
// unwritten when the flush bound passed (nil otherwise).
func (p *Publisher) deliver(batch []kafka.Message) []kafka.Message {
	warned := false
	for attempt := 1; ; attempt++ {
		err := p.w.WriteMessages(p.ctx, batch...)
		if err == nil {
			if warned {
				p.log.WithField("attempts", attempt).Info("Kafka publish succeeded after retries")
			}
			return nil
		}
		var tooLarge kafka.MessageTooLargeError
		if errors.As(err, &tooLarge) { // refused before sending: drop that one, write the rest
			p.log.WithError(err).WithField("key", string(tooLarge.Message.Key)).Error("Kafka message too large: dropped")
			if batch = tooLarge.Remaining; len(batch) == 0 {
				return nil
			}
			continue
		}
		batch = failed(batch, err)
		if refused(err) {
			if len(batch) == 1 {
				p.log.WithError(err).WithField("key", string(batch[0].Key)).Error("Kafka refused the message: dropped")
				return nil
			}
			// The broker refuses a record batch as a whole: find the culprit
			// by writing the messages one at a time.
			for i, m := range batch {
				if left := p.deliver([]kafka.Message{m}); len(left) > 0 {
					return append(left, batch[i+1:]...)
				}
			}
			return nil
		}
		if p.ctx.Err() != nil {
			return batch
		}
		// A broker that is down, a topic being auto-created (a real broker
		// answers its first write with UNKNOWN_TOPIC_OR_PARTITION): retry.
		// The topic's creation is routine; it is worth a warning only when
		// it takes long.
		level := logrus.WarnLevel
		if attempt <= 3 && every(err, func(e error) bool { return errors.Is(e, kafka.UnknownTopicOrPartition) }) {
			level = logrus.DebugLevel
		}
		warned = warned || level == logrus.WarnLevel
		wait := backoff.Backoff(attempt)
		p.log.WithError(err).WithFields(logrus.Fields{"attempt": attempt, "retryIn": wait, "messages": len(batch)}).
			Log(level, "Kafka publish failed; retrying")
		if retry.Sleep(p.ctx, wait) != nil {
			return batch
		}
	}
}

// failed keeps the messages of batch that err says were not written; a
// write that failed as a whole failed them all. Messages of one key share a
// partition, so they fail or succeed together and keep their order.
func failed(batch []kafka.Message, err error) []kafka.Message {
	var perMessage kafka.WriteErrors
	if !errors.As(err, &perMessage) || len(perMessage) != len(batch) {
		return batch
	}
	var out []kafka.Message
	for i, e := range perMessage {
		if e != nil {
			out = append(out, batch[i])
		}
	}
	return out
}

// refused reports errors that no retry cures: the broker refuses the
// messages or the topic itself.
func refused(err error) bool {
	return every(err, func(e error) bool {
		return errors.Is(e, kafka.MessageSizeTooLarge) || errors.Is(e, kafka.InvalidTopic)
	})
}

// every reports whether is holds for err or, when err is per message, for
// each message's error (and there is at least one).
func every(err error, is func(error) bool) bool {
	var perMessage kafka.WriteErrors
	if errors.As(err, &perMessage) {
		for _, e := range perMessage {
			if e != nil && !is(e) {
				return false
			}
		}
		return perMessage.Count() > 0
	}
	return is(err)
}
