package listeners_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ocean-go/ocean/core/listeners"
	"github.com/ocean-go/ocean/internal/kafkatest"
)

func TestKafkaValidate(t *testing.T) {
	valid := listeners.Kafka{
		Brokers: []string{"broker.invalid:1"}, SecurityProtocol: "SASL_SSL", Username: "u", Password: "p",
		GroupID: "g", Topic: "org.change.log", Identifier: us, Resync: func(context.Context) error { return nil },
	}
	for _, tc := range []struct {
		name   string
		change func(k *listeners.Kafka)
		want   []string // substrings of the error; none: valid
	}{
		{"valid", func(*listeners.Kafka) {}, nil},
		{"plaintext needs no credentials", func(k *listeners.Kafka) { k.SecurityProtocol, k.Username, k.Password = "PLAINTEXT", "", "" }, nil},
		{"empty protocol is plaintext", func(k *listeners.Kafka) { k.SecurityProtocol = "" }, nil},
		{"SSL", func(k *listeners.Kafka) { k.SecurityProtocol = "SSL" }, nil},
		{"SCRAM-SHA-256", func(k *listeners.Kafka) { k.Mechanism = "SCRAM-SHA-256" }, nil},
		{"PLAIN", func(k *listeners.Kafka) { k.Mechanism = "PLAIN" }, nil},
		{"no brokers", func(k *listeners.Kafka) { k.Brokers = nil }, []string{"no brokers"}},
		{"blank brokers", func(k *listeners.Kafka) { k.Brokers = []string{" "} }, []string{"no brokers"}},
		{"unknown protocol", func(k *listeners.Kafka) { k.SecurityProtocol = "TLS" }, []string{`unknown security protocol "TLS"`}},
		{"unknown mechanism", func(k *listeners.Kafka) { k.Mechanism = "GSSAPI" }, []string{`unknown SASL mechanism "GSSAPI"`}},
		{"SASL without password", func(k *listeners.Kafka) { k.Password = "" }, []string{"SASL_SSL needs a username and a password"}},
		{"SASL without username", func(k *listeners.Kafka) { k.SecurityProtocol, k.Username = "SASL_PLAINTEXT", "" }, []string{"SASL_PLAINTEXT needs a username"}},
		{"no topic", func(k *listeners.Kafka) { k.Topic = "" }, []string{"no topic"}},
		{"no group", func(k *listeners.Kafka) { k.GroupID = "" }, []string{"no consumer group"}},
		{"no identifier", func(k *listeners.Kafka) { k.Identifier = "" }, []string{"no integration identifier"}},
		{"no resync", func(k *listeners.Kafka) { k.Resync = nil }, []string{"no resync function"}},
		{"every problem at once", func(k *listeners.Kafka) { *k = listeners.Kafka{SecurityProtocol: "SASL_SSL"} },
			[]string{"no brokers", "needs a username", "no topic", "no consumer group", "no integration identifier", "no resync function"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := valid
			tc.change(&k)
			err := k.Validate()
			if len(tc.want) == 0 {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), "p\"", "the password never shows")
		})
	}
}

// recorder is a resync function that counts its runs; a run holds (until its
// ctx ends) while hold says so.
type recorder struct {
	started, finished, cancelled atomic.Int32
	hold                         atomic.Bool
}

func (r *recorder) resync(ctx context.Context) error {
	r.started.Add(1)
	if r.hold.Load() {
		<-ctx.Done()
		r.cancelled.Add(1)
		return ctx.Err()
	}
	r.finished.Add(1)
	return nil
}

// running is one Start of a Kafka listener in the background.
type running struct {
	stop  context.CancelFunc
	done  chan error
	ready chan struct{}
	logs  *logtest.Hook
}

