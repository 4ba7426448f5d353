package ocean_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/logging"
)

// Mappings read env and $ENV only through OCEAN__ALLOWED_ENV_VARS, and never
// a secret's value: a mapping must not be a way to copy the process
// environment into Port.
func TestMappingEnvIsClosedUnlessAllowed(t *testing.T) {
	const (
		token   = "tok-abcdefghijklmnopqrstuvwxyz" // the spec's sensitive apiToken
		runtime = "runtime-secret-0123456789"      // registered with the logger by a hook
	)
	tests := []struct {
		name      string
		env       []string
		title     any // env.SHOP_REGION
		teamName  any // $ENV.SHOP_DB
		otherName any // env.OTHER
	}{
		{"closed by default", []string{"SHOP_REGION=eu", "SHOP_DB=postgres://u:sekrit@db/x", "OTHER=o"}, "closed", "closed", "closed"},
		{"allowed names and globs", []string{"OCEAN__ALLOWED_ENV_VARS=OTHER,SHOP_*", "SHOP_REGION=eu", "SHOP_DB=db", "OTHER=o"}, "eu", "db", "o"},
		{"a JSON list", []string{`OCEAN__ALLOWED_ENV_VARS=["SHOP_REGION"]`, "SHOP_REGION=eu", "SHOP_DB=db", "OTHER=o"}, "eu", "closed", "closed"},
		{"a config secret is never visible", []string{"OCEAN__ALLOWED_ENV_VARS=*", "SHOP_REGION=eu", "SHOP_DB=" + token, "OTHER=x" + token}, "eu", "closed", "closed"},
		{"a secret registered at runtime is never visible", []string{"OCEAN__ALLOWED_ENV_VARS=SHOP_*", "SHOP_REGION=eu", "SHOP_DB=" + runtime}, "eu", "closed", "closed"},
		{"the Ocean switch still closes env", []string{"OCEAN__ALLOW_ENVIRONMENT_VARIABLES_JQ_ACCESS=false", "OCEAN__ALLOWED_ENV_VARS=*", "SHOP_REGION=eu"}, "closed", "closed", "closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			writeFile(t, filepath.Join(h.dir, ".port", "resources", "port-app-config.yml"), `
resources:
  - kind: team
    selector: {query: 'true'}
    port:
      entity:
        mappings:
          identifier: .id
          title: env.SHOP_REGION // "closed"
          blueprint: '"team"'
          properties: {name: 'if .id == "red" then ($ENV.SHOP_DB // "closed") else (env.OTHER // "closed") end'}
`)
			app := ocean.New(ocean.WithType("shop"), ocean.WithVersion("1.0.0"), ocean.WithDir(h.dir),
				ocean.WithEnviron(h.env(tt.env...)), ocean.WithLogOutput(h.logs))
			app.OnResync("team", h.src.handler)
			app.OnStart(func(context.Context) error {
				logging.AddSecrets(app.Logger().(*logrus.Logger), runtime)
				return nil
			})
			zero := 0
			require.NoError(t, app.Sail(context.Background(), ocean.SailOptions{Once: true, Port: &zero, SummaryOut: &bytes.Buffer{}}))
			teams := h.entities("team")
			require.Len(t, teams, 2)
			assert.Equal(t, tt.title, teams["red"]["title"])
			assert.Equal(t, tt.teamName, teams["red"]["properties"].(map[string]any)["name"])
			assert.Equal(t, tt.otherName, teams["blue"]["properties"].(map[string]any)["name"])
			assert.False(t, strings.Contains(h.logs.String(), "sekrit"))
		})
	}
}
