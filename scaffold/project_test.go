package scaffold_test

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/scaffold"
)

// A generated project, pointed at this checkout, builds, passes its own
// tests and syncs its sample data into the embedded local Port, without
// Port credentials: what a new author does first.
func TestAGeneratedProjectBuildsTestsAndSails(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a project: not with -short")
	}
	dir := filepath.Join(t.TempDir(), "demo")
	_, err := scaffold.Generate(scaffold.Options{Name: "demo", Dir: dir, Framework: ".."})
	require.NoError(t, err)

	goCmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = withoutPortCredentials(os.Environ())
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
		return string(out)
	}
	goCmd("mod", "tidy")
	goCmd("vet", "./...")
	tests := goCmd("test", "-count=1", "./...")
	assert.Contains(t, tests, "ok  \texample.com/demo", "the project's own test ran and passed")
	sail := goCmd("run", ".", "sail", "--once")
	assert.Regexp(t, `example-kind\s+25\s+0\s+25\s`, sail, "the 25 sample items are created")
	assert.Contains(t, sail, "completed")
	_, err = os.Stat(filepath.Join(dir, ".ocean", "port.db"))
	assert.NoError(t, err, "the embedded local Port keeps its data in the project")

	// The Dockerfile's build command makes a static binary that runs.
	bin := filepath.Join(t.TempDir(), "demo")
	build := dockerBuild(t, filepath.Join(dir, "Dockerfile"), bin)
	cmd := exec.Command("sh", "-c", build)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s:\n%s", build, out)
	f, err := elf.Open(bin)
	require.NoError(t, err)
	defer f.Close()
	for _, p := range f.Progs {
		assert.NotEqual(t, elf.PT_INTERP, p.Type, "a static binary has no dynamic loader")
	}
	version, err := exec.Command(bin, "version").CombinedOutput()
	require.NoError(t, err, "%s", version)
	assert.Contains(t, string(version), "demo 0.1.0")
}

// dockerBuild is the go build command of the Dockerfile's RUN line, writing
// to bin rather than /out/.
func dockerBuild(t *testing.T, dockerfile, bin string) string {
	t.Helper()
	text, err := os.ReadFile(dockerfile)
	require.NoError(t, err)
	_, run, ok := strings.Cut(strings.ReplaceAll(string(text), "\\\n", " "), "CGO_ENABLED=0 go build")
	require.True(t, ok, "the Dockerfile builds with CGO_ENABLED=0 go build")
	line, _, _ := strings.Cut(run, "\n")
	fields := strings.Fields(line)
	for i, f := range fields {
		if f == "-o" && i+1 < len(fields) {
			fields[i+1] = bin
		}
	}
	return "CGO_ENABLED=0 go build " + strings.Join(fields, " ")
}

// withoutPortCredentials is env without the variables that would point the
// project at a real Port.
func withoutPortCredentials(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "OCEAN__") && !strings.HasPrefix(kv, "APPLICATION__") {
			out = append(out, kv)
		}
	}
	return out
}