// startKafka starts a listener on c for topic in group; it is stopped when
// the test ends if it still runs.
func startKafka(t *testing.T, c *kafkatest.Cluster, topic, group string, resync func(context.Context) error, change ...func(*listeners.Kafka)) *running {
	t.Helper()
	log, hook := logtest.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	r := &running{done: make(chan error, 1), ready: make(chan struct{}), logs: hook}
	k := listeners.Kafka{
		Brokers: c.Brokers, GroupID: group, Topic: topic, Identifier: us,
		PollTimeout: 100 * time.Millisecond, Resync: resync, Log: log,
		Ready: func() { close(r.ready) },
	}
	if c.SASL() {
		k.SecurityProtocol, k.Username, k.Password = "SASL_PLAINTEXT", c.Username, c.Password
	}
	for _, ch := range change {
		ch(&k)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	go func() { r.done <- k.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			t.Error("the Kafka listener did not stop")
		}
	})
	return r
}

// waitReady waits until the listener joined its group.
func (r *running) waitReady(t *testing.T) {
	t.Helper()
	select {
	case <-r.ready:
	case err := <-r.done:
		t.Fatalf("the Kafka listener ended before joining its group: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the Kafka listener did not join its group")
	}
}

// shutdown stops the listener and requires Start to return nil.
func (r *running) shutdown(t *testing.T) {
	t.Helper()
	r.stop()
	select {
	case err := <-r.done:
		require.NoError(t, err)
		r.done <- err // for the cleanup
	case <-time.After(30 * time.Second):
		t.Fatal("the Kafka listener did not stop")
	}
}

// logged counts the log lines at level containing text.
func (r *running) logged(level logrus.Level, text string) int {
	n := 0
	for _, e := range r.logs.AllEntries() {
		if e.Level == level && strings.Contains(e.Message, text) {
			n++
		}
	}
	return n
}

// committed is the offset group committed on partition 0 of topic (-1: none).
func committed(t *testing.T, c *kafkatest.Cluster, topic, group string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl := &kafka.Client{Addr: kafka.TCP(c.Brokers...), Transport: c.Transport(t)}
	resp, err := cl.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: {0}}})
	require.NoError(t, err)
	for _, p := range resp.Topics[topic] {
		if p.Partition == 0 {
			require.NoError(t, p.Error)
			return p.CommittedOffset
		}
	}
	return -1
}

// quietly is how long a test waits to see that nothing more happens: many
// fetches of the listener's 100 ms poll timeout.
const quietly = time.Second

func newTopic(t *testing.T, c *kafkatest.Cluster, partitions int) (topic, group string) {
	t.Helper()
	org := c.Unique("org")
	topic = org + ".change.log"
	c.CreateTopic(t, topic, partitions)
	return topic, listeners.KafkaGroupID(org, "test", us, true)
}

// Messages about other integrations, and the integration's own resync-state
// updates, are read and committed without a resync; one asking for this
// integration resyncs once. A consumer restarted in the same group resumes
// after what it committed.
func TestKafkaResyncsForThisIntegrationOnly(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		topic, group := newTopic(t, c, 1)
		// Written before the consumer ever joined: a new group reads from the
		// start.
		c.Produce(t, topic,
			resyncAction("other"),
			integrationChange("other", t2, t1, "KAFKA"),
			integrationChange(us, t1, t1, "KAFKA"), // our own resync state
			integrationChange(us, t2, t1, "WEBHOOK"),
			[]byte("not json"),
		)
		var rec recorder
		first := startKafka(t, c, topic, group, rec.resync)
		first.waitReady(t)
		require.Eventually(t, func() bool { return committed(t, c, topic, group) == 5 }, 20*time.Second, 50*time.Millisecond,
			"unwanted messages are committed without a resync")
		assert.Zero(t, rec.started.Load())
		assert.Equal(t, 1, first.logged(logrus.WarnLevel, "Skipping a message"), "the message that is not JSON is reported")

		c.Produce(t, topic, integrationChange(us, t2, t1, "KAFKA"))
		require.Eventually(t, func() bool { return committed(t, c, topic, group) == 6 }, 20*time.Second, 50*time.Millisecond)
		assert.Equal(t, int32(1), rec.finished.Load(), "the change of this integration resyncs once")
		first.shutdown(t)

		second := startKafka(t, c, topic, group, rec.resync)
		second.waitReady(t)
		time.Sleep(quietly)
		assert.Equal(t, int32(1), rec.started.Load(), "a restarted consumer does not replay what it committed")
		c.Produce(t, topic, resyncAction(us))
		require.Eventually(t, func() bool { return rec.finished.Load() == 2 }, 20*time.Second, 10*time.Millisecond)
		require.Eventually(t, func() bool { return committed(t, c, topic, group) == 7 }, 20*time.Second, 50*time.Millisecond)
		second.shutdown(t)
	})
}

