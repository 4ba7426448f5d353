package applier

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
	"golang.org/x/time/rate"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
)

// env is a local Port with the test blueprints and an Applier writing to it as
// the integration "fake/my-fake".
type env struct {
	t          testing.TB
	maxRetries int // of the clients made after it is set; 0 = the default
	ctx        context.Context
	srv        *localport.Server
	client     *port.Client
	a          *Applier
	logs       *test.Hook
}

func newEnv(t testing.TB) *env {
	t.Helper()
	srv := localporttest.Start(t)
	log, hook := test.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	e := &env{t: t, ctx: t.Context(), srv: srv, logs: hook}
	e.client = e.newClient("my-fake")
	e.a = New(e.client, log)
	for _, bp := range testBlueprints {
		if _, err := e.client.CreateBlueprint(e.ctx, bp); err != nil {
			t.Fatalf("create blueprint %s: %v", bp["identifier"], err)
		}
	}
	return e
}

// newClient returns a client writing as another integration identifier,
// hence another data source.
func (e *env) newClient(identifier string) *port.Client {
	return e.newClientVia(identifier, nil)
}

// newClientVia is newClient sending its requests through before, when set, to
// let a test act (as someone else would) right before a request goes out.
func (e *env) newClientVia(identifier string, before func(*http.Request)) *port.Client {
	quiet := logrus.New()
	quiet.SetOutput(io.Discard)
	// Closing idle connections before the server closes spares it waiting
	// for connections the transport dialed but never used.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	e.t.Cleanup(tr.CloseIdleConnections)
	var rt http.RoundTripper = tr
	if before != nil {
		rt = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			before(r)
			return tr.RoundTrip(r)
		})
	}
	c, err := port.New(port.Config{
		HTTPClient: &http.Client{Transport: rt, Timeout: time.Minute},
		BaseURL:    e.srv.URL(), ClientID: "id", ClientSecret: "secret",
		UserAgent: port.UserAgent{Type: "fake", Version: "0.1.0", Identifier: identifier},
		Limiter:   rate.NewLimiter(rate.Inf, 0),
		Retry:     port.RetryPolicy{BaseDelay: 10 * time.Millisecond, MaxRetries: e.maxRetries},
		Logger:    quiet,
	})
	if err != nil {
		e.t.Fatalf("port client: %v", err)
	}
	return c
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// seed writes entities through c (merge, creating missing targets).
func (e *env) seed(c *port.Client, entities ...port.Entity) {
	e.t.Helper()
	if len(entities) == 0 {
		return
	}
	res, err := c.UpsertEntities(e.ctx, entities, port.UpsertOptions{Merge: true, CreateMissingRelatedEntities: true})
	if err != nil {
		e.t.Fatalf("seed: %v", err)
	}
	for _, r := range res {
		if r.Err != nil {
			e.t.Fatalf("seed: %v", r.Err)
		}
	}
}

// entity returns Port's copy of bp/id, nil when it does not exist.
func (e *env) entity(bp, id string) map[string]any {
	e.t.Helper()
	got, _, err := e.srv.Entity(bp, id)
	if err != nil {
		e.t.Fatalf("read %s/%s: %v", bp, id, err)
	}
	return got
}

// exists reports which of the "bp/id" keys exist in Port.
func (e *env) missing(keys ...string) []string {
	e.t.Helper()
	var out []string
	for _, k := range keys {
		bp, id, _ := cut(k)
		if e.entity(bp, id) == nil {
			out = append(out, k)
		}
	}
	return out
}

func cut(key string) (string, string, bool) {
	for i := range len(key) {
		if key[i] == '/' {
			return key[:i], key[i+1:], true
		}
	}
	return key, "", false
}

// updatedAt returns the update stamp of every entity of bp.
func (e *env) updatedAt(bp string) map[string]any {
	e.t.Helper()
	all, err := e.srv.Entities(bp)
	if err != nil {
		e.t.Fatalf("list %s: %v", bp, err)
	}
	out := map[string]any{}
	for _, m := range all {
		out[m["identifier"].(string)] = m["updatedAt"]
	}
	return out
}

var testBlueprints = []map[string]any{
	{"identifier": "department", "title": "Department", "schema": map[string]any{"properties": map[string]any{
		"name": map[string]any{"type": "string"},
	}}, "relations": map[string]any{}},
	{"identifier": "person", "title": "Person", "schema": map[string]any{"properties": map[string]any{
		"name": map[string]any{"type": "string"},
		"age":  map[string]any{"type": "number"},
		"big":  map[string]any{"type": "number"},
		"tags": map[string]any{"type": "array"},
		"meta": map[string]any{"type": "object"},
	}}, "relations": map[string]any{
		"manager":    map[string]any{"target": "person", "required": false, "many": false},
		"department": map[string]any{"target": "department", "required": false, "many": false},
	}},
	{"identifier": "service", "title": "Service", "schema": map[string]any{"properties": map[string]any{
		"lang": map[string]any{"type": "string"},
	}}, "relations": map[string]any{
		"owner": map[string]any{"target": "person", "required": false, "many": false},
		"deps":  map[string]any{"target": "service", "required": false, "many": true},
	}},
	{"identifier": "deployment", "title": "Deployment", "schema": map[string]any{"properties": map[string]any{}},
		"relations": map[string]any{
			"service": map[string]any{"target": "service", "required": true, "many": false},
		}},
	{"identifier": "pod", "title": "Pod", "schema": map[string]any{"properties": map[string]any{}},
		"relations": map[string]any{
			"deployment": map[string]any{"target": "deployment", "required": true, "many": false},
		}},
}

func ent(bp, id string, props map[string]any, rels map[string]any) port.Entity {
	return port.Entity{Identifier: id, Blueprint: bp, Title: str(id), Properties: props, Relations: rels}
}

func person(id string, props map[string]any) port.Entity { return ent("person", id, props, nil) }

func persons(ids ...string) []port.Entity {
	out := make([]port.Entity, len(ids))
	for i, id := range ids {
		out[i] = person(id, map[string]any{"name": id})
	}
	return out
}
