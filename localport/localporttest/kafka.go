package localporttest

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ocean-go/ocean/internal/kafkatest"
	"github.com/segmentio/kafka-go"
)

// ReadTopic reads the first n messages of topic on c from every partition
// (no consumer group; each partition from its first offset), waiting up to
// 30 s for the topic to exist and the messages to arrive. Messages come
// partition by partition, each partition in its order: a key's messages, which
// share a partition, keep the order they were written in.
func ReadTopic(t testing.TB, c *kafkatest.Cluster, topic string, n int) []kafka.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	partitions := topicPartitions(ctx, t, c, topic)

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
			t.Fatalf("localporttest: set offset of %s[%d]: %v", topic, p, err)
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
		t.Fatalf("localporttest: read %d of %d messages from %s before the deadline", count, n, topic)
	}
	var out []kafka.Message
	for _, p := range partitions {
		out = append(out, got[p]...)
	}
	return out[:n]
}

// ReadChangeLog reads n messages of a change-log topic as JSON objects (see
// ReadTopic for the order).
func ReadChangeLog(t testing.TB, c *kafkatest.Cluster, topic string, n int) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range ReadTopic(t, c, topic, n) {
		var v map[string]any
		if err := json.Unmarshal(m.Value, &v); err != nil {
			t.Fatalf("localporttest: message on %s is not a JSON object: %v: %s", topic, err, m.Value)
		}
		out = append(out, v)
	}
	return out
}

// topicPartitions waits until topic exists and returns its partitions.
func topicPartitions(ctx context.Context, t testing.TB, c *kafkatest.Cluster, topic string) []int {
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
			t.Fatalf("localporttest: topic %s did not appear: %v", topic, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
