package port

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIntegrationLifecycle(t *testing.T) {
	const kafkaPassword = "kafka-pw-not-for-logs"
	env := newEnv(t, []func(*localport.Options){func(o *localport.Options) {
		o.FeatureFlags = []string{"USE_PROVISIONED_DEFAULTS"}
		o.Kafka = localport.KafkaOptions{Username: "ocean", Password: kafkaPassword}
	}},
		func(c *Config) { c.CoreVersion = "0.1.0-go"; c.FeatureFlagsCacheTTL = time.Hour })
	ctx := context.Background()

	_, err := env.c.GetIntegration(ctx)
	require.ErrorIs(t, err, ErrNotFound)

	mapping := map[string]any{"resources": []any{}, "createMissingRelatedEntities": true}
	created, err := env.c.CreateIntegration(ctx, CreateIntegrationRequest{
		InstallationAppType: "fake", Version: "0.1.0", Config: mapping, CreatePortResourcesOrigin: "Default",
	})
	require.NoError(t, err)
	assert.Equal(t, "it-fake", created.Identifier)
	assert.True(t, created.HasConfig())
	assert.Equal(t, 1, env.rec.count("POST", "/v1/integration", 201)+env.rec.count("POST", "/v1/integration", 200))

	got, err := env.c.GetIntegration(ctx)
	require.NoError(t, err)
	assert.Equal(t, "fake", got.InstallationAppType)
	require.NotNil(t, got.MetricAttributes)
	for _, ex := range env.rec.all() {
		if ex.Method == "GET" && ex.Path == "/v1/integration/it-fake" {
			assert.Equal(t, "oceanCoreVersion=0.1.0-go&isPolling=false", ex.Query)
			assert.Equal(t, "port-ocean/fake/0.1.0/it-fake", ex.UserAgent, "integration calls carry no feature")
		}
	}

	patched, err := env.c.PatchIntegration(ctx, map[string]any{"version": "0.2.0", "arePortResourcesInitialized": true})
	require.NoError(t, err)
	assert.Equal(t, "0.2.0", patched.Version)
	assert.True(t, patched.ArePortResourcesInitialized)

	newMapping := map[string]any{"resources": []any{map[string]any{"kind": "repo"}}}
	withCfg, err := env.c.PatchIntegrationConfig(ctx, newMapping, true)
	require.NoError(t, err)
	var cfg map[string]any
	require.NoError(t, json.Unmarshal(withCfg.Config, &cfg))
	assert.Len(t, cfg["resources"], 1)
	_, err = env.c.PatchIntegrationConfig(ctx, newMapping, false)
	require.NoError(t, err)
	var skips []string
	for _, ex := range env.rec.all() {
		if ex.Path == "/v1/integration/it-fake/config" {
			skips = append(skips, ex.SkipResync)
		}
	}
	assert.Equal(t, []string{"true", ""}, skips)

	start := time.Now().UTC().Format(time.RFC3339Nano)
	interval := 60
	st, err := env.c.PatchResyncState(ctx, ResyncState{Status: "running", LastResyncStart: &start, IntervalInMinuets: &interval})
	require.NoError(t, err)
	require.NotNil(t, st.ResyncState)
	assert.Equal(t, "running", st.ResyncState.Status)
	assert.NotEmpty(t, st.ResyncState.UpdatedAt)
	_, err = env.c.PatchResyncState(ctx, ResyncState{Status: "done"})
	assert.ErrorIs(t, err, ErrValidation)

	req, err := env.c.GetResyncRequest(ctx)
	require.NoError(t, err)
	require.NotNil(t, req)
	assert.NotEmpty(t, req.UpdatedAt)

	require.NoError(t, env.c.PostKindExamples(ctx, "repo/with+chars", []any{map[string]any{"name": "x"}}))
	assert.Equal(t, 1, env.rec.count("POST", "/kinds/repo%2Fwith%2Bchars/examples", 200))

	cur, err := env.c.GetCursor(ctx, "repo", 0)
	require.NoError(t, err)
	assert.Empty(t, cur)
	require.NoError(t, env.c.PutCursor(ctx, "repo", 0, "2025-01-01T00:00:00+00:00"))
	cur, err = env.c.GetCursor(ctx, "repo", 0)
	require.NoError(t, err)
	assert.Equal(t, "2025-01-01T00:00:00+00:00", cur)

	types, err := env.c.ProvisionEnabled(ctx)
	require.NoError(t, err)
	assert.NotNil(t, types)

	for range 3 {
		org, err := env.c.Organization(ctx)
		require.NoError(t, err)
		assert.True(t, org.HasFlag("USE_PROVISIONED_DEFAULTS"))
	}
	assert.Equal(t, 1, env.rec.count("GET", "/organization", 200), "feature flags are cached")

	creds, err := env.c.KafkaCredentials(ctx)
	require.NoError(t, err)
	assert.Equal(t, "ocean", creds.Username)
	assert.Equal(t, kafkaPassword, creds.Password)
	for _, entry := range env.logs.AllEntries() {
		line, err := entry.String()
		require.NoError(t, err)
		assert.NotContains(t, line, kafkaPassword)
	}

	// Ingest sinks at the URLs the integration object hands out.
	logsURL, metricsURL := got.LogAttributes.IngestURL, got.MetricAttributes.IngestURL
	require.NoError(t, env.c.PostLogs(ctx, logsURL, []LogRecord{{Message: "hello", Level: "INFO", Timestamp: "2025-01-01T10:00:00.123456Z"}}))
	require.NoError(t, env.c.PostSyncMetrics(ctx, metricsURL, []any{map[string]any{"kind": "repo"}}))
	require.NoError(t, env.c.PutKindMetrics(ctx, metricsURL, "ev/1", "repo-0", map[string]any{"kind": "repo"}))
	require.NoError(t, env.c.PostHeartbeat(ctx, metricsURL, "ev-1"))
	sinks := env.srv.Sinks()
	assert.JSONEq(t, `{"logs":[{"message":"hello","level":"INFO","timestamp":"2025-01-01T10:00:00.123456Z"}]}`, string(sinks[localport.SinkLogs].Last[0]))
	assert.JSONEq(t, `{"syncKindsMetrics":[{"kind":"repo"}]}`, string(sinks[localport.SinkSyncMetrics].Last[0]))
	assert.JSONEq(t, `{"syncKindMetrics":{"kind":"repo"}}`, string(sinks[localport.SinkKindMetrics].Last[0]))
	assert.JSONEq(t, `{"eventId":"ev-1"}`, string(sinks[localport.SinkHeartbeat].Last[0]))
	assert.ErrorIs(t, env.c.PostHeartbeat(ctx, "not a url", "ev"), ErrValidation)

	require.NoError(t, env.c.DeleteIntegration(ctx))
	_, err = env.c.GetIntegration(ctx)
	assert.ErrorIs(t, err, ErrNotFound)
	env.noSecretsLogged(t)
}

// A Port without Kafka credentials answers 404: the KAFKA listener has nothing to connect with.
func TestKafkaCredentialsNotFound(t *testing.T) {
	env := newEnv(t, nil)
	_, err := env.c.KafkaCredentials(context.Background())
	assert.ErrorIs(t, err, ErrNotFound)
}
