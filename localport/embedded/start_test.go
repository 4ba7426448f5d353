package embedded

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ocean "github.com/ocean-go/ocean"
)

func TestStartServesFromItsDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", ".ocean")
	srv, err := start(ocean.LocalPortOptions{Dir: dir})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	assert.FileExists(t, filepath.Join(dir, "port.db"), "the directory is created")

	resp, err := http.Post(srv.URL()+"/v1/auth/access_token", "application/json", strings.NewReader(`{"clientId":"id","clientSecret":"secret"}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "it serves Port's API")
}

func TestStartFailsWhenItsDirCannotBeMade(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err := start(ocean.LocalPortOptions{Dir: filepath.Join(file, ".ocean")})
	assert.Error(t, err)
}