// A wanted message while a resync runs cancels it, and a burst gives one
// resync after it, not one per message; resyncs never overlap.
func TestKafkaNewerChangeAbortsTheRunningResync(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		topic, group := newTopic(t, c, 1)
		var running, overlaps atomic.Int32
		var rec recorder
		rec.hold.Store(true)
		resync := func(ctx context.Context) error {
			if running.Add(1) > 1 {
				overlaps.Add(1)
			}
			defer running.Add(-1)
			return rec.resync(ctx)
		}
		l := startKafka(t, c, topic, group, resync)
		l.waitReady(t)
		c.Produce(t, topic, resyncAction(us))
		require.Eventually(t, func() bool { return rec.started.Load() == 1 }, 20*time.Second, 10*time.Millisecond)

		rec.hold.Store(false)
		burst := make([][]byte, 10)
		for i := range burst {
			burst[i] = resyncAction(us)
		}
		c.Produce(t, topic, burst...)
		require.Eventually(t, func() bool { return rec.finished.Load() >= 1 }, 20*time.Second, 10*time.Millisecond)
		require.Eventually(t, func() bool { return committed(t, c, topic, group) == 11 }, 20*time.Second, 50*time.Millisecond)
		time.Sleep(quietly)
		assert.Equal(t, int32(1), rec.cancelled.Load(), "the running resync was cancelled")
		assert.Equal(t, int32(2), rec.started.Load(), "the aborted one and one for the whole burst")
		assert.Zero(t, overlaps.Load(), "resyncs never overlap")
		assert.Equal(t, 1, l.logged(logrus.InfoLevel, "Resync aborted"))
	})
}

// A burst of wanted messages waiting in the log gives one or two resyncs.
func TestKafkaBurstCoalesces(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		topic, group := newTopic(t, c, 1)
		burst := make([][]byte, 20)
		for i := range burst {
			burst[i] = integrationChange(us, t2, t1, "KAFKA")
		}
		c.Produce(t, topic, burst...)
		var rec recorder
		startKafka(t, c, topic, group, rec.resync)
		require.Eventually(t, func() bool { return committed(t, c, topic, group) == 20 }, 20*time.Second, 50*time.Millisecond)
		time.Sleep(quietly)
		assert.GreaterOrEqual(t, rec.finished.Load(), int32(1))
		assert.LessOrEqual(t, rec.started.Load(), int32(2))
	})
}

// A consumer stopped in the middle of a resync has not committed the message
// that asked for it: restarted, it resyncs again. Once that resync ended, a
// third start has nothing to do.
func TestKafkaStoppedMidResyncResyncsAgain(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		topic, group := newTopic(t, c, 1)
		c.Produce(t, topic, resyncAction("other"), resyncAction(us), resyncAction("other"))

		var rec recorder
		rec.hold.Store(true)
		first := startKafka(t, c, topic, group, rec.resync)
		require.Eventually(t, func() bool { return rec.started.Load() == 1 }, 20*time.Second, 10*time.Millisecond)
		first.shutdown(t)
		assert.Equal(t, int32(1), rec.cancelled.Load(), "shutdown cancels the running resync")
		assert.Equal(t, int64(1), committed(t, c, topic, group),
			"the unwanted message before is committed, nothing from the one whose resync was cut short on")

		rec.hold.Store(false)
		second := startKafka(t, c, topic, group, rec.resync)
		require.Eventually(t, func() bool { return rec.finished.Load() == 1 }, 20*time.Second, 10*time.Millisecond)
		require.Eventually(t, func() bool { return committed(t, c, topic, group) == 3 }, 20*time.Second, 50*time.Millisecond)
		second.shutdown(t)

		third := startKafka(t, c, topic, group, rec.resync)
		third.waitReady(t)
		time.Sleep(quietly)
		assert.Equal(t, int32(2), rec.started.Load(), "handled: no resync after the third start")
	})
}

