package localport_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIntegrationLifecycle(t *testing.T) {
	srv, c := start(t, func(o *localport.Options) { o.FeatureFlags = []string{"LAKEHOUSE_ELIGIBLE"} })
	base := "/v1/integration/my-int"

	assert.Equal(t, []any{}, c.must(200, "GET", "/v1/integration/provision-enabled", nil)["integrations"])
	org := c.must(200, "GET", "/v1/organization", nil)["organization"].(map[string]any)
	assert.Equal(t, map[string]any{"id": "org_local", "name": "Local Port", "featureFlags": []any{"LAKEHOUSE_ELIGIBLE"}}, org)
	noCredentials := c.must(404, "GET", "/v1/kafka-credentials", nil)
	assert.Equal(t, "not_found", noCredentials["error"])
	assert.Contains(t, noCredentials["message"], "--kafka-credentials")

	missing := c.must(404, "GET", base+"?oceanCoreVersion=0.1.0&isPolling=false", nil)
	assert.Equal(t, "not_found", missing["error"])

	config := map[string]any{"deleteDependentEntities": true, "createMissingRelatedEntities": true, "resources": []any{}}
	created := c.must(201, "POST", "/v1/integration", map[string]any{
		"installationId": "my-int", "installationAppType": "github", "version": "0.1.0",
		"changelogDestination": map[string]any{}, "config": config, "actionsProcessingEnabled": false,
		"incrementalSyncEnabled": false, "createPortResourcesOrigin": "Default",
	})["integration"].(map[string]any)
	for k, want := range map[string]any{
		"identifier": "my-int", "installationId": "my-int", "installationAppType": "github", "version": "0.1.0",
		"changelogDestination": map[string]any{}, "config": config, "createPortResourcesOrigin": "Default", "_orgId": "org_local",
		"actionsProcessingEnabled": false,
	} {
		assert.Equal(t, want, created[k], k)
	}
	for _, k := range []string{"logAttributes", "metricAttributes", "ingestAttributes"} {
		assert.True(t, strings.HasPrefix(created[k].(map[string]any)["ingestUrl"].(string), srv.URL()+"/"), k)
	}
	c.must(409, "POST", "/v1/integration", map[string]any{"installationId": "my-int"})
	c.must(422, "POST", "/v1/integration", map[string]any{"installationAppType": "github"})

	request := func() string {
		return c.must(200, "GET", base+"/resync-request", nil)["request"].(map[string]any)["updatedAt"].(string)
	}
	tick := func() { time.Sleep(3 * time.Millisecond) } // timestamps have millisecond precision
	r0 := request()
	require.NotEmpty(t, r0)

	tick()
	patched := c.must(200, "PATCH", base, map[string]any{"arePortResourcesInitialized": true, "version": "0.2.0"})["integration"].(map[string]any)
	assert.Equal(t, true, patched["arePortResourcesInitialized"])
	assert.Equal(t, "0.2.0", patched["version"])
	assert.Equal(t, r0, request(), "no config change, no resync request")
	c.must(422, "PATCH", base, map[string]any{"_id": "x"})

	state := func(body map[string]any) map[string]any {
		return c.must(200, "PATCH", base+"/resync-state", body)["integration"].(map[string]any)["resyncState"].(map[string]any)
	}
	s1 := state(map[string]any{"status": "running", "lastResyncStart": "2025-01-01T10:00:00.123456+00:00", "lastResyncEnd": nil, "nextResync": nil, "intervalInMinuets": 60})
	tick()
	s2 := state(map[string]any{"status": "completed", "lastResyncEnd": "2025-01-01T10:05:00+00:00"})
	assert.Equal(t, "completed", s2["status"])
	assert.Equal(t, "2025-01-01T10:00:00.123456+00:00", s2["lastResyncStart"])
	assert.Greater(t, s2["updatedAt"], s1["updatedAt"])

	tick()
	newConfig := map[string]any{"resources": []any{map[string]any{"kind": "repo"}}}
	got := c.must(200, "PATCH", base+"/config", map[string]any{"config": newConfig})["integration"].(map[string]any)
	assert.Equal(t, newConfig, got["config"])
	r1 := request()
	assert.Greater(t, r1, r0, "config change requests a resync")

	tick()
	c.must(200, "PATCH", base+"/config", map[string]any{"config": newConfig})
	assert.Equal(t, r1, request(), "same config, no resync request")
	c.must(422, "PATCH", base+"/config", map[string]any{"config": "x"})
	c.must(422, "PATCH", base, map[string]any{"config": "x"})

	tick()
	c.must(200, "PATCH", base, map[string]any{"config": map[string]any{"resources": []any{}}})
	r2 := request()
	assert.Greater(t, r2, r1)

	tick()
	require.NoError(t, srv.RequestResync("my-int"))
	r3 := request()
	assert.Greater(t, r3, r2)
	tick()
	c.must(200, "POST", "/_admin/integrations/my-int/resync-request", nil)
	assert.Greater(t, request(), r3)
	require.Error(t, srv.RequestResync("nope"))

	c.must(200, "POST", base+"/kinds/repo%2Fsub/examples", map[string]any{"examples": []any{map[string]any{"a": 1}}})
	c.must(404, "POST", "/v1/integration/nope/kinds/repo/examples", map[string]any{"examples": []any{}})

	c.must(200, "PATCH", base+"/config", map[string]any{"config": map[string]any{"resources": []any{
		map[string]any{"kind": "repo"}, map[string]any{"kind": "repo"},
	}}})
	cursor := base + "/cursor?kind=repo&index=1"
	assert.Nil(t, c.must(200, "GET", cursor, nil)["cursor"])
	c.must(404, "PUT", cursor, map[string]any{"primary": "2025-01-01T00:00:00+00:00"})
	c.must(200, "POST", cursor, map[string]any{"primary": "2025-01-01T00:00:00+00:00"})
	c.must(200, "PUT", cursor, map[string]any{"primary": "2025-02-01T00:00:00+00:00"})
	assert.Equal(t, map[string]any{"primary": "2025-02-01T00:00:00+00:00"}, c.must(200, "GET", cursor, nil)["cursor"])

	// An index that is not a resource of the config is refused, not stored.
	for _, index := range []string{"", "x", "-1", "01", "2"} {
		for _, method := range []string{"GET", "PUT", "POST"} {
			resp := c.must(400, method, base+"/cursor?kind=repo&index="+index, map[string]any{"primary": "2025-03-01T00:00:00+00:00"})
			assert.Equal(t, "invalid_cursor", resp["error"], "%s index=%q", method, index)
		}
	}
	assert.Contains(t, c.must(400, "GET", base+"/cursor?kind=repo&index=2", nil)["message"],
		`index 2 is out of range: the config of integration "my-int" has 2 resources`)
	assert.Equal(t, map[string]any{"primary": "2025-02-01T00:00:00+00:00"}, c.must(200, "GET", cursor, nil)["cursor"])

	stored, err := srv.Integration("my-int")
	require.NoError(t, err)
	assert.Equal(t, "0.2.0", stored["version"])

	c.must(200, "DELETE", base, nil)
	c.must(404, "GET", base, nil)
	c.must(404, "DELETE", base, nil)
}

