package fakeapp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/handlers"
	"github.com/ocean-go/ocean/integrations/fake/fakeapp"
	"github.com/ocean-go/ocean/integrations/fake/fakeorg"
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

func TestSignedWebhookEventsReachPortInOrderPerPerson(t *testing.T) {
	port := localporttest.Start(t)
	logs := &lockedBuffer{}
	app := ocean.New(ocean.WithType("fake-integration"), ocean.WithVersion("0.1.0"), ocean.WithDir(".."),
		ocean.WithLogOutput(logs), ocean.WithEnviron([]string{
			"OCEAN__PORT__CLIENT_ID=fake-client", "OCEAN__PORT__CLIENT_SECRET=fake-client-secret-0123456789",
			"OCEAN__PORT__BASE_URL=" + port.URL(),
			"OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY", "OCEAN__EVENT_WORKERS_COUNT=3",
			"OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET=" + webhookSecret,
			"APPLICATION__LOG_LEVEL=DEBUG",
		}))
	fakeapp.Setup(app)
	ctx, cancel := context.WithCancel(context.Background())
	zero := 0
	done := make(chan error, 1)
	go func() { done <- app.Sail(ctx, ocean.SailOptions{Port: &zero}) }()
	defer func() {
		cancel()
		require.NoError(t, <-done)
	}()
	<-app.Ready()

	post := func(body []byte, signature string) int {
		req, err := http.NewRequest(http.MethodPost, app.URL()+"/integration/webhook", strings.NewReader(string(body)))
		require.NoError(t, err)
		if signature != "" {
			req.Header.Set(fakeapp.SignatureHeader, signature)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	names := func() map[string]string {
		es, err := port.Entities(fakeapp.KindPerson)
		require.NoError(t, err)
		out := map[string]string{}
		for _, e := range es {
			out[e["identifier"].(string)] = fmt.Sprint(e["title"])
		}
		return out
	}

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
	assert.NotContains(t, logs.String(), webhookSecret, "the secret never reaches a log line")
}
