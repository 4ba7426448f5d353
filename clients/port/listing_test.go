package port

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The listings are reads: a read-only client sends them, and they see what
// another client wrote.
func TestListings(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	reader, _, _ := newTestClient(t, env.srv.URL(), func(c *Config) {
		c.ReadOnly = true
		c.UserAgent.Identifier = "someone-else"
	})

	blueprints, err := reader.ListBlueprints(ctx)
	require.NoError(t, err)
	assert.Empty(t, blueprints)
	integrations, err := reader.ListIntegrations(ctx)
	require.NoError(t, err)
	assert.Empty(t, integrations)

	mustCreateBlueprints(t, env.c, "svc-b", "svc-a")
	_, err = env.c.CreateIntegration(ctx, CreateIntegrationRequest{InstallationAppType: "fake", Version: "0.1.0",
		Config: map[string]any{"resources": []any{map[string]any{"kind": "person"}}}})
	require.NoError(t, err)
	_, err = env.c.PatchResyncState(ctx, ResyncState{Status: "completed"})
	require.NoError(t, err)

	blueprints, err = reader.ListBlueprints(ctx)
	require.NoError(t, err)
	var ids []string
	for _, bp := range blueprints {
		ids = append(ids, bp.Identifier)
		assert.Contains(t, bp.Schema.Properties, "payload", bp.Identifier)
	}
	assert.Equal(t, []string{"svc-a", "svc-b"}, ids)

	integrations, err = reader.ListIntegrations(ctx)
	require.NoError(t, err)
	require.Len(t, integrations, 1)
	got := integrations[0]
	assert.Equal(t, "it-fake", got.Identifier)
	assert.Equal(t, "fake", got.InstallationAppType)
	require.NotNil(t, got.ResyncState)
	assert.Equal(t, "completed", got.ResyncState.Status)
	assert.JSONEq(t, `{"resources":[{"kind":"person"}]}`, string(got.Config))
}
