package defaults

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/clients/port"
)

func TestClean(t *testing.T) {
	res := loadTestdata(t)
	title := "A team"
	for _, tc := range []struct {
		name        string
		opts        CleanOptions
		withEntity  bool
		wantErr     string
		wantBPs     bool // the default blueprints are still there
		wantInteg   bool // the integration is still there
		wantEntries []string
	}{
		{name: "blueprints without entities", opts: CleanOptions{}, wantInteg: true,
			wantEntries: []string{"DELETE /v1/blueprints/service-like", "DELETE /v1/blueprints/team-like"}},
		{name: "a blueprint with entities needs force", withEntity: true, wantErr: "with --force its entities go too",
			wantBPs: true, wantInteg: true,
			wantEntries: []string{"DELETE /v1/blueprints/service-like", "DELETE /v1/blueprints/team-like"}},
		{name: "force waits and destroys", withEntity: true, opts: CleanOptions{Force: true, Wait: true, Destroy: true, WaitEvery: time.Millisecond},
			wantEntries: []string{"DELETE /v1/blueprints/service-like/all-entities", "DELETE /v1/blueprints/team-like/all-entities",
				"DELETE /v1/integration/it"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.client(t, "it")
			require.NoError(t, Initialize(context.Background(), c, params("it"), res, quiet()))
			if tc.withEntity {
				_, _, err := c.UpsertEntity(context.Background(), port.Entity{Identifier: "red", Blueprint: "team-like", Title: &title}, port.UpsertOptions{})
				require.NoError(t, err)
			}
			e.rec.reset()
			err := Clean(context.Background(), c, res, tc.opts, quiet())
			if tc.wantErr != "" {
				assert.ErrorContains(t, err, tc.wantErr)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, tc.wantEntries, e.rec.writes())
			assert.Equal(t, tc.wantBPs, e.blueprint(t, "team-like") != nil, "team-like still in Port")
			_, gerr := e.client(t, "it").GetIntegration(context.Background())
			assert.Equal(t, tc.wantInteg, gerr == nil, "the integration still in Port: %v", gerr)
		})
	}
}

func TestCleanWithoutIntegrationDoesNothing(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, Clean(context.Background(), e.client(t, "none"), loadTestdata(t), CleanOptions{Force: true, Destroy: true}, quiet()))
	assert.Empty(t, e.rec.writes())
}

func TestDeleteOrder(t *testing.T) {
	rel := func(id string, targets ...string) map[string]any {
		rels := map[string]any{}
		for _, tg := range targets {
			rels["to-"+tg] = map[string]any{"target": tg}
		}
		return map[string]any{"identifier": id, "relations": rels}
	}
	for _, tc := range []struct {
		name string
		bps  []map[string]any
		want []string
	}{
		{"no relations: reverse file order", []map[string]any{rel("a"), rel("b")}, []string{"b", "a"}},
		{"a dependent listed first", []map[string]any{rel("svc", "team"), rel("team")}, []string{"svc", "team"}},
		{"a chain", []map[string]any{rel("pod", "deploy"), rel("team"), rel("deploy", "team")}, []string{"pod", "deploy", "team"}},
		{"a cycle", []map[string]any{rel("a", "b"), rel("b", "a")}, []string{"b", "a"}},
		{"self relation", []map[string]any{rel("person", "person")}, []string{"person"}},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, deleteOrder(tc.bps)) })
	}
}
