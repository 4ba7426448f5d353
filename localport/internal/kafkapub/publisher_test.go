package kafkapub_test

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ocean-go/ocean/internal/kafkatest"
	"github.com/ocean-go/ocean/localport/internal/kafkapub"
	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newPublisher(t *testing.T, cfg kafkapub.Config) (*kafkapub.Publisher, *test.Hook) {
	t.Helper()
	log, hook := test.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	cfg.Logger = log
	p, err := kafkapub.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	return p, hook
}

func logText(hook *test.Hook) string {
	var b strings.Builder
	for _, e := range hook.AllEntries() {
		s, _ := e.String()
		b.WriteString(s)
	}
	return b.String()
}

// Messages reach an auto-created topic in the order they were published,
// keyed, authenticated with SCRAM-SHA-512 when the cluster asks for it.
func TestPublishInOrder(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		topic := c.Unique("kafkapub") + ".change.log"
		p, hook := newPublisher(t, kafkapub.Config{Brokers: c.Brokers, Topic: topic, Username: c.Username, Password: c.Password})
		for i := range 50 {
			require.True(t, p.Publish("integration-a", fmt.Appendf(nil, "%d", i)))
		}
		got := c.ReadTopic(t, topic, 50)
		for i, m := range got {
			assert.Equal(t, "integration-a", string(m.Key))
			assert.Equal(t, fmt.Sprint(i), string(m.Value))
		}
		assert.Zero(t, p.Close(), "nothing left to publish")
		assert.NotContains(t, logText(hook), c.Password)
	})
}

// A broker that is down when messages are published gets them once it is up.
func TestPublishRetriesWhileBrokerIsDown(t *testing.T) {
	c := kafkatest.Fake(t, true)
	topic := c.Unique("kafkapub") + ".change.log"
	p, hook := newPublisher(t, kafkapub.Config{Brokers: c.Brokers, Topic: topic, Username: c.Username, Password: c.Password})
	require.True(t, p.Publish("k", []byte("before")))
	c.ReadTopic(t, topic, 1)

	published := make(chan struct{})
	go func() {
		defer close(published)
		time.Sleep(300 * time.Millisecond) // within the 2 s the broker is down
		for _, v := range []string{"1", "2", "3"} {
			p.Publish("k", []byte(v))
		}
	}()
	c.Restart(t, 2*time.Second) // a fresh cluster: the topic is created again
	<-published
	got := c.ReadTopic(t, topic, 3)
	for i, m := range got {
		assert.Equal(t, fmt.Sprint(i+1), string(m.Value))
	}
	assert.Contains(t, logText(hook), "Kafka publish failed; retrying")
	assert.NotContains(t, logText(hook), c.Password)
}

// A full queue drops what does not fit, and Close gives up on the rest at
// its bound, saying how many were lost.
func TestQueueBoundAndFlushBound(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	nowhere := ln.Addr().String()
	require.NoError(t, ln.Close()) // no broker will ever answer there

	p, hook := newPublisher(t, kafkapub.Config{
		Brokers: []string{nowhere}, Topic: "org.change.log", QueueSize: 2,
		FlushTimeout: 200 * time.Millisecond, Username: "u", Password: "secret-pw",
	})
	accepted := 0
	for range 200 {
		if p.Publish("k", []byte("v")) {
			accepted++
		}
	}
	assert.Less(t, accepted, 200, "the queue is bounded")
	assert.Contains(t, logText(hook), "Kafka publish queue full: message dropped")

	closed := make(chan int, 1)
	go func() { closed <- p.Close() }()
	select {
	case left := <-closed:
		assert.Equal(t, accepted, left, "nothing reached a broker")
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not return")
	}
	assert.Contains(t, logText(hook), fmt.Sprintf("%d messages were not published to org.change.log", accepted))
	assert.False(t, p.Publish("k", []byte("late")), "closed")
	assert.Equal(t, accepted, p.Close(), "Close again")
	assert.NotContains(t, logText(hook), "secret-pw")
}

func TestConfigRefused(t *testing.T) {
	log, _ := test.NewNullLogger()
	for name, cfg := range map[string]kafkapub.Config{
		"no brokers":     {Topic: "t", Logger: log},
		"no topic":       {Brokers: []string{"127.0.0.1:1"}, Logger: log},
		"username alone": {Brokers: []string{"127.0.0.1:1"}, Topic: "t", Username: "u", Logger: log},
		"password alone": {Brokers: []string{"127.0.0.1:1"}, Topic: "t", Password: "p", Logger: log},
	} {
		_, err := kafkapub.New(cfg)
		assert.Error(t, err, name)
	}
}