// A failed resync counts as handled: its message is committed, the listener
// goes on, and the failure is logged.
func TestKafkaResyncErrorsAreLogged(t *testing.T) {
	kafkatest.Each(t, false, func(t *testing.T, c *kafkatest.Cluster) {
		topic, group := newTopic(t, c, 1)
		var calls atomic.Int32
		l := startKafka(t, c, topic, group, func(context.Context) error {
			calls.Add(1)
			return assert.AnError
		})
		c.Produce(t, topic, resyncAction(us))
		require.Eventually(t, func() bool { return committed(t, c, topic, group) == 1 }, 20*time.Second, 50*time.Millisecond)
		c.Produce(t, topic, resyncAction(us))
		require.Eventually(t, func() bool { return committed(t, c, topic, group) == 2 }, 20*time.Second, 50*time.Millisecond)
		assert.Equal(t, int32(2), calls.Load())
		assert.Equal(t, 2, l.logged(logrus.ErrorLevel, "Resync failed"))
	})
}

// The listener survives its broker going away and coming back.
func TestKafkaSurvivesABrokerRestart(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		if c.Real() {
			t.Skip("tests do not restart the real broker")
		}
		topic, group := newTopic(t, c, 1)
		var rec recorder
		l := startKafka(t, c, topic, group, rec.resync)
		c.Produce(t, topic, resyncAction(us))
		require.Eventually(t, func() bool { return rec.finished.Load() == 1 }, 20*time.Second, 10*time.Millisecond)

		c.Restart(t, 500*time.Millisecond) // a fresh cluster: the topic is gone too
		c.CreateTopic(t, topic, 1)
		c.Produce(t, topic, resyncAction(us))
		require.Eventually(t, func() bool { return rec.finished.Load() == 2 }, 40*time.Second, 10*time.Millisecond)
		warns := 0
		for _, e := range l.logs.AllEntries() {
			if e.Level == logrus.WarnLevel {
				warns++
			}
		}
		assert.LessOrEqual(t, warns, 2, "an outage warns once per kind of operation, not per retry")
		l.shutdown(t)
	})
}

// With one partition, a second instance in the same group stands by, says
// so once, and takes over when the first one leaves.
func TestKafkaSecondInstanceStandsBy(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		topic, group := newTopic(t, c, 1)
		var rec recorder
		active := startKafka(t, c, topic, group, rec.resync)
		active.waitReady(t)
		standby := startKafka(t, c, topic, group, rec.resync)
		standby.waitReady(t)
		line := "Another instance of integration " + us + " consumes " + topic + "; this one waits as a standby"
		require.Eventually(t, func() bool { return standby.logged(logrus.WarnLevel, line) == 1 }, 30*time.Second, 50*time.Millisecond,
			"the newcomer stands by: partitions stay where they are")
		assert.Zero(t, active.logged(logrus.WarnLevel, line))
		active.shutdown(t)
		require.Eventually(t, func() bool { return standby.logged(logrus.InfoLevel, "now consumes") == 1 }, 30*time.Second, 50*time.Millisecond)
		c.Produce(t, topic, resyncAction(us))
		require.Eventually(t, func() bool { return rec.finished.Load() == 1 }, 20*time.Second, 10*time.Millisecond)
		assert.Equal(t, 1, standby.logged(logrus.WarnLevel, line), "the standby warned once")
	})
}

// Refused credentials end Start with a clear error rather than retrying
// forever, and the password shows nowhere.
func TestKafkaWrongPasswordIsAnError(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		topic, group := newTopic(t, c, 1)
		const wrong = "not-the-password-4711"
		l := startKafka(t, c, topic, group, func(context.Context) error { return nil },
			func(k *listeners.Kafka) { k.Password = wrong })
		var err error
		select {
		case err = <-l.done:
			l.done <- err
		case <-time.After(30 * time.Second):
			for _, e := range l.logs.AllEntries() {
				s, _ := e.String()
				t.Log(s)
			}
			t.Fatal("Start kept retrying refused credentials")
		}
		require.Error(t, err)
		assert.ErrorIs(t, err, kafka.SASLAuthenticationFailed)
		assert.Contains(t, err.Error(), "refused")
		assert.NotContains(t, err.Error(), wrong)
		for _, e := range l.logs.AllEntries() {
			s, _ := e.String()
			assert.NotContains(t, s, wrong)
		}
	})
}

