package kafkatest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/scram"
	"github.com/twmb/franz-go/pkg/kfake"
)

// Cluster is one Kafka cluster a test talks to.
type Cluster struct {
	Name    string   // "kfake" or "kafka" (the real broker)
	Brokers []string // bootstrap addresses
	// Username and Password are the SCRAM-SHA-512 credentials; empty on a
	// PLAINTEXT cluster.
	Username, Password string

	fake     *kfake.Cluster
	fakeOpts []kfake.Opt
}

// Real reports whether this is the real broker.
func (c *Cluster) Real() bool { return c.fake == nil }

// SASL reports whether clients must authenticate with SCRAM-SHA-512.
func (c *Cluster) SASL() bool { return c.Username != "" }

// Mechanism is the SASL mechanism of the cluster's credentials, nil on PLAINTEXT.
func (c *Cluster) Mechanism(t testing.TB) sasl.Mechanism {
	t.Helper()
	if !c.SASL() {
		return nil
	}
	m, err := scram.Mechanism(scram.SHA512, c.Username, c.Password)
	if err != nil {
		t.Fatalf("kafkatest: SCRAM mechanism: %v", err)
	}
	return m
}

// Transport is a kafka-go transport that authenticates as the cluster requires.
func (c *Cluster) Transport(t testing.TB) *kafka.Transport {
	return &kafka.Transport{SASL: c.Mechanism(t), DialTimeout: 5 * time.Second}
}

// Unique returns prefix with a random suffix: a name no other test uses on a
// shared broker.
func (c *Cluster) Unique(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// Each runs fn as a subtest on every cluster available: a fresh kfake cluster,
// then the real broker when configured. With sasl, clients authenticate with
// SCRAM-SHA-512 (kfake is started with such a user; the real broker's
// SASL_PLAINTEXT listener is used).
func Each(t *testing.T, sasl bool, fn func(t *testing.T, c *Cluster)) {
	t.Helper()
	t.Run("kfake", func(t *testing.T) { fn(t, Fake(t, sasl)) })
	if c, ok := RealBroker(sasl); ok {
		t.Run("kafka", func(t *testing.T) { fn(t, c) })
	}
}

// Fake starts an in-process kfake cluster on 127.0.0.1 (closed when the test
// ends), with auto-created topics of one partition and, with sasl, a
// SCRAM-SHA-512 user.
func Fake(t testing.TB, sasl bool) *Cluster {
	t.Helper()
	c := &Cluster{Name: "kfake"}
	c.fakeOpts = []kfake.Opt{kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1)}
	if sasl {
		c.Username, c.Password = "ocean", "kafkatest-"+c.Unique("pw")
		c.fakeOpts = append(c.fakeOpts, kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", c.Username, c.Password))
	}
	c.startFake(t, c.fakeOpts...)
	return c
}

func (c *Cluster) startFake(t testing.TB, opts ...kfake.Opt) {
	t.Helper()
	fc, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatalf("kafkatest: start kfake: %v", err)
	}
	c.fake, c.Brokers = fc, fc.ListenAddrs()
	t.Cleanup(fc.Close)
}

// RealBroker is the real broker named by the OCEAN_TEST_KAFKA_* variables,
// and whether they name one.
func RealBroker(sasl bool) (*Cluster, bool) {
	c := &Cluster{Name: "kafka"}
	if !sasl {
		addrs := os.Getenv("OCEAN_TEST_KAFKA_BROKERS")
		c.Brokers = strings.Split(addrs, ",")
		return c, addrs != ""
	}
	addrs := os.Getenv("OCEAN_TEST_KAFKA_SASL_BROKERS")
	c.Brokers = strings.Split(addrs, ",")
	c.Username, c.Password = os.Getenv("OCEAN_TEST_KAFKA_USERNAME"), os.Getenv("OCEAN_TEST_KAFKA_PASSWORD")
	return c, addrs != "" && c.Username != ""
}

// Restart stops the kfake cluster and starts a new one on the same address,
// as a broker restart looks to clients (what it held is gone: a fresh
// cluster). The real broker is not restarted by tests.
func (c *Cluster) Restart(t testing.TB, down time.Duration) {
	t.Helper()
	if c.Real() {
		t.Fatal("kafkatest: Restart is for kfake clusters")
	}
	_, port, err := net.SplitHostPort(c.fake.ListenAddrs()[0])
	if err != nil {
		t.Fatalf("kafkatest: kfake address: %v", err)
	}
	p, _ := strconv.Atoi(port)
	c.fake.Close()
	time.Sleep(down)
	c.startFake(t, append(c.fakeOpts, kfake.Ports(p))...)
}

