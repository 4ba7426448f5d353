package ocean_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
)

// stdio is a file pair standing in for a non-terminal standard input and
// output; output returns what was printed.
func stdio(t *testing.T, input string) (in, out *os.File, output func() string) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in"), []byte(input), 0o600))
	in, err := os.Open(filepath.Join(dir, "in"))
	require.NoError(t, err)
	out, err = os.Create(filepath.Join(dir, "out"))
	require.NoError(t, err)
	t.Cleanup(func() { in.Close(); out.Close() })
	return in, out, func() string {
		b, err := os.ReadFile(out.Name())
		require.NoError(t, err)
		return string(b)
	}
}

func (h *harness) command(input string, app func(...ocean.Option) *ocean.App, args ...string) (string, error) {
	in, out, output := stdio(h.t, input)
	err := app(ocean.WithStdio(in, out)).Execute(context.Background(), args)
	return output(), err
}

// shop is the test integration with extra options.
func (h *harness) shop(extra ...ocean.Option) *ocean.App {
	opts := append([]ocean.Option{ocean.WithType("shop"), ocean.WithVersion("1.0.0"), ocean.WithDir(h.dir),
		ocean.WithEnviron(h.env()), ocean.WithLogOutput(h.logs)}, extra...)
	return ocean.New(opts...)
}

func TestVersionCommand(t *testing.T) {
	h := newHarness(t)
	out, err := h.command("", h.shop, "version")
	require.NoError(t, err)
	assert.Equal(t, "shop 1.0.0 (ocean-go "+ocean.FrameworkVersion()+")\n", out)

	// Type and version from spec.yaml and the environment.
	out, err = h.command("", func(o ...ocean.Option) *ocean.App {
		return ocean.New(append(o, ocean.WithDir(h.dir), ocean.WithEnviron([]string{"OCEAN__INTEGRATION__VERSION=2.0.0"}))...)
	}, "version")
	require.NoError(t, err)
	assert.Equal(t, "shop 2.0.0 (ocean-go "+ocean.Version+")\n", out, "the framework's own build reports ocean.Version")
}

func TestDefaultsDockAndClean(t *testing.T) {
	h := newHarness(t)
	_, err := h.command("", h.shop, "defaults", "dock")
	require.NoError(t, err)
	integ := h.integration()
	assert.True(t, integ.ArePortResourcesInitialized)
	assert.True(t, integ.HasConfig(), "the default mapping")
	bps := h.blueprints()
	assert.Contains(t, bps, "team")
	assert.Contains(t, bps, "member")
	assert.Empty(t, h.entities(""), "dock syncs nothing")

	// Without --force and without a terminal, clean asks nothing and deletes nothing.
	out, err := h.command("y\n", h.shop, "defaults", "clean", "--destroy")
	require.ErrorContains(t, err, "pass --force")
	assert.Empty(t, out)
	assert.Contains(t, h.blueprints(), "team")

	_, err = h.once()
	require.NoError(t, err)
	require.NotEmpty(t, h.entities("member"))
	_, err = h.command("", h.shop, "defaults", "clean", "--force", "--wait", "--destroy")
	require.NoError(t, err, "logs:\n%s", h.logs.String())
	assert.NotContains(t, h.blueprints(), "team")
	assert.NotContains(t, h.blueprints(), "member")
	assert.Empty(t, h.entities(""), "--force deletes the entities with their blueprints")
	got, err := h.port.Integration("shop-test")
	require.NoError(t, err)
	assert.Nil(t, got, "--destroy deletes the integration")
}

func (h *harness) blueprints() []string {
	h.t.Helper()
	var ids []string
	for _, id := range []string{"team", "member"} {
		if _, err := h.client().GetBlueprint(context.Background(), id); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}
