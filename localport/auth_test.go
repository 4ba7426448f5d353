package localport_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuth(t *testing.T) {
	checked := func(o *localport.Options) { o.ClientID, o.ClientSecret = "id", "secret" }
	tests := []struct {
		name   string
		opts   []func(*localport.Options)
		id     any
		secret any
		status int
		code   string
	}{
		{"accept-all takes anything", nil, "anyone", "anything", 200, ""},
		{"accept-all still needs the keys", nil, "anyone", nil, 422, "invalid_request"},
		{"checked, right credentials", []func(*localport.Options){checked}, "id", "secret", 200, ""},
		{"checked, wrong secret", []func(*localport.Options){checked}, "id", "nope", 401, "unauthorized"},
		{"checked, wrong id", []func(*localport.Options){checked}, "other", "secret", 401, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := localporttest.Start(t, tt.opts...)
			c := &client{t: t, base: srv.URL(), ua: testUA}
			body := map[string]any{"clientId": tt.id}
			if tt.secret != nil {
				body["clientSecret"] = tt.secret
			}
			status, resp := c.call("POST", "/v1/auth/access_token", body)
			require.Equal(t, tt.status, status, "%v", resp)
			if tt.status != 200 {
				assert.Equal(t, tt.code, resp["error"])
				assert.NotEmpty(t, resp["message"])
				return
			}
			assert.Equal(t, "Bearer", resp["tokenType"])
			assert.NotEmpty(t, resp["accessToken"])
			c.token = resp["accessToken"].(string)
			c.must(200, "GET", "/v1/organization", nil)
		})
	}
}

func TestTokens(t *testing.T) {
	srv, c := start(t, func(o *localport.Options) { o.TokenTTL = 400 * time.Millisecond })
	resp := c.do("POST", "/v1/auth/access_token", map[string]any{"clientId": "a", "clientSecret": "b"})
	assert.Equal(t, json.Number("1"), resp.body["expiresIn"], "whole seconds, rounded up")

	c.must(200, "GET", "/v1/organization", nil)
	anonymous := &client{t: t, base: srv.URL(), ua: testUA}
	assert.Contains(t, anonymous.must(401, "GET", "/v1/organization", nil)["message"], "missing bearer token")
	forged := &client{t: t, base: srv.URL(), ua: testUA, token: "forged"}
	assert.Equal(t, "invalid token", forged.must(401, "GET", "/v1/blueprints/x", nil)["message"])

	time.Sleep(500 * time.Millisecond)
	expired := c.must(401, "POST", "/v1/entities/search", map[string]any{"combinator": "and", "rules": []any{}})
	assert.Equal(t, "token expired", expired["message"])

	// Without credentials configured, anyone gets a token: the admin routes ask for none.
	anonymous.must(http.StatusOK, "GET", "/_admin/sinks", nil)
}

// With credentials configured, the admin routes are closed to whoever lacks a
// token: without one nobody can make Port answer 503 to everyone.
func TestAdminRoutesNeedATokenWhenCredentialsAreChecked(t *testing.T) {
	srv := localporttest.Start(t, func(o *localport.Options) { o.ClientID, o.ClientSecret = "id", "secret" })
	anonymous := &client{t: t, base: srv.URL(), ua: testUA}
	forged := &client{t: t, base: srv.URL(), ua: testUA, token: "forged"}
	fault := []byte(`{"status":503}`)
	for _, c := range []*client{anonymous, forged} {
		c.must(401, "POST", "/_admin/faults", fault)
		c.must(401, "DELETE", "/_admin/faults", nil)
		c.must(401, "GET", "/_admin/sinks", nil)
		c.must(401, "POST", "/_admin/integrations/x/resync-request", nil)
	}
	admin := &client{t: t, base: srv.URL(), ua: testUA}
	admin.token = admin.must(200, "POST", "/v1/auth/access_token", map[string]any{"clientId": "id", "clientSecret": "secret"})["accessToken"].(string)
	admin.must(200, "GET", "/v1/organization", nil) // no fault was injected by the refused calls
	admin.must(200, "POST", "/_admin/faults", fault)
	admin.must(503, "GET", "/v1/organization", nil)
	admin.must(200, "DELETE", "/_admin/faults", nil)
	admin.must(200, "GET", "/_admin/sinks", nil)
}

// The admin API can be switched off: its routes are gone, the Server's methods stay.
func TestAdminRoutesSwitchedOff(t *testing.T) {
	srv, c := start(t, func(o *localport.Options) { o.DisableAdmin = true })
	for _, method := range []string{"POST", "DELETE"} {
		resp := c.must(404, method, "/_admin/faults", []byte(`{"status":503}`))
		assert.Contains(t, resp["message"], "the admin API is switched off")
	}
	c.must(404, "GET", "/_admin/sinks", nil)
	c.must(200, "GET", "/v1/organization", nil)
	srv.InjectFault(localport.Fault{Path: "/v1/organization", Status: 503, Count: 1})
	c.must(503, "GET", "/v1/organization", nil)
}

func TestOneActiveTokenPerClient(t *testing.T) {
	srv := localporttest.Start(t, func(o *localport.Options) { o.TokenTTL = 3 * time.Second })
	c := &client{t: t, base: srv.URL(), ua: testUA}
	get := func(id string) (string, json.Number) {
		body := c.must(200, "POST", "/v1/auth/access_token", map[string]any{"clientId": id, "clientSecret": "s"})
		return body["accessToken"].(string), body["expiresIn"].(json.Number)
	}
	first, ttl := get("a")
	assert.Equal(t, json.Number("3"), ttl)
	time.Sleep(1100 * time.Millisecond)
	again, left := get("a")
	assert.Equal(t, first, again, "asking before expiry returns the active token")
	assert.Equal(t, json.Number("2"), left, "with its remaining lifetime")
	other, _ := get("b")
	assert.NotEqual(t, first, other, "each client id has its own token")

	time.Sleep(1300 * time.Millisecond) // into the last quarter of its life
	fresh, ttl := get("a")
	assert.NotEqual(t, first, fresh, "renewing near expiry gives a fresh token")
	assert.Equal(t, json.Number("3"), ttl)
	old := &client{t: t, base: srv.URL(), ua: testUA, token: first}
	old.must(200, "GET", "/v1/organization", nil) // the old one still works
}
