package ocean_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/handlers"
)

// memberHook is a signed processor of member events:
// {"action": "upsert"|"delete", "items": [members]}, grouped by the first
// member's id. The first attempt of an event with "flaky" fails retryably.
type memberHook struct {
	secret string
	flaky  atomic.Int32
}

func (p *memberHook) ShouldProcess(ev *handlers.WebhookEvent) bool {
	return ev.Payload["action"] != "ping"
}
func (p *memberHook) Kinds(*handlers.WebhookEvent) []string { return []string{"member", "unmapped"} }
func (p *memberHook) Authenticate(context.Context, *handlers.WebhookEvent) error {
	return nil
}

func (p *memberHook) Signature(context.Context) handlers.Signature {
	return handlers.GitHubSignature(p.secret)
}

func (p *memberHook) Validate(ev *handlers.WebhookEvent) error {
	if a := ev.Payload["action"]; a != "upsert" && a != "delete" {
		return fmt.Errorf("unknown action %v", a)
	}
	if _, ok := ev.Payload["items"].([]any); !ok {
		return errors.New("items is not a list")
	}
	return nil
}

func (p *memberHook) GroupKey(ev *handlers.WebhookEvent) string {
	items, _ := ev.Payload["items"].([]any)
	if len(items) == 0 {
		return ""
	}
	m, _ := items[0].(map[string]any)
	id, _ := m["id"].(string)
	return id
}

func (p *memberHook) RetryPolicy() handlers.RetryPolicy {
	return handlers.RetryPolicy{MaxRetries: 2, InitialDelay: time.Millisecond, Base: 2, MaxDelay: 5 * time.Millisecond}
}

func (p *memberHook) Handle(_ context.Context, ev *handlers.WebhookEvent, _ string) (handlers.WebhookResults, error) {
	if ev.Payload["flaky"] == true && p.flaky.Add(1) == 1 {
		return handlers.WebhookResults{}, handlers.Retryable(errors.New("rate limited"))
	}
	items := ev.Payload["items"].([]any)
	if ev.Payload["action"] == "delete" {
		return handlers.WebhookResults{Deleted: items}, nil
	}
	return handlers.WebhookResults{Updated: items}, nil
}

const hookSecret = "hook-secret-0123456789abcdef"

func sailWithHook(t *testing.T, h *harness, p handlers.WebhookProcessor, env ...string) *ocean.App {
	t.Helper()
	app := h.newApp(append([]string{"OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY"}, env...)...)
	app.AddWebhookProcessor("/members", p)
	ctx, cancel := context.WithCancel(context.Background())
	zero := 0
	done := make(chan error, 1)
	go func() { done <- app.Sail(ctx, ocean.SailOptions{Port: &zero}) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	<-app.Ready()
	return app
}

func post(t *testing.T, app *ocean.App, body string, headers map[string]string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, app.URL()+"/integration/members", strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

func signed(body string) map[string]string {
	return map[string]string{"X-Hub-Signature-256": handlers.GitHubSignature(hookSecret).Sign([]byte(body))}
}

func memberEvent(action string, items ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"action": action, "items": items})
	return string(b)
}

