package ocean_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
)

// logPort replaces the harness's Port with one whose request log the test
// reads; writes counts the requests since reset that change something.
func (h *harness) logPort() (writes func() []string, reset func()) {
	log, hook := logtest.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	h.port = localporttest.Start(h.t, func(o *localport.Options) { o.Logger = log })
	writes = func() []string {
		var out []string
		for _, e := range hook.AllEntries() {
			if e.Message != "local port request" {
				continue
			}
			method, path := e.Data["method"].(string), e.Data["path"].(string)
			read := method == http.MethodGet || path == "/v1/auth/access_token" ||
				strings.HasSuffix(path, "/search") || strings.HasSuffix(path, "/datasource-entities")
			if !read {
				out = append(out, method+" "+path)
			}
		}
		return out
	}
	return writes, hook.Reset
}

// portContent is everything a dry run must leave as it was: the entities
// and the integration (its mapping, resync state, version).
func (h *harness) portContent() (entities []map[string]any, integration map[string]any) {
	h.t.Helper()
	entities, err := h.port.Entities("")
	require.NoError(h.t, err)
	integration, err = h.port.Integration("shop-test")
	require.NoError(h.t, err)
	return entities, integration
}

func (h *harness) dryRun() string {
	h.t.Helper()
	app := h.newApp()
	var out bytes.Buffer
	err := app.Sail(context.Background(), ocean.SailOptions{DryRun: true, Port: new(int), SummaryOut: &out})
	require.NoError(h.t, err, "logs:\n%s", h.logs.String())
	return out.String()
}

func TestDryRun(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before func(h *harness) // what already happened in Port
		want   []string         // lines of the plan
		absent []string
	}{
		{
			name: "first start: the defaults would be created, every entity too",
			want: []string{
				"  create the integration shop-test (type shop, version 1.0.0) with the default mapping of .port/resources\n",
				"  create the blueprints team, member\n",
				"team → team\n  create 2: red, blue\n",
				"member → member\n  create 3: ann, bob, cid\n",
				"would create 5, update 0, delete 0",
			},
		},
		{
			name: "later: what changed in the source",
			before: func(h *harness) {
				_, err := h.once()
				require.NoError(h.t, err)
				h.src.set("member",
					map[string]any{"id": "ann", "name": "Ann", "email": "ann@shop.test", "age": 31, "team": "red"},
					map[string]any{"id": "bob", "name": "Robert", "email": "bob@shop.test", "age": 1.1, "team": "blue"},
					map[string]any{"id": "dan", "name": "Dan", "email": "dan@shop.test", "team": "blue"},
				)
			},
			want: []string{
				"Port: the integration and its defaults are in place\n",
				"team → team\n  2 extracted, 2 unchanged\n",
				"member → member\n  create 1: dan\n  update 1: bob\n  delete 1: cid\n  3 extracted, 1 unchanged\n",
				"would create 1, update 1, delete 1",
				"nothing was written to Port",
			},
			absent: []string{"create the integration"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			writes, reset := h.logPort()
			if tc.before != nil {
				tc.before(h)
			}
			entities, integration := h.portContent()
			reset()

			plan := h.dryRun()
			for _, w := range tc.want {
				assert.Contains(t, plan, w)
			}
			for _, a := range tc.absent {
				assert.NotContains(t, plan, a)
			}
			assert.Empty(t, writes(), "write requests sent to Port")
			afterEntities, afterIntegration := h.portContent()
			assert.Equal(t, entities, afterEntities, "entities unchanged")
			assert.Equal(t, integration, afterIntegration, "the integration (mapping, resync state) unchanged")
		})
	}
}

func TestDryRunFlagImpliesOnce(t *testing.T) {
	h := newHarness(t)
	writes, _ := h.logPort()
	in, out, printed := stdio(t, "")
	app := ocean.New(ocean.WithType("shop"), ocean.WithVersion("1.0.0"), ocean.WithDir(h.dir), ocean.WithStdio(in, out),
		ocean.WithEnviron(h.env("OCEAN__EVENT_LISTENER__TYPE=POLLING")), ocean.WithLogOutput(h.logs))
	app.OnResyncAll(h.src.handler)
	require.NoError(t, app.Execute(context.Background(), []string{"sail", "--dry-run", "--port", "0"}),
		"a dry run ends after its resync, whatever the listener")
	assert.Empty(t, writes())
	assert.Equal(t, 5, app.LastSummary().Totals().Created, "the plan of a first start")
	assert.Contains(t, printed(), "nothing was written to Port")
	assert.NotContains(t, printed(), "\x1b", "off a terminal, no live progress")
}
