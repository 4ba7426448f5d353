package ocean

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/ocean-go/ocean/internal/lifecycle"
	"github.com/ocean-go/ocean/localport"
)

// The embedded local Port is not rate-limited, unless a limit is configured:
// a configured OCEAN__PORT__RATE_LIMIT always wins.
func TestEmbeddedLocalPortRateLimit(t *testing.T) {
	prev := localPortStarter.Load()
	t.Cleanup(func() { localPortStarter.Store(prev) })
	RegisterLocalPort(func(o LocalPortOptions) (LocalPort, error) {
		srv, err := localport.New(localport.Options{DBPath: filepath.Join(o.Dir, "port.db")})
		if err != nil {
			return nil, err
		}
		_, err = srv.Start("127.0.0.1:0")
		return srv, err
	})
	for _, tc := range []struct {
		name string
		env  []string
		want rate.Limit
	}{
		{"default", nil, rate.Inf},
		{"configured", []string{"OCEAN__PORT__RATE_LIMIT=7"}, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			a := New(WithType("shop"), WithVersion("1.0.0"), WithDir(dir),
				WithEnviron(append([]string{"OCEAN__LOCAL_PORT__DIR=" + dir}, tc.env...)))
			require.NoError(t, a.loadSettings(SailOptions{}))
			ctx, cancel := context.WithCancel(context.Background())
			a.parts = lifecycle.New(a.log)
			t.Cleanup(func() { cancel(); a.parts.Stop() })
			require.NoError(t, a.connect(ctx))
			_, err := a.client.ProvisionEnabled(ctx) // the local Port answers
			require.NoError(t, err)
			assert.Equal(t, tc.want, a.client.RateLimit())
		})
	}
}
