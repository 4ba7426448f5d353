package port

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/core/jsonorder"
)

func ptr(s string) *string { return &s }

func TestEntityJSONSendsWhatIsSet(t *testing.T) {
	labels, err := jsonorder.Unmarshal([]byte(`{"zone":"eu","app":"web","tier":1}`))
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		e    Entity
		want string
	}{
		{"unset fields are omitted", Entity{Identifier: "a", Blueprint: "b"},
			`{"identifier":"a","blueprint":"b"}`},
		{"set and empty fields are sent", Entity{Identifier: "a", Blueprint: "b", Title: ptr(""), Icon: ptr(""),
			Team: []any{}, Properties: map[string]any{}, Relations: map[string]any{}},
			`{"identifier":"a","title":"","icon":"","blueprint":"b","team":[],"properties":{},"relations":{}}`},
		{"nulls inside objects are sent", Entity{Identifier: "a", Blueprint: "b",
			Properties: map[string]any{"x": nil}, Relations: map[string]any{"r": nil}},
			`{"identifier":"a","blueprint":"b","properties":{"x":null},"relations":{"r":null}}`},
		{"objects keep the raw item's key order", Entity{Identifier: "a", Blueprint: "b",
			Properties: map[string]any{"labels": labels, "big": json.Number("12345678901234567890")}},
			`{"identifier":"a","blueprint":"b","properties":{"big":12345678901234567890,"labels":{"zone":"eu","app":"web","tier":1}}}`},
		{"search identifier", Entity{Identifier: &Query{Combinator: "and", Rules: []Rule{{Property: "$title", Operator: "=", Value: "x"}}}, Blueprint: "b"},
			`{"identifier":{"combinator":"and","rules":[{"property":"$title","operator":"=","value":"x"}]},"blueprint":"b"}`},
		{"meta fields", Entity{Identifier: "a", Blueprint: "b", CreatedAt: "t"},
			`{"identifier":"a","blueprint":"b","createdAt":"t"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range []any{tc.e, &tc.e} {
				got, err := json.Marshal(v)
				require.NoError(t, err)
				assert.Equal(t, tc.want, string(got))
			}
			var back Entity
			require.NoError(t, json.Unmarshal([]byte(tc.want), &back))
			assert.Equal(t, tc.e.Properties == nil, back.Properties == nil, "properties set")
			assert.Equal(t, tc.e.Relations == nil, back.Relations == nil, "relations set")
		})
	}
}

// bodyRecorder is a reverse proxy in front of the local Port that keeps the
// bodies of the entity upserts it forwards.
type bodyRecorder struct {
	mu     sync.Mutex
	bodies []string
}

func startBodyRecorder(t *testing.T, target string) (*bodyRecorder, string) {
	u, err := url.Parse(target)
	require.NoError(t, err)
	rec := &bodyRecorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/entities") {
			b, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			r.Body = io.NopCloser(bytes.NewReader(b))
			rec.mu.Lock()
			rec.bodies = append(rec.bodies, string(b))
			rec.mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

// The local Port receives properties: {} and relations: {} when they are set,
// and objects in the raw item's key order.
func TestUpsertSendsEmptyObjectsAndKeyOrder(t *testing.T) {
	env := newEnv(t, nil)
	bp := serviceBlueprint("service")
	bp.Schema.Properties["labels"] = Property{Type: "object"}
	_, err := env.c.CreateBlueprint(context.Background(), bp)
	require.NoError(t, err)
	rec, proxyURL := startBodyRecorder(t, env.srv.URL())
	c, _, _ := newTestClient(t, proxyURL)
	labels, err := jsonorder.Unmarshal([]byte(`{"zeta":1,"alpha":{"y":true,"x":false}}`))
	require.NoError(t, err)
	ctx := context.Background()

	_, _, err = c.UpsertEntity(ctx, Entity{Identifier: "empty", Blueprint: "service",
		Properties: map[string]any{}, Relations: map[string]any{}}, UpsertOptions{Merge: true})
	require.NoError(t, err)
	_, _, err = c.UpsertEntity(ctx, Entity{Identifier: "unset", Blueprint: "service"}, UpsertOptions{Merge: true})
	require.NoError(t, err)
	_, err = c.UpsertEntities(ctx, []Entity{
		{Identifier: "ordered", Blueprint: "service", Properties: map[string]any{"labels": labels}},
		{Identifier: "empty-2", Blueprint: "service", Properties: map[string]any{}},
	}, UpsertOptions{Merge: true})
	require.NoError(t, err)

	rec.mu.Lock()
	all := strings.Join(rec.bodies, "\n")
	rec.mu.Unlock()
	assert.Contains(t, all, `{"identifier":"empty","blueprint":"service","properties":{},"relations":{}}`)
	assert.Contains(t, all, `{"identifier":"unset","blueprint":"service"}`)
	assert.Contains(t, all, `"properties":{"labels":{"zeta":1,"alpha":{"y":true,"x":false}}}`)
	assert.Contains(t, all, `{"identifier":"empty-2","blueprint":"service","properties":{}}`)
	assert.ElementsMatch(t, []string{"empty", "unset", "ordered", "empty-2"}, storedIDs(t, env.srv, "service"))
}
