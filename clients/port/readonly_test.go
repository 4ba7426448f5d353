package port

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A read-only client sends reads (GETs, searches, the token call) and refuses
// every write before it leaves the process.
func TestReadOnlyClientSendsOnlyReads(t *testing.T) {
	env := newEnv(t, nil, func(c *Config) { c.ReadOnly = true })
	ctx := context.Background()
	title := "Svc"
	for _, tc := range []struct {
		name  string
		call  func() error
		wrote bool
	}{
		{"get integration", func() error { _, err := env.c.GetIntegration(ctx); return ignore(err, ErrNotFound) }, false},
		{"get blueprint", func() error { _, err := env.c.GetBlueprint(ctx, "svc"); return ignore(err, ErrNotFound) }, false},
		{"search", func() error {
			_, err := env.c.SearchEntities(ctx, And(Rule{Property: "$blueprint", Operator: "=", Value: "svc"}))
			return err
		}, false},
		{"owned entities", func() error {
			for _, err := range env.c.OwnedEntities(ctx, time.Now()) {
				if err != nil {
					return err
				}
			}
			return nil
		}, false},
		{"create blueprint", func() error { _, err := env.c.CreateBlueprint(ctx, serviceBlueprint("svc")); return err }, true},
		{"upsert", func() error {
			_, _, err := env.c.UpsertEntity(ctx, Entity{Identifier: "a", Blueprint: "svc", Title: &title}, UpsertOptions{})
			return err
		}, true},
		{"delete", func() error { _, err := env.c.DeleteEntity(ctx, "svc", "a", DeleteOptions{}); return err }, true},
		{"patch resync state", func() error { _, err := env.c.PatchResyncState(ctx, ResyncState{Status: "running"}); return err }, true},
		{"delete integration", func() error { return env.c.DeleteIntegration(ctx) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if tc.wrote {
				assert.ErrorIs(t, err, ErrReadOnly)
			} else {
				assert.NoError(t, err)
			}
		})
	}
	for _, ex := range env.rec.all() {
		if ex.Method != http.MethodGet {
			assert.Contains(t, []string{"/v1/auth/access_token", "/v1/entities/search", "/v1/blueprints/entities/datasource-entities"}, ex.Path,
				"only reads reach Port")
		}
	}
	require.NotZero(t, env.rec.count(http.MethodGet, "/integration/it-fake", 0), "reads are sent")
}

func ignore(err, want error) error {
	if errors.Is(err, want) {
		return nil
	}
	return err
}
