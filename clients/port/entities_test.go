package port

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ocean-go/ocean/localport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUpsertEntitiesRoundTrip(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	mustCreateBlueprints(t, env.c, "service", "repo")

	// Interleave two blueprints: results must still line up with the input.
	var in []Entity
	svc, repo := makeEntities("service", "svc", 45, 200), makeEntities("repo", "repo", 30, 200)
	for i := range 45 {
		in = append(in, svc[i])
		if i < len(repo) {
			in = append(in, repo[i])
		}
	}
	opts := UpsertOptions{Merge: true, EventType: "resync", ResyncID: "ev-1"}
	res, err := env.c.UpsertEntities(ctx, in, opts)
	require.NoError(t, err)
	require.Len(t, res, len(in))
	for i, r := range res {
		require.NoError(t, r.Err, i)
		assert.True(t, r.Created, i)
		assert.Equal(t, in[i].Identifier, r.Entity.Identifier)
		assert.Equal(t, in[i].Blueprint, r.Entity.Blueprint)
	}
	assert.Len(t, storedIDs(t, env.srv, "service"), 45)
	assert.Len(t, storedIDs(t, env.srv, "repo"), 30)
	// 45 → 3 batches, 30 → 2 batches.
	assert.Equal(t, 5, env.rec.count("POST", "/entities/bulk", 200))

	again, err := env.c.UpsertEntities(ctx, in[:3], opts)
	require.NoError(t, err)
	for _, r := range again {
		assert.NoError(t, r.Err)
		assert.False(t, r.Created)
	}

	// Wire format: query order, User-Agent with feature on entity calls, without on the token call.
	for _, ex := range env.rec.all() {
		switch {
		case strings.HasSuffix(ex.Path, "/auth/access_token"):
			assert.Equal(t, "port-ocean/fake/0.1.0/it-fake", ex.UserAgent)
			assert.Empty(t, ex.Authorization)
		case strings.HasSuffix(ex.Path, "/entities/bulk"):
			assert.Equal(t, "port-ocean/fake/0.1.0/it-fake/exporter", ex.UserAgent)
			assert.Equal(t, "upsert=true&merge=true&create_missing_related_entities=false&validation_only=false&ocean_info_event_type=resync&ocean_info_resync_id=ev-1", ex.Query)
			assert.True(t, strings.HasPrefix(ex.Authorization, "Bearer "))
		}
	}
	_, ds, err := env.srv.Entity("service", "svc-00000")
	require.NoError(t, err)
	assert.Equal(t, "port-ocean/fake/0.1.0/it-fake/exporter", ds, "the datasource is the entity-call User-Agent")
	assert.Equal(t, 1, env.rec.count("POST", "/auth/access_token", 0), "one token for the whole run")
	env.noSecretsLogged(t)
}

