package fakeapp

import (
	"context"
	"errors"
	"fmt"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/handlers"
)

// SignatureHeader carries the signature of a webhook event: "sha256=" and the
// hex HMAC-SHA256 of the raw body, keyed with the webhookSecret config.
const SignatureHeader = "X-Ocean-Signature-256"

// webhookConfig is the part of the integration config the webhook reads.
type webhookConfig struct {
	WebhookSecret string `json:"webhookSecret"`
}

// personHook processes POST /integration/webhook:
//
//	{"action": "upsert"|"delete", "kind": "fake-person", "items": [persons as the API returns them]}
//
// Events about one person (the first item's id) are applied in arrival order.
type personHook struct{}

func (personHook) ShouldProcess(*handlers.WebhookEvent) bool { return true }

func (personHook) Kinds(*handlers.WebhookEvent) []string { return []string{KindPerson} }

func (personHook) Signature(ctx context.Context) handlers.Signature {
	cfg, _ := ocean.IntegrationConfig[webhookConfig](ctx) // no config: no secret, every event refused
	return handlers.Signature{Header: SignatureHeader, Prefix: "sha256=", Secret: cfg.WebhookSecret}
}

// Authenticate has nothing to add to the signature.
func (personHook) Authenticate(context.Context, *handlers.WebhookEvent) error { return nil }

func (personHook) Validate(ev *handlers.WebhookEvent) error {
	if a := ev.Payload["action"]; a != "upsert" && a != "delete" {
		return fmt.Errorf(`action is %v, want "upsert" or "delete"`, a)
	}
	if k := ev.Payload["kind"]; k != KindPerson {
		return fmt.Errorf("kind is %v, want %q", k, KindPerson)
	}
	items, ok := ev.Payload["items"].([]any)
	if !ok {
		return errors.New("items is not a list")
	}
	for i, it := range items {
		if m, ok := it.(map[string]any); !ok {
			return fmt.Errorf("items[%d] is not an object", i)
		} else if id, ok := m["id"].(string); !ok || id == "" {
			return fmt.Errorf("items[%d] has no id", i)
		}
	}
	return nil
}

func (personHook) GroupKey(ev *handlers.WebhookEvent) string {
	items, _ := ev.Payload["items"].([]any)
	if len(items) == 0 {
		return ""
	}
	id, _ := items[0].(map[string]any)["id"].(string)
	return id
}

func (personHook) Handle(_ context.Context, ev *handlers.WebhookEvent, _ string) (handlers.WebhookResults, error) {
	items := ev.Payload["items"].([]any)
	if ev.Payload["action"] == "delete" {
		return handlers.WebhookResults{Deleted: items}, nil
	}
	return handlers.WebhookResults{Updated: items}, nil
}
