package oceantest_test

import (
	"context"
	"errors"
	"fmt"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/handlers"
)

// The tiny integration of testdata/tiny: it lists repositories of a fake
// source (one of them archived, which the mapping's selector drops) and
// takes push events at /integration/push, signed with its token.

const tinyDir = "testdata/tiny"

type tinyConfig struct {
	Repos int    `json:"repos"`
	Token string `json:"token"`
}

func setupTiny(app *ocean.App) {
	app.OnResync("repo", handlers.List(func(ctx context.Context, _ string) ([]map[string]any, error) {
		cfg, err := ocean.IntegrationConfig[tinyConfig](ctx)
		if err != nil {
			return nil, err
		}
		// Logged on purpose: the logs must show it masked.
		app.Logger().WithField("token", cfg.Token).Info("Listing the repositories")
		repos := []map[string]any{{"name": "old", "stars": 1, "archived": true}}
		for i := 1; i <= cfg.Repos; i++ {
			repos = append(repos, map[string]any{"name": fmt.Sprintf("repo-%d", i), "stars": 10 * i, "archived": false})
		}
		return repos, nil
	}))
	app.AddWebhookProcessor("/push", pushHook{})
}

const signatureHeader = "X-Tiny-Signature"

// pushHook takes {"repo": {...}, "deleted": bool}.
type pushHook struct{}

func (pushHook) ShouldProcess(*handlers.WebhookEvent) bool { return true }
func (pushHook) Kinds(*handlers.WebhookEvent) []string     { return []string{"repo"} }

func (pushHook) Signature(ctx context.Context) handlers.Signature {
	cfg, _ := ocean.IntegrationConfig[tinyConfig](ctx)
	return handlers.Signature{Header: signatureHeader, Prefix: "sha256=", Secret: cfg.Token}
}

func (pushHook) Authenticate(context.Context, *handlers.WebhookEvent) error { return nil }

func (pushHook) Validate(ev *handlers.WebhookEvent) error {
	if _, ok := ev.Payload["repo"].(map[string]any); !ok {
		return errors.New("repo is not an object")
	}
	return nil
}

func (pushHook) Handle(_ context.Context, ev *handlers.WebhookEvent, _ string) (handlers.WebhookResults, error) {
	repo := ev.Payload["repo"]
	if ev.Payload["deleted"] == true {
		return handlers.WebhookResults{Deleted: []any{repo}}, nil
	}
	return handlers.WebhookResults{Updated: []any{repo}}, nil
}

func sign(token string, body []byte) string {
	return signatureHeader + ": " + handlers.Signature{Prefix: "sha256=", Secret: token}.Sign(body)
}
