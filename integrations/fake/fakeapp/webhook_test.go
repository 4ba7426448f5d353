package fakeapp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/handlers"
	"github.com/ocean-go/ocean/integrations/fake/fakeapp"
	"github.com/ocean-go/ocean/integrations/fake/fakeorg"
	"github.com/ocean-go/ocean/internal/kafkatest"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
)

const webhookSecret = "fake-webhook-secret-0123456789"

// person is a person as the fake API returns it, named for its version.
func person(t *testing.T, index, version int) map[string]any {
	t.Helper()
	p := fakeorg.Persons(fakeorg.Departments[0], index, 1, 1)[0]
	p.Name = fmt.Sprintf("v%d", version)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func event(t *testing.T, action string, items ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"action": action, "kind": fakeapp.KindPerson, "items": items})
	require.NoError(t, err)
	return b
}

func sign(body []byte) string {
	return handlers.Signature{Prefix: "sha256=", Secret: webhookSecret}.Sign(body)
}

// replica is one process of the fake integration, serving its webhooks.
type replica struct {
	app  *ocean.App
	logs *lockedBuffer
	stop func() // stops it and checks it stopped cleanly; once
}

func startReplica(t *testing.T, port *localport.Server, env ...string) *replica {
	t.Helper()
	r := &replica{logs: &lockedBuffer{}}
	r.app = ocean.New(ocean.WithType("fake-integration"), ocean.WithVersion("0.1.0"), ocean.WithDir(".."),
		ocean.WithLogOutput(r.logs), ocean.WithEnviron(append([]string{
			"OCEAN__PORT__CLIENT_ID=fake-client", "OCEAN__PORT__CLIENT_SECRET=fake-client-secret-0123456789",
			"OCEAN__PORT__BASE_URL=" + port.URL(),
			"OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY", "OCEAN__EVENT_WORKERS_COUNT=3",
			"OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET=" + webhookSecret,
			"APPLICATION__LOG_LEVEL=DEBUG",
		}, env...)))
	fakeapp.Setup(r.app)
	ctx, cancel := context.WithCancel(context.Background())
	zero := 0
	done := make(chan error, 1)
	go func() { done <- r.app.Sail(ctx, ocean.SailOptions{Port: &zero}) }()
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
			cancel()
			require.NoError(t, <-done)
		})
	}
	t.Cleanup(r.stop)
	select {
	case <-r.app.Ready():
	case err := <-done:
		t.Fatalf("the integration stopped at start: %v", err)
	}
	return r
}

// post sends a webhook event; 503 (a queue not ready yet) is retried, as a
// sender does.
func (r *replica) post(t *testing.T, body []byte, signature string) int {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		req, err := http.NewRequest(http.MethodPost, r.app.URL()+"/integration/webhook", strings.NewReader(string(body)))
		require.NoError(t, err)
		if signature != "" {
			req.Header.Set(fakeapp.SignatureHeader, signature)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
			return resp.StatusCode
		}
	}
}

// titles are the persons in Port: identifier → title.
func titles(t *testing.T, port *localport.Server) map[string]string {
	es, err := port.Entities(fakeapp.KindPerson)
	require.NoError(t, err)
	out := map[string]string{}
	for _, e := range es {
		out[e["identifier"].(string)] = fmt.Sprint(e["title"])
	}
	return out
}

func TestSignedWebhookEventsReachPortInOrderPerPerson(t *testing.T) {
	port := localporttest.Start(t)
	r := startReplica(t, port)
	post := func(body []byte, signature string) int { return r.post(t, body, signature) }
	names := func() map[string]string { return titles(t, port) }

	const persons, versions = 3, 20
	for v := 1; v <= versions; v++ {
		for i := range persons {
			body := event(t, "upsert", person(t, i, v))
			require.Equal(t, http.StatusAccepted, post(body, sign(body)))
		}
	}
	want := map[string]string{}
	for i := range persons {
		want[person(t, i, 0)["id"].(string)] = fmt.Sprintf("v%d", versions)
	}
	require.Eventually(t, func() bool { return assert.ObjectsAreEqual(want, names()) }, 20*time.Second, 20*time.Millisecond,
		"every person ends at its last version")

	intruder := event(t, "upsert", person(t, 9, 1))
	for _, tc := range []struct {
		name      string
		body      []byte
		signature string
		status    int
	}{
		{"unsigned", intruder, "", http.StatusUnauthorized},
		{"wrongly signed", intruder, handlers.Signature{Prefix: "sha256=", Secret: "guess"}.Sign(intruder), http.StatusUnauthorized},
		{"signed, not JSON", []byte(`{"action":`), sign([]byte(`{"action":`)), http.StatusBadRequest},
		{"signed, another kind", []byte(`{"action":"upsert","kind":"fake-team","items":[]}`),
			sign([]byte(`{"action":"upsert","kind":"fake-team","items":[]}`)), http.StatusBadRequest},
	} {
		assert.Equal(t, tc.status, post(tc.body, tc.signature), tc.name)
	}

	gone := person(t, 0, versions)
	body := event(t, "delete", gone)
	require.Equal(t, http.StatusAccepted, post(body, sign(body)))
	delete(want, gone["id"].(string))
	require.Eventually(t, func() bool { return assert.ObjectsAreEqual(want, names()) }, 20*time.Second, 20*time.Millisecond,
		"the deleted person is gone, the refused events wrote nothing")
	r.stop()
	assert.NotContains(t, r.logs.String(), webhookSecret, "the secret never reaches a log line")
}

// With the Kafka queue, two replicas share the events; stopping one of them
// mid-stream loses none: Port ends with every person's last version.
func TestKafkaQueueReplicasLoseNoEvent(t *testing.T) {
	kafkatest.Each(t, false, func(t *testing.T, c *kafkatest.Cluster) {
		port := localporttest.Start(t)
		topic := c.Unique("fake-live-events")
		env := []string{"OCEAN__LIVE_EVENTS__QUEUE=KAFKA", "OCEAN__LIVE_EVENTS__KAFKA__BROKERS=" + strings.Join(c.Brokers, ","),
			"OCEAN__LIVE_EVENTS__KAFKA__TOPIC=" + topic, "OCEAN__LIVE_EVENTS__KAFKA__PARTITIONS=6"}
		a, b := startReplica(t, port, env...), startReplica(t, port, env...)

		const persons, versions = 12, 15
		want := map[string]string{}
		for v := 1; v <= versions; v++ {
			if v == versions/2 {
				b.stop() // the events it accepted and did not process yet stay on Kafka
			}
			var wg sync.WaitGroup
			for i := range persons {
				to := a
				if i%2 == 1 && v < versions/2 {
					to = b
				}
				body := event(t, "upsert", person(t, i, v))
				want[person(t, i, 0)["id"].(string)] = fmt.Sprintf("v%d", v)
				wg.Go(func() { assert.Equal(t, http.StatusAccepted, to.post(t, body, sign(body))) })
			}
			wg.Wait()
		}
		require.Eventually(t, func() bool { return assert.ObjectsAreEqual(want, titles(t, port)) }, 60*time.Second, 50*time.Millisecond,
			"every person ends at its last version")
		a.stop()
		for _, r := range []*replica{a, b} {
			assert.NotContains(t, r.logs.String(), webhookSecret, "the secret never reaches a log line")
		}
	})
}
