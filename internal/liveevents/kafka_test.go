package liveevents

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	logtest "github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/handlers"
	"github.com/ocean-go/ocean/internal/kafkaconn"
	"github.com/ocean-go/ocean/internal/kafkatest"
)

// versioned syncs {"key": k, "n": n} as the item "k=n" after delay;
// {"fail": true} fails for good.
type versioned struct{ delay time.Duration }

func (versioned) ShouldProcess(*handlers.WebhookEvent) bool                  { return true }
func (versioned) Kinds(*handlers.WebhookEvent) []string                      { return []string{"k"} }
func (versioned) Authenticate(context.Context, *handlers.WebhookEvent) error { return nil }
func (versioned) Validate(*handlers.WebhookEvent) error                      { return nil }
func (versioned) GroupKey(ev *handlers.WebhookEvent) string {
	s, _ := ev.Payload["key"].(string)
	return s
}

func (v versioned) Handle(ctx context.Context, ev *handlers.WebhookEvent, _ string) (handlers.WebhookResults, error) {
	if ev.Payload["fail"] == true {
		return handlers.WebhookResults{}, errors.New("this event cannot be processed")
	}
	time.Sleep(v.delay)
	return handlers.WebhookResults{Updated: []any{fmt.Sprintf("%s=%s", ev.Payload["key"], ev.Payload["n"])}}, nil
}

// replica is one integration process with the Kafka queue: its own manager
// and route, recording what it synced into a catalog all replicas share.
type replica struct {
	m       *Manager
	srv     *httptest.Server
	reg     *prometheus.Registry
	logs    *logtest.Hook
	stopped chan error
	stop    context.CancelFunc
}

// catalog is what the replicas synced, in the order they synced it.
type catalog struct {
	mu     sync.Mutex
	synced []string
}

func (c *catalog) add(items []any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, it := range items {
		c.synced = append(c.synced, it.(string))
	}
}

func (c *catalog) items() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.synced...)
}

// startBenchReplica is a replica that syncs nowhere.
func startBenchReplica(b *testing.B, k *KafkaOptions) *replica {
	return startReplica(b, k, &catalog{}, 0)
}

func kafkaOptions(c *kafkatest.Cluster, topic string) *KafkaOptions {
	o := &KafkaOptions{Brokers: c.Brokers, Topic: topic, DeadLetterTopic: topic + ".dead-letter", GroupID: topic,
		Partitions: 4, ReplicationFactor: -1}
	if c.SASL() {
		o.Security = kafkaconn.Security{Protocol: kafkaconn.ProtocolSASLPlaintext, Mechanism: kafkaconn.MechanismSCRAMSHA512,
			Username: c.Username, Password: c.Password}
	}
	return o
}

func startReplica(t testing.TB, k *KafkaOptions, cat *catalog, delay time.Duration) *replica {
	t.Helper()
	log, hook := logtest.NewNullLogger()
	r := &replica{m: New(), reg: prometheus.NewRegistry(), logs: hook, stopped: make(chan error, 1)}
	require.True(t, r.m.Register("/hook", versioned{delay}))
	require.NoError(t, r.m.Configure(Options{
		Workers: 2, Timeout: time.Minute, DrainBound: 10 * time.Second, Kafka: k, Log: log, Metrics: NewMetrics(r.reg),
		Kinds:   func(context.Context) (map[string]bool, error) { return map[string]bool{"k": true}, nil },
		Context: func(ctx context.Context) (context.Context, func()) { return ctx, func() {} },
		Sync: func(_ context.Context, changes []Change) []error {
			for _, c := range changes {
				cat.add(c.Updated)
			}
			return make([]error, len(changes))
		},
	}))
	e := gin.New()
	e.POST("/integration/hook", r.m.Handler("/hook"))
	r.srv = httptest.NewServer(e)
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	go func() { r.stopped <- r.m.Run(ctx) }()
	t.Cleanup(r.close)
	return r
}

// close stops the replica as an App does: its route first, then its queue.
func (r *replica) close() {
	if r.stop == nil {
		return
	}
	r.srv.Close()
	r.stop()
	<-r.stopped
	r.stop = nil
}

func (r *replica) count(outcome string) float64 {
	return testutil.ToFloat64(r.m.opts.Metrics.events.WithLabelValues("/hook", outcome))
}

