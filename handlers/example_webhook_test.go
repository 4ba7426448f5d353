package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/ocean-go/ocean/handlers"
)

// repoHook processes GitHub repository events: it keeps the repositories of
// the "repository" kind current, one repository's events in arrival order.
type repoHook struct{ secret string }

func (repoHook) ShouldProcess(ev *handlers.WebhookEvent) bool {
	return ev.Headers.Get("X-GitHub-Event") == "repository"
}

func (repoHook) Kinds(*handlers.WebhookEvent) []string { return []string{"repository"} }

// Signature makes the processor fail closed: without a secret, every event is
// refused.
func (h repoHook) Signature(context.Context) handlers.Signature {
	return handlers.GitHubSignature(h.secret)
}

func (repoHook) Authenticate(context.Context, *handlers.WebhookEvent) error { return nil }

func (repoHook) Validate(ev *handlers.WebhookEvent) error {
	if _, ok := ev.Payload["repository"].(map[string]any); !ok {
		return errors.New("no repository in the event")
	}
	return nil
}

func (repoHook) GroupKey(ev *handlers.WebhookEvent) string {
	return fmt.Sprint(ev.Payload["repository"].(map[string]any)["id"])
}

func (repoHook) Handle(_ context.Context, ev *handlers.WebhookEvent, _ string) (handlers.WebhookResults, error) {
	repo := ev.Payload["repository"]
	if ev.Payload["action"] == "deleted" {
		return handlers.WebhookResults{Deleted: []any{repo}}, nil
	}
	return handlers.WebhookResults{Updated: []any{repo}}, nil
}

// A webhook processor, registered with app.AddWebhookProcessor("/github",
// repoHook{secret}); the App serves POST /integration/github, checks the
// signature, queues the event and syncs what Handle returns.
func ExampleWebhookProcessor() {
	hook := repoHook{secret: "s3cret"}
	body := []byte(`{"action":"renamed","repository":{"id":42,"name":"ocean-go"}}`)
	headers := http.Header{"X-Github-Event": {"repository"}}
	sig := hook.Signature(context.Background())
	fmt.Println(sig.Verify(body, headers))
	headers.Set(sig.Header, sig.Sign(body))
	fmt.Println(sig.Verify(body, headers))

	ev := &handlers.WebhookEvent{Body: body, Headers: headers, Payload: map[string]any{
		"action": "renamed", "repository": map[string]any{"id": 42, "name": "ocean-go"}}}
	res, _ := hook.Handle(context.Background(), ev, "repository")
	fmt.Println(hook.ShouldProcess(ev), hook.GroupKey(ev), len(res.Updated), len(res.Deleted))
	// Output:
	// the signature header is missing
	// <nil>
	// true 42 1 0
}
