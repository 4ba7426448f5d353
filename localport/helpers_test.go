package localport_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
	"github.com/stretchr/testify/require"
)

const testUA = "port-ocean/github/0.1.0/my-integration/exporter"

// client talks to a running server with plain net/http.
type client struct {
	t     testing.TB
	base  string
	token string
	ua    string
	hdr   http.Header // sent with every request
}

// reserved is a copy of c that sends x-port-reserved-usage: true.
func (c *client) reserved() *client {
	r := *c
	r.hdr = http.Header{"X-Port-Reserved-Usage": {"true"}}
	return &r
}

// start runs a server and returns a client holding a token.
func start(t testing.TB, opts ...func(*localport.Options)) (*localport.Server, *client) {
	t.Helper()
	srv := localporttest.Start(t, opts...)
	c := &client{t: t, base: srv.URL(), ua: testUA}
	status, body := c.call(http.MethodPost, "/v1/auth/access_token", map[string]any{"clientId": "tester", "clientSecret": "x"})
	require.Equal(t, http.StatusOK, status, "token: %v", body)
	c.token = body["accessToken"].(string)
	return srv, c
}

// response is a decoded JSON response.
type response struct {
	status int
	body   map[string]any
	header http.Header
}

// do sends a request; body may be nil, []byte (sent as is) or anything JSON-encodable.
func (c *client) do(method, path string, body any) response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(c.t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	require.NoError(c.t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("User-Agent", c.ua)
	for k, v := range c.hdr {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	require.NoError(c.t, dec.Decode(&m), "response of %s %s is not a JSON object: %s", method, path, data)
	return response{status: resp.StatusCode, body: m, header: resp.Header}
}

func (c *client) call(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	r := c.do(method, path, body)
	return r.status, r.body
}

// must sends a request that must answer want.
func (c *client) must(want int, method, path string, body any) map[string]any {
	c.t.Helper()
	status, resp := c.call(method, path, body)
	require.Equal(c.t, want, status, "%s %s: %v", method, path, resp)
	if want < 300 {
		require.Equal(c.t, true, resp["ok"], "success without ok: %v", resp)
	} else {
		require.Equal(c.t, false, resp["ok"], "error without ok=false: %v", resp)
		require.NotEmpty(c.t, resp["error"])
	}
	return resp
}

// catalog creates the blueprints most tests use: user <- service -> service,
// and deployment with a required relation to service.
func catalog(c *client) {
	c.t.Helper()
	c.must(201, "POST", "/v1/blueprints", map[string]any{
		"identifier": "user", "title": "User",
		"schema": map[string]any{"properties": map[string]any{"email": map[string]any{"type": "string", "format": "email"}}},
	})
	c.must(201, "POST", "/v1/blueprints", map[string]any{
		"identifier": "service", "title": "Service",
		"schema": map[string]any{
			"properties": map[string]any{
				"language": map[string]any{"type": "string", "enum": []any{"go", "python"}},
				"url":      map[string]any{"type": "string", "format": "url"},
				"stars":    map[string]any{"type": "number"},
				"archived": map[string]any{"type": "boolean"},
				"meta":     map[string]any{"type": "object"},
				"tags":     map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
				"released": map[string]any{"type": "string", "format": "date-time"},
				"ip":       map[string]any{"type": "string", "format": "ipv4"},
			},
		},
		"relations": map[string]any{
			"owner": map[string]any{"target": "user", "many": false},
			"deps":  map[string]any{"target": "service", "many": true},
		},
	})
	c.must(201, "POST", "/v1/blueprints", map[string]any{
		"identifier": "deployment", "title": "Deployment",
		"schema": map[string]any{
			"properties": map[string]any{"env": map[string]any{"type": "string"}},
			"required":   []any{"env"},
		},
		"relations": map[string]any{"service": map[string]any{"target": "service", "required": true}},
	})
}

// upsert writes one entity with upsert=true&merge=true and returns it.
func upsert(c *client, bp string, e map[string]any) map[string]any {
	c.t.Helper()
	status, body := c.call("POST", "/v1/blueprints/"+bp+"/entities?upsert=true&merge=true", e)
	require.Contains(c.t, []int{200, 201}, status, "upsert %v: %v", e, body)
	return body["entity"].(map[string]any)
}

// ids lists the identifiers of a search/datasource response.
func ids(body map[string]any) []string {
	var out []string
	for _, e := range body["entities"].([]any) {
		out = append(out, e.(map[string]any)["identifier"].(string))
	}
	return out
}

func bigBody(n int) []byte {
	return []byte(`{"entities":[{"identifier":"x","properties":{"p":"` + strings.Repeat("a", n) + `"}}]}`)
}
