package embedded_test

import (
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ocean "github.com/ocean-go/ocean"
)

const (
	localPortPackage = "github.com/ocean-go/ocean/localport"
	sqlitePackage    = "modernc.org/sqlite"
)

// deps lists the packages the main package in testdata/dir links.
func deps(t *testing.T, dir string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "./testdata/"+dir).Output()
	require.NoError(t, err, "go list: %s", exitStderr(err))
	return strings.Fields(string(out))
}

func TestTheLocalPortIsLinkedOnlyWhenImported(t *testing.T) {
	for _, tc := range []struct {
		main   string
		linked bool
	}{
		{main: "without", linked: false},
		{main: "with", linked: true},
	} {
		t.Run(tc.main, func(t *testing.T) {
			pkgs := deps(t, tc.main)
			require.Contains(t, pkgs, "github.com/ocean-go/ocean", "the list is of an integration")
			assert.Equal(t, tc.linked, slices.Contains(pkgs, localPortPackage), "links %s", localPortPackage)
			assert.Equal(t, tc.linked, slices.Contains(pkgs, sqlitePackage), "links %s", sqlitePackage)
			assert.Equal(t, tc.linked, slices.Contains(pkgs, ocean.EmbeddedLocalPortImport), "links %s", ocean.EmbeddedLocalPortImport)
		})
	}
}

// An integration without the import, started without Port credentials, stops
// at once and says which import would give it a local Port.
func TestWithoutTheImportStartUpNamesIt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an integration binary")
	}
	bin := filepath.Join(t.TempDir(), "without")
	build := exec.Command("go", "build", "-o", bin, "./testdata/without")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	work := t.TempDir()
	sail := exec.Command(bin, "sail", "--once")
	sail.Dir = work
	sail.Env = []string{"HOME=" + work} // no OCEAN__ variable: no credentials
	var stderr strings.Builder
	sail.Stderr = &stderr
	err = sail.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "start-up fails")
	assert.Contains(t, stderr.String(), `import _ "`+ocean.EmbeddedLocalPortImport+`"`)
	assert.Contains(t, stderr.String(), "OCEAN__PORT__CLIENT_ID")
	assert.NoDirExists(t, filepath.Join(work, ".ocean"), "nothing was created")
}

func exitStderr(err error) string {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(exit.Stderr)
	}
	return ""
}
