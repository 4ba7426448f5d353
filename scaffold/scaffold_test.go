package scaffold

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden project under testdata/")

// golden is the project the golden files hold.
var golden = Options{Name: "Demo", Description: "A demo integration: syncs its API's items into Port."}

// The generated project is exactly testdata/demo: a change to the templates
// shows up as a diff of the golden files (go test ./scaffold -update).
func TestGenerateMatchesTheGoldenProject(t *testing.T) {
	o := golden
	o.Dir = t.TempDir()
	p, err := Generate(o)
	require.NoError(t, err)
	want := filepath.Join("testdata", "demo")
	if *update {
		require.NoError(t, os.RemoveAll(want))
		require.NoError(t, os.CopyFS(want, os.DirFS(p.Dir)))
	}
	var goldenFiles []string
	require.NoError(t, filepath.WalkDir(want, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(want, path)
			goldenFiles = append(goldenFiles, filepath.ToSlash(rel))
		}
		return err
	}))
	assert.ElementsMatch(t, goldenFiles, p.Files, "the files of the golden project")
	for _, f := range p.Files {
		got, err := os.ReadFile(filepath.Join(p.Dir, f))
		require.NoError(t, err)
		exp, err := os.ReadFile(filepath.Join(want, f))
		require.NoError(t, err, "run go test ./scaffold -update after changing the templates")
		assert.Equal(t, string(exp), string(got), "%s drifted from the golden project (go test ./scaffold -update)", f)
	}
}

func TestGenerate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  Options
		setup func(t *testing.T, dir string)
		err   string
		check func(t *testing.T, p *Project)
	}{
		{name: "slug and module from the name", opts: Options{Name: "My Tool 2"}, check: func(t *testing.T, p *Project) {
			assert.Equal(t, "my-tool-2", p.Slug)
			assertFileContains(t, p, "go.mod", "module example.com/my-tool-2")
			assertFileContains(t, p, ".port/spec.yaml", "type: my-tool-2\ntitle: \"My Tool 2\"")
		}},
		{name: "a description YAML would misread is quoted", opts: Options{Name: "x", Description: `a: b # "c"`},
			check: func(t *testing.T, p *Project) {
				assertFileContains(t, p, ".port/spec.yaml", `description: "a: b # \"c\""`)
			}},
		{name: "a framework checkout is replaced in", opts: Options{Name: "x", Framework: ".."}, check: func(t *testing.T, p *Project) {
			abs, _ := filepath.Abs("..")
			assertFileContains(t, p, "go.mod", "replace github.com/ocean-go/ocean => "+filepath.ToSlash(abs))
		}},
		{name: "not a checkout", opts: Options{Name: "x", Framework: "."}, err: "is not a checkout of ocean-go"},
		{name: "no name", opts: Options{Name: " -- "}, err: "needs a name"},
		{name: "a directory in use", opts: Options{Name: "x"}, setup: func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "keep.txt"), nil, 0o644))
		}, err: "is not empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			tc.opts.Dir = dir
			p, err := Generate(tc.opts)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			tc.check(t, p)
		})
	}
}

func assertFileContains(t *testing.T, p *Project, name, want string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(p.Dir, name))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(b), want), "%s holds %q:\n%s", name, want, b)
}
