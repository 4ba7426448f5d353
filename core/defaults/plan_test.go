package defaults

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Plan names what Initialize would do, sending Port nothing but reads, and
// nothing once Initialize has run.
func TestPlan(t *testing.T) {
	res := loadTestdata(t)
	for _, tc := range []struct {
		name   string
		before func(t *testing.T, e *env, p Params) // what is already in Port
		change func(p *Params)
		want   []string
	}{
		{"first start", nil, nil, []string{
			"create the integration it (type fake, version 1.0.0) with the default mapping of .port/resources",
			"create the blueprints team-like, service-like",
			"create 1 actions", "create 1 scorecards", "create 1 pages",
			"mark the integration's resources initialised",
		}},
		{"initialised", func(t *testing.T, e *env, p Params) { require.NoError(t, e.initialize(t, p, res)) }, nil, nil},
		{"a new version", func(t *testing.T, e *env, p Params) { require.NoError(t, e.initialize(t, p, res)) },
			func(p *Params) { p.Version = "2.0.0"; p.IncrementalSyncEnabled = true },
			[]string{"update the integration's incrementalSyncEnabled, version"}},
		{"without resources initialisation", nil, func(p *Params) { p.InitializePortResources = false }, []string{
			"create the integration it (type fake, version 1.0.0) with the default mapping of .port/resources",
		}},
		{"origin empty", nil, func(p *Params) { p.Origin = OriginEmpty }, []string{
			"create the integration it (type fake, version 1.0.0) with an empty mapping",
			"set an empty mapping and mark the resources initialised",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			p := params("it")
			if tc.before != nil {
				tc.before(t, e, p)
			}
			if tc.change != nil {
				tc.change(&p)
			}
			e.rec.reset()
			plan, err := Plan(context.Background(), e.client(t, "it"), p, res, quiet())
			require.NoError(t, err)
			assert.Equal(t, tc.want, plan)
			assert.Empty(t, e.rec.writes(), "a plan writes nothing")
		})
	}
}