func TestWebhookEventsAreQueuedProcessedInOrderAndSynced(t *testing.T) {
	h := newHarness(t)
	app := sailWithHook(t, h, &memberHook{secret: hookSecret}, "OCEAN__EVENT_WORKERS_COUNT=4",
		"OCEAN__MAX_REQUEST_BODY_SIZE_IN_BYTES=2048")

	// Many versions of two members, interleaved: the last one of each wins.
	const versions = 30
	for v := 1; v <= versions; v++ {
		for _, id := range []string{"dan", "eve"} {
			body := memberEvent("upsert", map[string]any{"id": id, "name": id, "email": id + "@shop.test", "age": v})
			status, out := post(t, app, body, signed(body))
			require.Equal(t, http.StatusAccepted, status, out)
			assert.NotEmpty(t, out["eventId"])
		}
	}
	age := func(m map[string]map[string]any, id string) string {
		return fmt.Sprint(m[id]["properties"].(map[string]any)["age"])
	}
	require.Eventually(t, func() bool {
		m := h.entities("member")
		return len(m) == 2 && age(m, "dan") == fmt.Sprint(versions) && age(m, "eve") == fmt.Sprint(versions)
	}, 20*time.Second, 20*time.Millisecond, "events of one key are applied in arrival order")

	refused := []struct {
		name    string
		body    string
		headers map[string]string
		status  int
	}{
		{"unsigned", memberEvent("upsert", map[string]any{"id": "mal", "email": "m@x"}), nil, http.StatusUnauthorized},
		{"wrongly signed", memberEvent("upsert", map[string]any{"id": "mal", "email": "m@x"}), signed("other"), http.StatusUnauthorized},
		{"not JSON", `{"action":`, signed(`{"action":`), http.StatusBadRequest},
		{"not an object", `[1]`, signed(`[1]`), http.StatusBadRequest},
		{"invalid payload", `{"action":"rename","items":[]}`, signed(`{"action":"rename","items":[]}`), http.StatusBadRequest},
		{"too large", memberEvent("upsert", map[string]any{"id": "mal", "email": strings.Repeat("m", 4096)}), nil, http.StatusRequestEntityTooLarge},
	}
	for _, tc := range refused {
		status, out := post(t, app, tc.body, tc.headers)
		assert.Equal(t, tc.status, status, tc.name)
		assert.Equal(t, false, out["ok"], tc.name)
	}
	status, out := post(t, app, `{"action":"ping"}`, nil)
	assert.Equal(t, http.StatusAccepted, status, "an event no processor wants is accepted and ignored")
	assert.Equal(t, false, out["queued"])

	// A deletion, then a selector that now rejects the other member; a
	// retryable failure is retried.
	del := memberEvent("delete", map[string]any{"id": "dan", "name": "dan", "email": "dan@shop.test"})
	status, _ = post(t, app, del, signed(del))
	require.Equal(t, http.StatusAccepted, status)
	b, _ := json.Marshal(map[string]any{"action": "upsert", "flaky": true, "items": []any{
		map[string]any{"id": "eve", "name": "eve", "email": "eve@shop.test", "active": false}}})
	status, _ = post(t, app, string(b), signed(string(b)))
	require.Equal(t, http.StatusAccepted, status)
	require.Eventually(t, func() bool { return len(h.entities("member")) == 0 }, 20*time.Second, 20*time.Millisecond,
		"the deleted member and the one the selector rejects are deleted")
	assert.NotContains(t, h.entities("member"), "mal", "refused events write nothing")

	var metrics []byte
	require.Eventually(t, func() bool {
		resp, err := http.Get(app.URL() + "/metrics")
		require.NoError(t, err)
		defer resp.Body.Close()
		metrics, err = io.ReadAll(resp.Body)
		require.NoError(t, err)
		return strings.Contains(string(metrics), `ocean_webhook_events_total{outcome="processed",path="/members"} 62`)
	}, 10*time.Second, 20*time.Millisecond, "every accepted event is counted processed")
	for _, want := range []string{
		`ocean_webhook_events_total{outcome="accepted",path="/members"} 62`,
		`ocean_webhook_events_total{outcome="processed",path="/members"} 62`,
		`ocean_webhook_events_total{outcome="rejected",path="/members"} 5`,
		`ocean_webhook_events_total{outcome="retried",path="/members"} 1`,
		`ocean_webhook_events_total{outcome="ignored",path="/members"} 1`,
		`ocean_webhook_queue_depth{path="/members"} 0`,
		`ocean_webhook_processing_seconds_count{path="/members"} 62`,
	} {
		assert.Contains(t, string(metrics), want)
	}
	assert.NotContains(t, h.logs.String(), hookSecret)
	assert.NotContains(t, h.logs.String(), "m@x", "a rejected event's payload is not logged")
}

// Without a secret a signed processor refuses everything, and says so at start.
func TestWebhookWithoutSecretFailsClosed(t *testing.T) {
	h := newHarness(t)
	app := sailWithHook(t, h, &memberHook{})
	body := memberEvent("upsert", map[string]any{"id": "dan", "email": "dan@shop.test"})
	unkeyed := map[string]string{"X-Hub-Signature-256": handlers.Signature{Prefix: "sha256="}.Sign([]byte(body))}
	status, out := post(t, app, body, unkeyed)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Contains(t, out["message"], "no webhook secret")
	require.Eventually(t, func() bool {
		return strings.Count(h.logs.String(), "No webhook secret configured") == 1
	}, 10*time.Second, 10*time.Millisecond)
	assert.Empty(t, h.entities("member"))
}

// A process that does not process webhooks (ONCE, or should_process_webhooks
// false) answers 404 rather than accept events it would lose.
func TestWebhooksOffAreRefused(t *testing.T) {
	h := newHarness(t)
	app := sailWithHook(t, h, &memberHook{}, "OCEAN__EVENT_LISTENER__SHOULD_PROCESS_WEBHOOKS=false")
	body := memberEvent("upsert", map[string]any{"id": "dan", "email": "dan@shop.test"})
	status, out := post(t, app, body, signed(body))
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, out["message"], "does not process webhooks")
	assert.NotContains(t, h.logs.String(), "No webhook secret configured", "no warning about a path that is off")
}
