package fakeapp_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/handlers"
	"github.com/ocean-go/ocean/integrations/fake/fakeapp"
	"github.com/ocean-go/ocean/integrations/fake/fakeorg"
	"github.com/ocean-go/ocean/internal/kafkatest"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
	"github.com/ocean-go/ocean/oceantest"
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

// startReplica starts a process of the fake integration serving its
// webhooks, on port (nil: a fresh local Port of its own).
func startReplica(t *testing.T, port *localport.Server, env ...string) *oceantest.Harness {
	t.Helper()
	opts := []oceantest.Option{oceantest.Dir(".."), oceantest.Env(append([]string{
		"OCEAN__EVENT_WORKERS_COUNT=3",
		"OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET=" + webhookSecret,
		"APPLICATION__LOG_LEVEL=DEBUG",
	}, env...)...)}
	if port != nil {
		opts = append(opts, oceantest.WithPort(port))
	}
	return oceantest.New(t, fakeapp.Setup, opts...)
}

// postEvent sends a webhook event; 503 (a queue not ready yet) is retried, as a
// sender does.
func postEvent(t *testing.T, h *oceantest.Harness, body []byte, signature string) int {
	t.Helper()
	var headers []string
	if signature != "" {
		headers = append(headers, fakeapp.SignatureHeader+": "+signature)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		a := h.PostWebhook("/webhook", body, headers...)
		if a.Status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			return a.Status
		}
	}
}

// titles are the persons in Port: identifier → title.
func titles(h *oceantest.Harness) map[string]string {
	out := map[string]string{}
	for _, e := range h.Entities(fakeapp.KindPerson) {
		id, _ := e.ID()
		out[id] = fmt.Sprint(*e.Title)
	}
	return out
}

func TestSignedWebhookEventsReachPortInOrderPerPerson(t *testing.T) {
	r := startReplica(t, nil)
	post := func(body []byte, signature string) int { return postEvent(t, r, body, signature) }

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
	r.WaitWebhooks()
	require.Equal(t, want, titles(r), "every person ends at its last version")

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
	r.WaitWebhooks()
	require.Equal(t, want, titles(r), "the deleted person is gone, the refused events wrote nothing")
	require.NoError(t, r.Stop())
	assert.NotContains(t, r.LogOutput(), webhookSecret, "the secret never reaches a log line")
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
				require.NoError(t, b.Stop()) // the events it accepted and did not process yet stay on Kafka
			}
			var wg sync.WaitGroup
			for i := range persons {
				to := a
				if i%2 == 1 && v < versions/2 {
					to = b
				}
				body := event(t, "upsert", person(t, i, v))
				want[person(t, i, 0)["id"].(string)] = fmt.Sprintf("v%d", v)
				wg.Go(func() { assert.Equal(t, http.StatusAccepted, postEvent(t, to, body, sign(body))) })
			}
			wg.Wait()
		}
		require.Eventually(t, func() bool { return assert.ObjectsAreEqual(want, titles(a)) }, 60*time.Second, 50*time.Millisecond,
			"every person ends at its last version")
		require.NoError(t, a.Stop())
		for _, r := range []*oceantest.Harness{a, b} {
			assert.NotContains(t, r.LogOutput(), webhookSecret, "the secret never reaches a log line")
		}
	})
}