func TestUpsertEntitiesPerEntityOutcomes(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	mustCreateBlueprints(t, env.c, "service")
	_, _, err := env.c.UpsertEntity(ctx, Entity{Identifier: "target", Blueprint: "service", Properties: map[string]any{"payload": "find-me"}}, UpsertOptions{})
	require.NoError(t, err)

	in := []Entity{
		{Identifier: "good", Blueprint: "service", Properties: map[string]any{"n": 1}},
		{Identifier: "bad-type", Blueprint: "service", Properties: map[string]any{"n": "not a number"}},
		{Identifier: And(Cond("payload", "=", "find-me")), Blueprint: "service", Properties: map[string]any{"n": 7}},
		{Identifier: And(Cond("payload", "=", "nobody")), Blueprint: "service", Properties: map[string]any{"n": 8}},
		{Identifier: "no-bp"},
		{Identifier: "x", Blueprint: "missing-blueprint"},
		{Identifier: "unknown", Blueprint: "service", Properties: map[string]any{"nope": 1}},
	}
	res, err := env.c.UpsertEntities(ctx, in, UpsertOptions{Merge: true})
	require.NoError(t, err)

	assert.NoError(t, res[0].Err)

	var ee *EntityError
	require.ErrorAs(t, res[1].Err, &ee)
	assert.Equal(t, 1, ee.Index)
	assert.Equal(t, "bad-type", ee.Identifier)
	assert.ErrorIs(t, res[1].Err, ErrValidation)

	assert.NoError(t, res[2].Err)
	assert.Equal(t, "target", res[2].Entity.Identifier, "search identifier resolved")
	assert.False(t, res[2].Created)

	assert.True(t, res[3].Dropped, "unresolved search identifier is dropped: %v", res[3].Err)
	assert.NoError(t, res[3].Err)

	assert.ErrorIs(t, res[4].Err, ErrValidation, "checked before sending")

	var apiErr *APIError
	require.ErrorAs(t, res[5].Err, &apiErr, "whole-batch failure is the request's error")
	assert.Equal(t, 404, apiErr.StatusCode)
	assert.ErrorIs(t, res[5].Err, ErrNotFound)

	require.Error(t, res[6].Err, "a literal identifier \"unknown\" is a failure, not a drop")
	assert.False(t, res[6].Dropped)
}

func TestUpsertEntitiesTooLarge(t *testing.T) {
	tests := []struct {
		name       string
		fault      *localport.Fault
		mod        func(*Config)
		entities   func() []Entity
		wantBulk   int // bulk requests answered 413
		wantFails  int // entities failing with ErrTooLarge
		wantSingle int // single-route upserts
	}{
		{
			name:       "batch refused as too large falls back to single upserts",
			fault:      &localport.Fault{Method: "POST", Path: "/v1/blueprints/*/entities/bulk", MaxBodyBytes: 4000},
			entities:   func() []Entity { return makeEntities("service", "e", 50, 500) },
			wantBulk:   3,
			wantSingle: 50,
		},
		{
			name: "entity over the client limit goes through the single route",
			mod:  func(c *Config) { c.UpsertBatchMaxBytes = 2000 },
			entities: func() []Entity {
				return append(makeEntities("service", "small", 10, 100), makeEntities("service", "big", 2, 5000)...)
			},
			wantSingle: 2,
		},
		{
			name: "entity over Port's 1 MiB limit is reported as its own error",
			entities: func() []Entity {
				es := makeEntities("service", "ok", 5, 100)
				return append(es, makeEntities("service", "huge", 1, 1<<20+1000)...)
			},
			wantFails:  1,
			wantSingle: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mods []func(*Config)
			if tt.mod != nil {
				mods = append(mods, tt.mod)
			}
			env := newEnv(t, nil, mods...)
			mustCreateBlueprints(t, env.c, "service")
			if tt.fault != nil {
				env.srv.InjectFault(*tt.fault)
			}
			in := tt.entities()
			res, err := env.c.UpsertEntities(context.Background(), in, UpsertOptions{})
			require.NoError(t, err)
			fails := 0
			for i, r := range res {
				if r.Err != nil {
					require.ErrorIs(t, r.Err, ErrTooLarge, "entity %d", i)
					fails++
				}
			}
			assert.Equal(t, tt.wantFails, fails)
			assert.Len(t, storedIDs(t, env.srv, "service"), len(in)-tt.wantFails)
			assert.Equal(t, tt.wantBulk, env.rec.count("POST", "/entities/bulk", 413))
			assert.Equal(t, tt.wantSingle, env.rec.count("POST", "/blueprints/service/entities", 0))
		})
	}
}