// A topic that does not exist yet is waited for, with one warning and paced
// retries. kfake is started here without the automatic topic creation that
// kafkatest's clusters have (which would create the topic on the first
// lookup).
func TestKafkaWaitsForAMissingTopic(t *testing.T) {
	fc, err := kfake.NewCluster(kfake.NumBrokers(1))
	require.NoError(t, err)
	t.Cleanup(fc.Close)
	c := &kafkatest.Cluster{Name: "kfake", Brokers: fc.ListenAddrs()}
	topic := c.Unique("org") + ".change.log"
	var rec recorder
	l := startKafka(t, c, topic, c.Unique("group"), rec.resync)
	require.Eventually(t, func() bool { return l.logged(logrus.WarnLevel, "finding the topic failed") == 1 }, 20*time.Second, 10*time.Millisecond)
	time.Sleep(quietly)
	assert.Less(t, len(l.logs.AllEntries()), 100, "retries are paced, not a busy loop")

	c.CreateTopic(t, topic, 1)
	c.Produce(t, topic, resyncAction(us))
	require.Eventually(t, func() bool { return rec.finished.Load() == 1 }, 30*time.Second, 10*time.Millisecond)
	assert.Equal(t, 1, l.logged(logrus.WarnLevel, "finding the topic failed"), "one warning for the whole wait")
	assert.Zero(t, l.logged(logrus.WarnLevel, "standby"), "a missing topic is not another instance")
	l.shutdown(t)
}

// A second instance joining while the first resyncs waits as a standby: the
// partition stays where it is and the running resync goes on, neither
// aborted nor run twice.
func TestKafkaRebalanceKeepsTheRunningResync(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		topic, group := newTopic(t, c, 1)
		release := make(chan struct{})
		var started, aborted atomic.Int32
		resync := func(ctx context.Context) error {
			started.Add(1)
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				aborted.Add(1)
				return ctx.Err()
			}
		}
		active := startKafka(t, c, topic, group, resync)
		c.Produce(t, topic, resyncAction(us))
		require.Eventually(t, func() bool { return started.Load() == 1 }, 20*time.Second, 10*time.Millisecond)

		standby := startKafka(t, c, topic, group, resync)
		const line = "this one waits as a standby"
		require.Eventually(t, func() bool { return standby.logged(logrus.WarnLevel, line) == 1 }, 30*time.Second, 50*time.Millisecond,
			"the newcomer stands by")
		time.Sleep(quietly) // the active instance has read its partition again
		assert.Zero(t, aborted.Load(), "the rebalance did not abort the resync")
		assert.Equal(t, int32(1), started.Load())
		assert.Less(t, committed(t, c, topic, group), int64(1), "not committed while its resync runs")

		close(release)
		require.Eventually(t, func() bool { return committed(t, c, topic, group) == 1 }, 20*time.Second, 50*time.Millisecond)
		assert.Equal(t, int32(1), started.Load())
		assert.Zero(t, active.logged(logrus.WarnLevel, line))
	})
}