// CreateTopic creates topic with partitions, waiting until it can be written
// (on a real broker a new topic takes a moment to have a leader).
func (c *Cluster) CreateTopic(t testing.TB, topic string, partitions int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl := &kafka.Client{Addr: kafka.TCP(c.Brokers...), Transport: c.Transport(t)}
	resp, err := cl.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{
		Topic: topic, NumPartitions: partitions, ReplicationFactor: 1,
	}}})
	if err != nil {
		t.Fatalf("kafkatest: create topic %s: %v", topic, err)
	}
	if err := resp.Errors[topic]; err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
		t.Fatalf("kafkatest: create topic %s: %v", topic, err)
	}
}

// Produce writes values to topic, one message each, retrying while the topic
// has no leader yet (a real broker answers UNKNOWN_TOPIC_OR_PARTITION to the
// first write to a topic it is still creating).
func (c *Cluster) Produce(t testing.TB, topic string, values ...[]byte) {
	t.Helper()
	w := &kafka.Writer{
		Addr: kafka.TCP(c.Brokers...), Topic: topic, Transport: c.Transport(t),
		AllowAutoTopicCreation: true, RequiredAcks: kafka.RequireAll, BatchTimeout: 10 * time.Millisecond,
	}
	defer w.Close()
	msgs := make([]kafka.Message, len(values))
	for i, v := range values {
		msgs[i] = kafka.Message{Value: v}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		err := w.WriteMessages(ctx, msgs...)
		if err == nil {
			return
		}
		if !errors.Is(err, kafka.UnknownTopicOrPartition) && !errors.Is(err, kafka.LeaderNotAvailable) || ctx.Err() != nil {
			t.Fatalf("kafkatest: produce to %s: %v", topic, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ReadTopic reads the first n messages of topic from every partition
// (no consumer group; each partition from its first offset), waiting up to
// 30 s for the topic to exist and the messages to arrive. Messages come
// partition by partition, each partition in its order: a key's messages, which
// share a partition, keep the order they were written in.
func (c *Cluster) ReadTopic(t testing.TB, topic string, n int) []kafka.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	partitions := c.topicPartitions(ctx, t, topic)

	var (
		mu    sync.Mutex
		got   = map[int][]kafka.Message{}
		count int
		wg    sync.WaitGroup
	)
	readCtx, stop := context.WithCancel(ctx)
	defer stop()
	for _, p := range partitions {
		r := kafka.NewReader(kafka.ReaderConfig{
			Brokers: c.Brokers, Topic: topic, Partition: p, MaxWait: 100 * time.Millisecond,
			Dialer: &kafka.Dialer{SASLMechanism: c.Mechanism(t), Timeout: 5 * time.Second},
		})
		if err := r.SetOffset(kafka.FirstOffset); err != nil {
			t.Fatalf("kafkatest: set offset of %s[%d]: %v", topic, p, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer r.Close()
			for {
				m, err := r.ReadMessage(readCtx)
				if err != nil {
					return
				}
				mu.Lock()
				got[p] = append(got[p], m)
				count++
				if count >= n {
					stop()
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if count < n {
		t.Fatalf("kafkatest: read %d of %d messages from %s before the deadline", count, n, topic)
	}
	var out []kafka.Message
	for _, p := range partitions {
		out = append(out, got[p]...)
	}
	return out[:n]
}

// topicPartitions waits until topic exists and returns its partitions.
func (c *Cluster) topicPartitions(ctx context.Context, t testing.TB, topic string) []int {
	t.Helper()
	cl := &kafka.Client{Addr: kafka.TCP(c.Brokers...), Transport: c.Transport(t)}
	for {
		md, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
		if err == nil && len(md.Topics) == 1 {
			err = md.Topics[0].Error
			if err == nil && len(md.Topics[0].Partitions) == 0 {
				err = errors.New("no partitions yet")
			}
		}
		if err == nil {
			var ids []int
			for _, p := range md.Topics[0].Partitions {
				ids = append(ids, p.ID)
			}
			sort.Ints(ids)
			return ids
		}
		select {
		case <-ctx.Done():
			t.Fatalf("kafkatest: topic %s did not appear: %v", topic, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