// post sends body with headers and returns the status; while the topics are
// being created the route answers 503, and a client retries then.
func (r *replica) post(t *testing.T, body string, headers ...string) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, err := http.NewRequest(http.MethodPost, r.srv.URL+"/integration/hook", strings.NewReader(body))
		require.NoError(t, err)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
			return resp.StatusCode
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Two replicas share the events of one queue; one stops mid-stream and
// every accepted event is still processed, each key's in order.
func TestKafkaQueueReplicasShareTheWorkAndLoseNothing(t *testing.T) {
	kafkatest.Each(t, false, func(t *testing.T, c *kafkatest.Cluster) {
		cat := &catalog{}
		k := kafkaOptions(c, c.Unique("live-events"))
		// b is slow: when it stops, it has events fetched and not processed.
		a, b := startReplica(t, k, cat, time.Millisecond), startReplica(t, k, cat, 50*time.Millisecond)
		const keys = 8
		accepted := map[string][]string{} // key → its versions accepted, in order
		version := 0
		round := func(replicas ...*replica) { // the keys at once, one version each
			version++
			var wg sync.WaitGroup
			status := make([]int, keys)
			for i := range keys {
				key := fmt.Sprintf("key%d", i)
				accepted[key] = append(accepted[key], fmt.Sprintf("%s=%d", key, version))
				wg.Go(func() {
					status[i] = replicas[i%len(replicas)].post(t, fmt.Sprintf(`{"key":%q,"n":"%d"}`, key, version))
				})
			}
			wg.Wait()
			for _, s := range status {
				require.Equal(t, http.StatusAccepted, s)
			}
		}
		// Until both replicas have partitions and processed some events.
		require.Eventually(t, func() bool {
			round(a, b)
			return a.count(processed) > 0 && b.count(processed) > 0
		}, 60*time.Second, 100*time.Millisecond, "both replicas process events of the queue")

		for range 10 {
			round(a, b)
		}
		// Mid-stream: events b's partitions hold are not processed yet (b
		// has fetched some of them, or not even that).
		pending := len(accepted)*version - int(a.count(processed)+b.count(processed))
		b.close()
		t.Logf("b stopped after processing %v events, %d pending, %d of them fetched by b", b.count(processed), pending,
			b.m.queue.(*kafkaQueue).left.Load())
		assert.Positive(t, pending, "b stopped mid-stream")
		for range 10 {
			round(a)
		}
		var want []string
		for _, versions := range accepted {
			want = append(want, versions...)
		}
		require.Eventually(t, func() bool {
			return len(missing(cat.items(), want)) == 0
		}, 60*time.Second, 50*time.Millisecond, "every accepted event is processed")

		// At least once: a partition's next owner may process again the events
		// after its last commit, so a key's versions may step back, once per
		// hand-over at most (b joining, b stopping); each key ends at its last.
		steps, last := map[string]int{}, map[string]int{}
		for _, item := range cat.items() {
			key, n, _ := strings.Cut(item, "=")
			var v int
			_, err := fmt.Sscan(n, &v)
			require.NoError(t, err)
			if v < last[key] {
				steps[key]++
			}
			last[key] = v
		}
		t.Logf("processed: a %v, b %v; %d items synced for %d accepted; steps back %v", a.count(processed), b.count(processed),
			len(cat.items()), len(want), steps)
		for key, versions := range accepted {
			assert.LessOrEqual(t, steps[key], 2, "%s is processed in order", key)
			assert.Equal(t, versions[len(versions)-1], fmt.Sprintf("%s=%d", key, last[key]), "%s ends at its last version", key)
		}
		assert.Zero(t, a.count(failed)+b.count(failed))
	})
}

// missing are the items of want that got are without.
func missing(got, want []string) []string {
	seen := map[string]bool{}
	for _, g := range got {
		seen[g] = true
	}
	var out []string
	for _, w := range want {
		if !seen[w] {
			out = append(out, w)
		}
	}
	return out
}

// An event that fails for good goes to the dead-letter topic with why, its
// request's headers but not its credentials, and the queue goes on.
func TestKafkaQueueDeadLettersFailedEvents(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		cat := &catalog{}
		k := kafkaOptions(c, c.Unique("live-events"))
		r := startReplica(t, k, cat, 0)
		body := `{"key":"k","fail":true}`
		require.Equal(t, http.StatusAccepted, r.post(t, body, "X-Event-Type", "push", "Authorization", "Bearer s3cret"))
		require.Equal(t, http.StatusAccepted, r.post(t, `{"key":"k","n":"2"}`))

		dead := c.ReadTopic(t, k.DeadLetterTopic, 1)[0]
		assert.Equal(t, body, string(dead.Value))
		assert.Equal(t, "k", string(dead.Key))
		headers := map[string]string{}
		for _, h := range dead.Headers {
			headers[h.Key] = string(h.Value)
		}
		assert.Contains(t, headers[headerError], "this event cannot be processed")
		assert.Equal(t, "/hook", headers[headerPath])
		assert.Equal(t, "push", headers[headerHTTP+"X-Event-Type"])
		assert.NotContains(t, headers, headerHTTP+"Authorization", "credentials stay out of the topics")
		assert.Contains(t, headers[headerSource], k.Topic+"/")
		require.Eventually(t, func() bool { return len(cat.items()) == 1 }, 30*time.Second, 10*time.Millisecond,
			"the events after a dead-lettered one are processed")
		assert.Equal(t, []string{"k=2"}, cat.items())
		assert.Equal(t, 1.0, r.count(deadLettered))
		assert.Equal(t, 1.0, r.count(failed))
	})
}

func TestKafkaOptionsValidate(t *testing.T) {
	ok := KafkaOptions{Brokers: []string{"broker.invalid:1"}, Topic: "t", DeadLetterTopic: "t.dead", GroupID: "g"}
	for _, tc := range []struct {
		name string
		edit func(*KafkaOptions)
		errs []string
	}{
		{"valid", func(*KafkaOptions) {}, nil},
		{"nothing", func(o *KafkaOptions) { *o = KafkaOptions{} }, []string{"no brokers", "no topic", "no dead-letter topic", "no consumer group"}},
		{"dead letters into the topic", func(o *KafkaOptions) { o.DeadLetterTopic = "t" }, []string{"the dead-letter topic is the topic itself"}},
		{"SASL without credentials", func(o *KafkaOptions) { o.Security.Protocol = kafkaconn.ProtocolSASLSSL },
			[]string{"security protocol SASL_SSL needs a username and a password"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := ok
			tc.edit(&o)
			err := o.Validate()
			if tc.errs == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, e := range tc.errs {
				assert.Contains(t, err.Error(), e)
			}
		})
	}
}