// Every security protocol and SASL mechanism reaches a broker that requires
// it. kfake is started here with the users and TLS each case needs.
func TestKafkaSecurity(t *testing.T) {
	serverTLS, roots := selfSignedTLS(t)
	for _, tc := range []struct {
		protocol, mechanism string
		tls                 bool
	}{
		{"SASL_PLAINTEXT", "SCRAM-SHA-256", false},
		{"SASL_PLAINTEXT", "PLAIN", false},
		{"SASL_SSL", "", true}, // SCRAM-SHA-512 by default
		{"SSL", "no SASL", true},
	} {
		t.Run(tc.protocol+" "+tc.mechanism, func(t *testing.T) {
			topic := "org.change.log"
			opts := []kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(1, topic)}
			transport := &kafka.Transport{DialTimeout: 5 * time.Second}
			k := func(k *listeners.Kafka) { k.SecurityProtocol = tc.protocol }
			if strings.HasPrefix(tc.protocol, "SASL") {
				mechanism := tc.mechanism
				if mechanism == "" {
					mechanism = "SCRAM-SHA-512"
				}
				opts = append(opts, kfake.EnableSASL(), kfake.Superuser(mechanism, "ocean", "secret"))
				transport.SASL = saslMechanism(t, mechanism, "ocean", "secret")
				k = func(k *listeners.Kafka) {
					k.SecurityProtocol, k.Mechanism, k.Username, k.Password = tc.protocol, tc.mechanism, "ocean", "secret"
				}
			}
			if tc.tls {
				opts = append(opts, kfake.TLS(serverTLS))
				transport.TLS = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
			}
			fc, err := kfake.NewCluster(opts...)
			require.NoError(t, err)
			t.Cleanup(fc.Close)
			c := &kafkatest.Cluster{Name: "kfake", Brokers: fc.ListenAddrs()}

			var rec recorder
			l := startKafka(t, c, topic, "g", rec.resync, k, func(k *listeners.Kafka) { k.RootCAs = roots })
			w := &kafka.Writer{Addr: kafka.TCP(c.Brokers...), Topic: topic, Transport: transport, BatchTimeout: 10 * time.Millisecond}
			defer w.Close()
			require.NoError(t, w.WriteMessages(context.Background(), kafka.Message{Value: resyncAction(us)}))
			require.Eventually(t, func() bool { return rec.finished.Load() == 1 }, 20*time.Second, 10*time.Millisecond)
			l.shutdown(t)
		})
	}
	t.Run("untrusted certificate", func(t *testing.T) {
		fc, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.TLS(serverTLS))
		require.NoError(t, err)
		t.Cleanup(fc.Close)
		c := &kafkatest.Cluster{Name: "kfake", Brokers: fc.ListenAddrs()}
		l := startKafka(t, c, "org.change.log", "g", func(context.Context) error { return nil },
			func(k *listeners.Kafka) { k.SecurityProtocol = "SSL" }) // the system's roots
		require.Eventually(t, func() bool {
			for _, e := range l.logs.AllEntries() {
				if err, ok := e.Data[logrus.ErrorKey].(error); ok && e.Level == logrus.WarnLevel && strings.Contains(err.Error(), "certificate") {
					return true
				}
			}
			return false
		}, 20*time.Second, 10*time.Millisecond, "the broker's certificate is refused, and said so")
	})
}

func saslMechanism(t *testing.T, name, user, pass string) sasl.Mechanism {
	t.Helper()
	if name == "PLAIN" {
		return plain.Mechanism{Username: user, Password: pass}
	}
	algo := scram.SHA512
	if name == "SCRAM-SHA-256" {
		algo = scram.SHA256
	}
	m, err := scram.Mechanism(algo, user, pass)
	require.NoError(t, err)
	return m
}

// selfSignedTLS is a server config for 127.0.0.1 and the pool that trusts it.
func selfSignedTLS(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kfake"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}, roots
}

// On the resync-requests topic only requests naming this integration count.
func TestKafkaResyncRequestsTopic(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		org := c.Unique("org")
		topic, resyncRequests := listeners.KafkaTopic(org, []string{"OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED"})
		require.True(t, resyncRequests)
		c.CreateTopic(t, topic, 1)
		group := listeners.KafkaGroupID(org, "test", us, true)
		c.Produce(t, topic, resyncRequest("other"), []byte(integrationChangeWithoutContext))
		var rec recorder
		startKafka(t, c, topic, group, rec.resync, func(k *listeners.Kafka) { k.ResyncRequests = true })
		require.Eventually(t, func() bool { return committed(t, c, topic, group) == 2 }, 20*time.Second, 50*time.Millisecond)
		c.Produce(t, topic, resyncRequest(us))
		require.Eventually(t, func() bool { return committed(t, c, topic, group) == 3 }, 20*time.Second, 50*time.Millisecond)
		assert.Equal(t, int32(1), rec.finished.Load())
	})
}
