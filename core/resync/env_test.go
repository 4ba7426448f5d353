package resync

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/time/rate"

	"github.com/ocean-go/ocean/clients/port"
	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/core/applier"
	"github.com/ocean-go/ocean/core/processor"
	"github.com/ocean-go/ocean/handlers"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
)

// testMapping maps raw {"id", "name"} items of kind "person" to persons.
var testMapping = mapping(personResource("true", ".id"))

// mapping returns a port app config with resources.
func mapping(resources ...any) map[string]any {
	return map[string]any{
		"deleteDependentEntities": false, "createMissingRelatedEntities": false, "enableMergeEntity": true,
		"entityDeletionThreshold": 1, "resources": resources,
	}
}

// personResource maps raw {"id", "name"} items of kind "person" to persons.
func personResource(selector string, identifier any) map[string]any {
	return map[string]any{
		"kind":     "person",
		"selector": map[string]any{"query": selector},
		"port": map[string]any{"entity": map[string]any{"mappings": map[string]any{
			"identifier": identifier, "title": ".name", "blueprint": `"person"`,
			"properties": map[string]any{"name": ".name"},
		}}},
	}
}

// newEngine returns an Engine writing as the integration "fake/my-fake" to a
// local Port holding the person blueprint and config (testMapping when nil).
func newEngine(t testing.TB, config ...map[string]any) *Engine {
	t.Helper()
	e, _ := newEngineOn(t, config...)
	return e
}

// newEngineOn is newEngine, also returning the local Port (to inject faults).
func newEngineOn(t testing.TB, config ...map[string]any) (*Engine, *localport.Server) {
	t.Helper()
	return newEngineVia(t, nil, config...)
}

// newEngineVia is newEngineOn sending the client's requests through via,
// when set, around the real transport (to count them).
func newEngineVia(t testing.TB, via func(http.RoundTripper) http.RoundTripper, config ...map[string]any) (*Engine, *localport.Server) {
	t.Helper()
	srv := localporttest.Start(t)
	quiet := logrus.New()
	quiet.SetOutput(io.Discard)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	var rt http.RoundTripper = tr
	if via != nil {
		rt = via(tr)
	}
	c, err := port.New(port.Config{
		HTTPClient: &http.Client{Transport: rt, Timeout: time.Minute},
		BaseURL:    srv.URL(), ClientID: "id", ClientSecret: "secret",
		UserAgent: port.UserAgent{Type: "fake", Version: "0.1.0", Identifier: "my-fake"},
		Limiter:   rate.NewLimiter(rate.Inf, 0),
		Retry:     port.RetryPolicy{BaseDelay: 10 * time.Millisecond},
		Logger:    quiet,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := c.CreateBlueprint(ctx, map[string]any{"identifier": "person", "title": "Person",
		"schema": map[string]any{"properties": map[string]any{"name": map[string]any{"type": "string"}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateIntegration(ctx, port.CreateIntegrationRequest{InstallationAppType: "fake", Version: "0.1.0", Config: append(config, testMapping)[0]}); err != nil {
		t.Fatal(err)
	}
	return &Engine{
		Client: c, Handlers: &handlers.Registry{}, Processor: processor.New(processor.Options{Logger: quiet}),
		Applier: applier.New(c, quiet), Events: &oceanctx.Tracker{}, Log: quiet,
	}, srv
}

// people returns raw person items with the given ids.
func people(ids ...string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = map[string]any{"id": id, "name": id}
	}
	return out
}

// seed writes persons with the given ids as the integration.
func seed(t testing.TB, e *Engine, ids ...string) {
	t.Helper()
	var es []port.Entity
	for _, id := range ids {
		es = append(es, port.Entity{Identifier: id, Blueprint: "person", Properties: map[string]any{"name": id}})
	}
	res, err := e.Client.UpsertEntities(t.Context(), es, port.UpsertOptions{Merge: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
}

// names returns the name of every person in Port, by identifier.
func names(t testing.TB, e *Engine) map[string]any {
	t.Helper()
	got, err := e.Client.SearchEntities(t.Context(), port.And(port.Cond("$blueprint", "=", "person")), "identifier", "properties.name")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for _, en := range got {
		id, _ := en.ID()
		out[id] = en.Properties["name"]
	}
	return out
}