func TestUpsertEntity(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	mustCreateBlueprints(t, env.c, "service")

	title := "Payment"
	got, created, err := env.c.UpsertEntity(ctx, Entity{Identifier: "pay/ment+1", Blueprint: "service", Title: &title,
		Properties: map[string]any{"n": 9007199254740993}}, UpsertOptions{Merge: true})
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, "pay/ment+1", got.Identifier)
	require.NotNil(t, got.Title)
	assert.Equal(t, "Payment", *got.Title)
	assert.Equal(t, "9007199254740993", fmt.Sprint(got.Properties["n"]), "numbers are kept exact")
	assert.NotEmpty(t, got.CreatedAt)

	_, _, err = env.c.UpsertEntity(ctx, Entity{Identifier: "x", Blueprint: "nope"}, UpsertOptions{})
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, apiErr.StatusCode)
	assert.Equal(t, "not_found", apiErr.Code)
	assert.NotEmpty(t, apiErr.Message)
	assert.Equal(t, "POST", apiErr.Method)
	assert.Equal(t, "/blueprints/nope/entities", apiErr.Path)

	_, _, err = env.c.UpsertEntity(ctx, Entity{Identifier: "x"}, UpsertOptions{})
	assert.ErrorIs(t, err, ErrValidation)
}

func TestDeleteEntities(t *testing.T) {
	env := newEnv(t, nil, func(c *Config) { c.BulkConcurrency = 3 })
	ctx := context.Background()
	mustCreateBlueprints(t, env.c, "service", "repo")
	special := []Entity{{Identifier: "a/b+c", Blueprint: "service"}, {Identifier: "d:e@x=", Blueprint: "service"}}
	all := append(append(makeEntities("service", "s", 230, 50), makeEntities("repo", "r", 20, 50)...), special...)
	res, err := env.c.UpsertEntities(ctx, all, UpsertOptions{})
	require.NoError(t, err)
	for _, r := range res {
		require.NoError(t, r.Err)
	}

	var keys []Key
	for _, e := range all[:220] {
		keys = append(keys, e.Key())
	}
	keys = append(keys, all[230].Key(), special[0].Key(), Key{Blueprint: "service", Identifier: "never-existed"}, all[0].Key())
	deleted, err := env.c.DeleteEntities(ctx, keys, DeleteOptions{DeleteDependents: true, EventType: "resync", ResyncID: "ev"})
	require.NoError(t, err)
	want := slices.Clone(keys[:222]) // the unknown id and the repeat are not reported
	assert.Equal(t, want, deleted, "only what Port deleted, in input order, each once")
	assert.Len(t, storedIDs(t, env.srv, "service"), 230+2-220-1)
	assert.Len(t, storedIDs(t, env.srv, "repo"), 19)
	// 220 service ids + 2 → 3 calls of ≤ 100; 1 repo id → 1 call.
	assert.Equal(t, 4, env.rec.count("POST", "/bulk/entities/delete", 200))

	deletedOne, err := env.c.DeleteEntity(ctx, "service", "d:e@x=", DeleteOptions{})
	require.NoError(t, err)
	assert.True(t, deletedOne)
	deletedOne, err = env.c.DeleteEntity(ctx, "service", "d:e@x=", DeleteOptions{})
	require.NoError(t, err, "404 = already deleted")
	assert.False(t, deletedOne, "not by this call")
	assert.Equal(t, 1, env.rec.count("DELETE", "/entities/d:e@x=", 404))

	_, err = env.c.DeleteEntities(ctx, []Key{{Blueprint: "service"}}, DeleteOptions{})
	assert.ErrorIs(t, err, ErrValidation)

	_, err = env.c.DeleteEntities(ctx, []Key{{Blueprint: "nope", Identifier: "x"}}, DeleteOptions{})
	assert.ErrorIs(t, err, ErrNotFound, "a failed batch is reported")
}

func TestUpsertEntitiesCancelled(t *testing.T) {
	env := newEnv(t, nil)
	mustCreateBlueprints(t, env.c, "service")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := env.c.UpsertEntities(ctx, makeEntities("service", "c", 30, 50), UpsertOptions{})
	require.ErrorIs(t, err, context.Canceled)
	for _, r := range res {
		assert.True(t, errors.Is(r.Err, context.Canceled))
	}
}
