package console_test

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/localport"
)

func TestConsoleRoutes(t *testing.T) {
	srv := filled(t, "30")
	base, c := srv.URL(), http.DefaultClient

	t.Run("page and assets", func(t *testing.T) {
		for _, path := range []string{"/", "/console", "/console/assets/console.js", "/console/assets/console.css"} {
			resp, err := c.Get(base + path)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode, path)
			assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'self'", path)
		}
	})

	t.Run("session", func(t *testing.T) {
		status, body := do(t, c, "GET", base+"/console/api/session", nil)
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, map[string]any{"credentials": false, "loggedIn": true}, body)
		status, _ = do(t, c, "POST", base+"/console/api/login", map[string]string{"clientId": "a", "clientSecret": "b"})
		assert.Equal(t, http.StatusBadRequest, status, "no credentials: nothing to log in to")
	})

	t.Run("blueprints", func(t *testing.T) {
		status, body := do(t, c, "GET", base+"/console/api/blueprints", nil)
		require.Equal(t, http.StatusOK, status)
		counts := map[string]any{}
		for _, b := range body["blueprints"].([]any) {
			counts[b.(map[string]any)["identifier"].(string)] = b.(map[string]any)["entities"]
		}
		assert.Equal(t, 150.0, counts["fake-person"], "30 persons in each of 5 departments")
		assert.Equal(t, 5.0, counts["fake-department"])
	})

	t.Run("entities", func(t *testing.T) {
		for _, tc := range []struct {
			name, query string
			total       float64
			first       string
		}{
			{"all in creation order", q("limit", "10"), 150, ""},
			{"by identifier, descending", q("sort", "$identifier", "desc", "true", "limit", "5"), 150, ""},
			{"by a property", q("sort", "age", "limit", "5"), 150, ""},
			{"a search", q("query", `{"combinator":"and","rules":[{"property":"$identifier","operator":"=","value":"hr-000003"}]}`), 1, "hr-000003"},
			{"a search on a property, paged", q("query", `{"combinator":"and","rules":[{"property":"departmentName","operator":"=","value":"hr"}]}`, "offset", "25", "sort", "$identifier"), 30, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := do(t, c, "GET", base+"/console/api/blueprints/fake-person/entities"+tc.query, nil)
				require.Equal(t, http.StatusOK, status, "%v", body)
				assert.Equal(t, tc.total, body["total"])
				ents := body["entities"].([]any)
				require.NotEmpty(t, ents)
				if tc.first != "" {
					assert.Equal(t, tc.first, ents[0].(map[string]any)["identifier"])
				}
			})
		}
		_, asc := do(t, c, "GET", base+"/console/api/blueprints/fake-person/entities"+q("sort", "$identifier", "limit", "150"), nil)
		_, desc := do(t, c, "GET", base+"/console/api/blueprints/fake-person/entities"+q("sort", "$identifier", "desc", "true", "limit", "1"), nil)
		all := asc["entities"].([]any)
		assert.Equal(t, all[len(all)-1], desc["entities"].([]any)[0], "descending starts where ascending ends")
		_, paged := do(t, c, "GET", base+"/console/api/blueprints/fake-person/entities"+q("sort", "$identifier", "offset", "10", "limit", "1"), nil)
		assert.Equal(t, all[10], paged["entities"].([]any)[0])

		for _, bad := range []string{q("query", `{"combinator":"and","rules":[{"property":"x","operator":"like","value":1}]}`), q("query", "not json"), q("limit", "0"), q("offset", "-1")} {
			status, body := do(t, c, "GET", base+"/console/api/blueprints/fake-person/entities"+bad, nil)
			assert.Equal(t, http.StatusUnprocessableEntity, status, "%s: %v", bad, body)
		}
		status, _ := do(t, c, "GET", base+"/console/api/blueprints/nope/entities", nil)
		assert.Equal(t, http.StatusNotFound, status)
	})

	t.Run("entity with its relations both ways", func(t *testing.T) {
		status, body := do(t, c, "GET", base+"/console/api/blueprints/fake-person/entities/hr-000003", nil)
		require.Equal(t, http.StatusOK, status, "%v", body)
		assert.Equal(t, "hr-000003", body["entity"].(map[string]any)["identifier"])
		assert.NotEmpty(t, body["datasource"])
		out := body["outgoing"].([]any)
		require.NotEmpty(t, out)
		dep := out[0].(map[string]any)
		assert.Equal(t, "fake-department", dep["blueprint"])

		status, body = do(t, c, "GET", base+"/console/api/blueprints/fake-department/entities/"+dep["identifier"].(string), nil)
		require.Equal(t, http.StatusOK, status)
		var incoming []string
		for _, e := range body["incoming"].([]any) {
			incoming = append(incoming, e.(map[string]any)["identifier"].(string))
		}
		assert.Contains(t, incoming, "hr-000003")
		status, _ = do(t, c, "GET", base+"/console/api/blueprints/fake-person/entities/nobody", nil)
		assert.Equal(t, http.StatusNotFound, status)
	})

	var integID string
	t.Run("integrations", func(t *testing.T) {
		status, body := do(t, c, "GET", base+"/console/api/integrations", nil)
		require.Equal(t, http.StatusOK, status)
		list := body["integrations"].([]any)
		require.Len(t, list, 1)
		integ := list[0].(map[string]any)
		integID = integ["identifier"].(string)
		res := integ["resources"].([]any)
		require.Len(t, res, 5)
		assert.Equal(t, "fake-person", res[1].(map[string]any)["kind"])
		assert.True(t, strings.HasPrefix(res[1].(map[string]any)["yaml"].(string), "kind: fake-person\nselector:"), "keys in the order people write them")
		resyncs := integ["resyncs"].([]any)
		require.Len(t, resyncs, 1, "the one resync that filled the Port")
		last := resyncs[0].(map[string]any)
		assert.Equal(t, "completed", last["status"])
		var person map[string]any
		for _, k := range last["kinds"].([]any) {
			if k.(map[string]any)["identifier"] == "fake-person-1" {
				person = k.(map[string]any)["counts"].(map[string]any)
			}
		}
		require.NotNil(t, person, "fake-person-1 among %v", last["kinds"])
		assert.Equal(t, map[string]any{"extracted": 150.0, "transformed": 150.0, "filteredOut": 0.0, "loaded": 150.0,
			"created": 150.0, "updated": 0.0, "unchanged": 0.0, "failed": 0.0}, person)
	})

	t.Run("examples", func(t *testing.T) {
		status, body := do(t, c, "GET", base+"/console/api/integrations/"+integID+"/kinds/fake-person/examples", nil)
		require.Equal(t, http.StatusOK, status)
		assert.NotEmpty(t, body["examples"])
		status, body = do(t, c, "GET", base+"/console/api/integrations/"+integID+"/kinds/nothing/examples", nil)
		require.Equal(t, http.StatusOK, status)
		assert.Empty(t, body["examples"])
	})

	const personMapping = `kind: fake-person
selector:
  query: 'true'
port:
  entity:
    mappings:
      identifier: .id
      title: .name | ascii_upcase
      blueprint: '"fake-person"'
      properties:
        email: .nowhere
`
	t.Run("playground", func(t *testing.T) {
		items := []any{map[string]any{"id": "p1", "name": "Ann"}, map[string]any{"id": "p2", "name": "Bob"}}
		status, body := do(t, c, "POST", base+"/console/api/playground", map[string]any{"resource": personMapping, "items": items})
		require.Equal(t, http.StatusOK, status, "%v", body)
		ents := body["entities"].([]any)
		require.Len(t, ents, 2)
		assert.Equal(t, "ANN", ents[0].(map[string]any)["title"])
		rep := body["report"].(map[string]any)
		assert.Equal(t, 2.0, rep["entities"])
		fields := rep["fields"].([]any)
		require.Len(t, fields, 1)
		assert.Equal(t, "properties.email", fields[0].(map[string]any)["path"])

		for _, bad := range []string{"kind: [", "kind: x\nport: {entity: {mapings: {}}}"} {
			status, _ := do(t, c, "POST", base+"/console/api/playground", map[string]any{"resource": bad, "items": items})
			assert.Equal(t, http.StatusUnprocessableEntity, status, bad)
		}
	})

	t.Run("save a resource", func(t *testing.T) {
		before, err := srv.Integration(integID)
		require.NoError(t, err)
		status, body := do(t, c, "PUT", base+"/console/api/integrations/"+integID+"/resources/1", map[string]any{"resource": personMapping})
		require.Equal(t, http.StatusOK, status, "%v", body)
		after, err := srv.Integration(integID)
		require.NoError(t, err)
		res := after["config"].(map[string]any)["resources"].([]any)
		mappings := res[1].(map[string]any)["port"].(map[string]any)["entity"].(map[string]any)["mappings"].(map[string]any)
		assert.Equal(t, ".name | ascii_upcase", mappings["title"])
		assert.Len(t, res, 5, "the other resources stay")
		assert.NotEqual(t, before["updatedAt"], after["updatedAt"])

		status, _ = do(t, c, "PUT", base+"/console/api/integrations/"+integID+"/resources/9", map[string]any{"resource": personMapping})
		assert.Equal(t, http.StatusNotFound, status)
		status, _ = do(t, c, "PUT", base+"/console/api/integrations/nope/resources/0", map[string]any{"resource": personMapping})
		assert.Equal(t, http.StatusNotFound, status)
	})

	t.Run("unknown route", func(t *testing.T) {
		status, body := do(t, c, "GET", base+"/console/api/nothing", nil)
		assert.Equal(t, http.StatusNotFound, status)
		assert.Contains(t, body["error"], "no console route")
	})
}

