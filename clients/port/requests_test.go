package port

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/localport"
)

func TestRoute(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"POST", "/blueprints/team/entities/bulk", "POST /v1/blueprints/{bp}/entities/bulk"},
		{"POST", "/blueprints/team/entities", "POST /v1/blueprints/{bp}/entities"},
		{"DELETE", "/blueprints/team/entities/red", "DELETE /v1/blueprints/{bp}/entities/{identifier}"},
		{"POST", "/blueprints/team/bulk/entities/delete", "POST /v1/blueprints/{bp}/bulk/entities/delete"},
		{"DELETE", "/blueprints/team/all-entities", "DELETE /v1/blueprints/{bp}/all-entities"},
		{"GET", "/blueprints/team", "GET /v1/blueprints/{bp}"},
		{"POST", "/blueprints", "POST /v1/blueprints"},
		{"POST", "/entities/search", "POST /v1/entities/search"},
		{"POST", "/blueprints/entities/datasource-entities", "POST /v1/blueprints/entities/datasource-entities"},
		{"GET", "/migrations/m-1", "GET /v1/migrations/{id}"},
		{"PATCH", "/integration/shop/resync-state", "PATCH /v1/integration/{id}/resync-state"},
		{"POST", "/integration/shop/kinds/repo/examples", "POST /v1/integration/{id}/kinds/{kind}/examples"},
		{"GET", "/integration/provision-enabled", "GET /v1/integration/provision-enabled"},
		{"POST", "/auth/access_token", "POST /v1/auth/access_token"},
		{"POST", "/actions/runs/r_1/logs", "POST /v1/actions/runs/{id}/logs"},
		{"POST", "/actions/runs/claim-pending", "POST /v1/actions/runs/claim-pending"},
		{"GET", "/organization", "GET /v1/organization"},
	} {
		assert.Equal(t, tc.want, Route(tc.method, tc.path), tc.path)
	}
}

// Every attempt sent counts, retries included, in each counter of its ctx
// and in Config.Requested; a request outside the ctx counts only in the
// latter.
func TestRequestsAreCountedByRoute(t *testing.T) {
	var mu sync.Mutex
	all := map[string]int{}
	env := newEnv(t, nil, func(c *Config) {
		c.Requested = func(_ context.Context, route string) {
			mu.Lock()
			defer mu.Unlock()
			all[route]++
		}
	})
	mustCreateBlueprints(t, env.c, "svc") // the token call, then the POST

	outer, run := CountRequests(context.Background())
	inner, part := CountRequests(outer)
	env.srv.InjectFault(localport.Fault{Method: "POST", Path: "/v1/blueprints/*/entities/bulk", Status: 503, Count: 1})
	_, err := env.c.UpsertEntities(inner, makeEntities("svc", "e", 3, 100), UpsertOptions{})
	require.NoError(t, err)
	_, err = env.c.SearchEntities(outer, And(Cond("$blueprint", "=", "svc")))
	require.NoError(t, err)

	bulk, search := "POST /v1/blueprints/{bp}/entities/bulk", "POST /v1/entities/search"
	assert.Equal(t, map[string]int{bulk: 2}, part.ByRoute(), "the 503 and its retry")
	assert.Equal(t, map[string]int{bulk: 2, search: 1}, run.ByRoute())
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[string]int{"POST /v1/auth/access_token": 1, "POST /v1/blueprints": 1, bulk: 2, search: 1}, all)
	assert.Len(t, env.rec.all(), 5, "every request sent is counted once")
}
