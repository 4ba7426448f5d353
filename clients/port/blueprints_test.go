package port

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBlueprintLifecycle(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()

	_, err := env.c.GetBlueprint(ctx, "service")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, "not_found", apiErr.Code)

	created, err := env.c.CreateBlueprint(ctx, serviceBlueprint("service"))
	require.NoError(t, err)
	assert.Equal(t, "service", created.Identifier)

	_, err = env.c.CreateBlueprint(ctx, serviceBlueprint("service"))
	assert.ErrorIs(t, err, ErrConflict, "creating twice is a conflict")

	// Cached: the second read makes no request.
	for range 3 {
		bp, err := env.c.GetBlueprint(ctx, "service")
		require.NoError(t, err)
		assert.Contains(t, bp.Schema.Properties, "payload")
	}
	assert.Equal(t, 1, env.rec.count("GET", "/blueprints/service", 200))

	// A patch invalidates the cached copy.
	_, err = env.c.PatchBlueprint(ctx, "service", map[string]any{"title": "Services"})
	require.NoError(t, err)
	bp, err := env.c.GetBlueprint(ctx, "service")
	require.NoError(t, err)
	assert.Equal(t, "Services", bp.Title)
	env.c.InvalidateBlueprints()
	_, err = env.c.GetBlueprint(ctx, "service")
	require.NoError(t, err)
	assert.Equal(t, 3, env.rec.count("GET", "/blueprints/service", 200))

	sc, err := env.c.CreateScorecard(ctx, "service", map[string]any{
		"identifier": "ready", "title": "Ready",
		"rules": []any{map[string]any{"identifier": "has-n", "title": "Has n", "level": "Gold",
			"query": map[string]any{"combinator": "and", "conditions": []any{map[string]any{"property": "n", "operator": "isNotEmpty"}}}}},
	})
	require.NoError(t, err)
	assert.Equal(t, "ready", sc["identifier"])
	page, err := env.c.CreatePage(ctx, map[string]any{"identifier": "svc-page", "title": "Services", "type": "blueprint-entities", "blueprint": "service", "widgets": []any{}})
	require.NoError(t, err)
	assert.Equal(t, "svc-page", page["identifier"])
	require.NoError(t, env.c.DeletePage(ctx, "svc-page"))
	_, err = env.c.CreateAction(ctx, map[string]any{"identifier": "deploy", "title": "Deploy", "trigger": map[string]any{"type": "self-service", "operation": "DAY-2", "blueprintIdentifier": "service", "userInputs": map[string]any{"properties": map[string]any{}}}, "invocationMethod": map[string]any{"type": "WEBHOOK", "url": "https://example.com"}})
	require.NoError(t, err)

	_, err = env.c.UpsertEntities(ctx, makeEntities("service", "e", 30, 50), UpsertOptions{})
	require.NoError(t, err)
	id, err := env.c.DeleteAllEntities(ctx, "service", true)
	require.NoError(t, err)
	require.NotEmpty(t, id)
	m, err := env.c.WaitMigration(ctx, id, 10*time.Millisecond)
	require.NoError(t, err)
	assert.True(t, m.Done())
	assert.Empty(t, storedIDs(t, env.srv, "service"))
	_, err = env.c.GetBlueprint(ctx, "service")
	assert.ErrorIs(t, err, ErrNotFound, "deleted with its entities, and dropped from the cache")

	_, err = env.c.GetMigration(ctx, "migration_nope")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, env.c.DeleteBlueprint(ctx, "nope"), ErrNotFound)
}