func TestConsoleRefusesForeignRequests(t *testing.T) {
	srv := localporttestStart(t)
	base := srv.URL()
	for _, tc := range []struct {
		name   string
		prep   func(*http.Request)
		status int // 0: anything but 403
	}{
		{"a form post", func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") }, http.StatusForbidden},
		{"another origin", func(r *http.Request) {
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Origin", "http://evil.example")
		}, http.StatusForbidden},
		{"a rebound host name", func(r *http.Request) {
			r.Header.Set("Content-Type", "application/json")
			r.Host = "evil.example"
		}, http.StatusForbidden},
		{"the console's own page", func(r *http.Request) {
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Origin", "http://"+r.Host)
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest("POST", base+"/console/api/playground", strings.NewReader(`{"resource":"kind: x\nport: {entity: {mappings: {identifier: .id, blueprint: '\"x\"'}}}","items":[]}`))
			require.NoError(t, err)
			tc.prep(req)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			if tc.status == 0 {
				assert.NotEqual(t, http.StatusForbidden, resp.StatusCode, "let through")
				return
			}
			assert.Equal(t, tc.status, resp.StatusCode)
		})
	}
}

func TestConsoleLoginWithCredentials(t *testing.T) {
	srv := localporttestStart(t, func(o *localport.Options) { o.ClientID, o.ClientSecret = "me", "s3cret" })
	base := srv.URL()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar}

	status, body := do(t, c, "GET", base+"/console/api/session", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, map[string]any{"credentials": true, "loggedIn": false}, body)
	status, _ = do(t, c, "GET", base+"/console/api/blueprints", nil)
	assert.Equal(t, http.StatusUnauthorized, status)
	status, _ = do(t, c, "POST", base+"/console/api/login", map[string]string{"clientId": "me", "clientSecret": "wrong"})
	assert.Equal(t, http.StatusUnauthorized, status)

	req, err := http.NewRequest("POST", base+"/console/api/login", strings.NewReader(`{"clientId":"me","clientSecret":"s3cret"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	ck := resp.Cookies()
	require.Len(t, ck, 1)
	assert.True(t, ck[0].HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, ck[0].SameSite)

	status, _ = do(t, c, "GET", base+"/console/api/blueprints", nil)
	assert.Equal(t, http.StatusOK, status, "the session cookie opens the API")
	status, _ = do(t, c, "POST", base+"/console/api/logout", map[string]string{})
	assert.Equal(t, http.StatusNoContent, status)
	status, _ = do(t, c, "GET", base+"/console/api/blueprints", nil)
	assert.Equal(t, http.StatusUnauthorized, status, "logged out")

	// A bearer token of the API works too.
	status, tok := do(t, http.DefaultClient, "POST", base+"/v1/auth/access_token", map[string]string{"clientId": "me", "clientSecret": "s3cret"})
	require.Equal(t, http.StatusOK, status)
	req, err = http.NewRequest("GET", base+"/console/api/blueprints", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok["accessToken"].(string))
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
