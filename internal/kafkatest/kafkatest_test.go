package kafkatest

import (
	"context"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

// A kafka-go consumer group reads what Produce wrote, with and without SCRAM,
// on every cluster: the clients the project uses speak to both.
func TestProduceAndConsume(t *testing.T) {
	for _, sasl := range []bool{false, true} {
		name := "plaintext"
		if sasl {
			name = "scram-sha-512"
		}
		t.Run(name, func(t *testing.T) {
			Each(t, sasl, func(t *testing.T, c *Cluster) {
				topic := c.Unique("topic")
				c.CreateTopic(t, topic, 1)
				c.Produce(t, topic, []byte("one"), []byte("two"))
				r := kafka.NewReader(kafka.ReaderConfig{
					Brokers: c.Brokers, GroupID: c.Unique("group"), Topic: topic,
					Dialer:      &kafka.Dialer{SASLMechanism: c.Mechanism(t), Timeout: 5 * time.Second},
					StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond,
				})
				defer r.Close()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				for _, want := range []string{"one", "two"} {
					m, err := r.FetchMessage(ctx)
					if err != nil {
						t.Fatalf("fetch: %v", err)
					}
					if string(m.Value) != want {
						t.Fatalf("got %q, want %q", m.Value, want)
					}
					if err := r.CommitMessages(ctx, m); err != nil {
						t.Fatalf("commit: %v", err)
					}
				}
			})
		})
	}
}

// Wrong credentials are refused: the SCRAM user is really checked.
func TestWrongPasswordIsRefused(t *testing.T) {
	Each(t, true, func(t *testing.T, c *Cluster) {
		bad := *c
		bad.Password = "wrong"
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cl := &kafka.Client{Addr: kafka.TCP(c.Brokers...), Transport: bad.Transport(t)}
		if _, err := cl.Metadata(ctx, &kafka.MetadataRequest{}); err == nil {
			t.Fatal("metadata with a wrong password succeeded")
		}
	})
}

// Produce writes to a topic nobody created: the broker creates it on the first
// write, which a real broker refuses (UNKNOWN_TOPIC_OR_PARTITION) and Produce
// retries.
func TestProduceCreatesTheTopic(t *testing.T) {
	Each(t, false, func(t *testing.T, c *Cluster) {
		topic := c.Unique("auto-created")
		c.Produce(t, topic, []byte("first"))
		r := kafka.NewReader(kafka.ReaderConfig{
			Brokers: c.Brokers, Topic: topic, Partition: 0, MaxWait: 100 * time.Millisecond,
		})
		defer r.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if string(m.Value) != "first" {
			t.Fatalf("got %q, want %q", m.Value, "first")
		}
	})
}