func TestIngestSinks(t *testing.T) {
	srv, c := start(t)
	integ := c.must(201, "POST", "/v1/integration", map[string]any{"installationId": "i"})["integration"].(map[string]any)
	logs := integ["logAttributes"].(map[string]any)["ingestUrl"].(string)
	metrics := integ["metricAttributes"].(map[string]any)["ingestUrl"].(string)
	lake := integ["ingestAttributes"].(map[string]any)["ingestUrl"].(string)

	sink := &client{t: t, base: "", ua: testUA} // no token: sinks accept anything
	for range 25 {
		sink.must(200, "POST", logs, map[string]any{"logs": []any{map[string]any{"message": "hi", "level": "INFO"}}})
	}
	sink.must(200, "POST", metrics+"/syncMetrics", map[string]any{"syncKindsMetrics": []any{}})
	sink.must(200, "PUT", metrics+"/syncMetrics/resync/ev%2B1/kind/repo-0", map[string]any{"syncKindMetrics": map[string]any{}})
	sink.must(200, "POST", metrics+"/heartbeat", map[string]any{"eventId": "ev"})
	sink.must(200, "POST", lake+"/lake/write/integration-type/x/integration/i/sync/s/kind/k", map[string]any{"data": []any{}})

	got := srv.Sinks()
	assert.Equal(t, 25, got[localport.SinkLogs].Count)
	assert.Len(t, got[localport.SinkLogs].Last, 20)
	assert.JSONEq(t, `{"logs":[{"message":"hi","level":"INFO"}]}`, string(got[localport.SinkLogs].Last[19]))
	for _, name := range []string{localport.SinkSyncMetrics, localport.SinkKindMetrics, localport.SinkHeartbeat, localport.SinkLakehouse} {
		assert.Equal(t, 1, got[name].Count, name)
	}
	admin := sink.must(200, "GET", srv.URL()+"/_admin/sinks", nil)["sinks"].(map[string]any)
	assert.Contains(t, admin, localport.SinkHeartbeat)
}

// GET /v1/integration lists every integration as GET /v1/integration/{id} renders it.
func TestListIntegrations(t *testing.T) {
	_, c := start(t)
	assert.Equal(t, []any{}, c.must(200, "GET", "/v1/integration", nil)["integrations"])
	for _, id := range []string{"zeta", "alpha"} {
		c.must(201, "POST", "/v1/integration", map[string]any{"installationId": id, "installationAppType": "fake"})
	}
	c.must(200, "PATCH", "/v1/integration/alpha/resync-state", map[string]any{"status": "completed"})

	list := c.must(200, "GET", "/v1/integration", nil)["integrations"].([]any)
	require.Len(t, list, 2)
	for i, id := range []string{"alpha", "zeta"} {
		assert.Equal(t, c.must(200, "GET", "/v1/integration/"+id, nil)["integration"], list[i], id)
	}
	assert.Equal(t, "completed", list[0].(map[string]any)["resyncState"].(map[string]any)["status"])
	c.must(405, "PUT", "/v1/integration", nil)
}
