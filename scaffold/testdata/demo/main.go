// Command demo is the Demo integration: it keeps Port's catalog in
// sync with the items of its API, by resyncs and by webhook events.
package main

import (
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/clients/rest"
	"github.com/ocean-go/ocean/handlers"
	// Without Port credentials, sail syncs into an embedded local Port
	// (under .ocean/). Remove this import to build without it (~5 MiB less).
	_ "github.com/ocean-go/ocean/localport/embedded"
)

// version is reported to Port as the integration's version.
const version = "0.1.0"

// kind is the kind of the API's items, as the mapping names it.
const kind = "example-kind"

// config is the integration's configuration, declared in .port/spec.yaml and
// set with OCEAN__INTEGRATION__CONFIG__* variables.
type config struct {
	APIURL        string `json:"apiUrl"`
	APIToken      string `json:"apiToken"`
	WebhookSecret string `json:"webhookSecret"`
}

func main() {
	app := ocean.New(ocean.WithType("demo"), ocean.WithVersion(version), ocean.WithDir(integrationDir()))
	setup(app)
	app.Run()
}

// setup registers the integration's handlers; its tests call it too.
func setup(app *ocean.App) {
	app.OnResync(kind, resyncItems)
	app.AddWebhookProcessor("/webhook", itemHook{})
}

// resyncItems lists the API's items, one batch per page (GET {apiUrl}/items
// answers {"items": [...]} and takes ?page=N&per_page=100). Without apiUrl
// it yields sample items, so that the integration runs as generated.
func resyncItems(ctx context.Context, _ string) iter.Seq2[[]any, error] {
	cfg, err := ocean.IntegrationConfig[config](ctx)
	if err != nil {
		return func(yield func([]any, error) bool) { yield(nil, err) }
	}
	if cfg.APIURL == "" {
		return sampleItems(25, 10)
	}
	opts := rest.Options{AttemptTimeout: 30 * time.Second, UserAgent: "demo/" + version}
	if cfg.APIToken != "" {
		opts.Auth = rest.Bearer(cfg.APIToken)
	}
	pager := rest.Pager{Client: rest.New(opts), Strategy: rest.PageNumber{Size: 100}, Items: "items"}
	return rest.Pages[any](ctx, pager, strings.TrimRight(cfg.APIURL, "/")+"/items")
}

// sampleItems yields n items shaped as the API returns them, in pages.
func sampleItems(n, page int) iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		for first := 1; first <= n; first += page {
			var batch []any
			for i := first; i < first+page && i <= n; i++ {
				batch = append(batch, map[string]any{
					"id": fmt.Sprintf("item-%d", i), "name": fmt.Sprintf("Item %d", i),
					"status": []string{"open", "closed"}[i%2], "score": i * 10,
					"url": fmt.Sprintf("https://example.com/items/%d", i),
				})
			}
			if !yield(batch, nil) {
				return
			}
		}
	}
}

// SignatureHeader carries a webhook event's signature: "sha256=" and the hex
// HMAC-SHA256 of the raw body, keyed with the webhookSecret config.
const SignatureHeader = "X-Signature-256"

// itemHook processes POST /integration/webhook:
//
//	{"action": "upsert"|"delete", "item": {an item as the API returns it}}
//
// Events about one item are applied in arrival order.
type itemHook struct{}

func (itemHook) ShouldProcess(*handlers.WebhookEvent) bool { return true }

func (itemHook) Kinds(*handlers.WebhookEvent) []string { return []string{kind} }

// Signature refuses every event while no secret is configured.
func (itemHook) Signature(ctx context.Context) handlers.Signature {
	cfg, _ := ocean.IntegrationConfig[config](ctx)
	return handlers.Signature{Header: SignatureHeader, Prefix: "sha256=", Secret: cfg.WebhookSecret}
}

// Authenticate has nothing to add to the signature.
func (itemHook) Authenticate(context.Context, *handlers.WebhookEvent) error { return nil }

func (itemHook) Validate(ev *handlers.WebhookEvent) error {
	if a := ev.Payload["action"]; a != "upsert" && a != "delete" {
		return fmt.Errorf(`action is %v, want "upsert" or "delete"`, a)
	}
	if id, _ := item(ev)["id"].(string); id == "" {
		return fmt.Errorf("item has no id")
	}
	return nil
}

func (itemHook) GroupKey(ev *handlers.WebhookEvent) string {
	id, _ := item(ev)["id"].(string)
	return id
}

func (itemHook) Handle(_ context.Context, ev *handlers.WebhookEvent, _ string) (handlers.WebhookResults, error) {
	if ev.Payload["action"] == "delete" {
		return handlers.WebhookResults{Deleted: []any{item(ev)}}, nil
	}
	return handlers.WebhookResults{Updated: []any{item(ev)}}, nil
}

func item(ev *handlers.WebhookEvent) map[string]any {
	it, _ := ev.Payload["item"].(map[string]any)
	return it
}

// integrationDir is the directory holding .port/: the working directory when
// it has one (an image), else this source directory (go run from elsewhere).
func integrationDir() string {
	if exists(".port") {
		return "."
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		if dir := filepath.Dir(file); exists(filepath.Join(dir, ".port")) {
			return dir
		}
	}
	return "."
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
