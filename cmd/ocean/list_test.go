package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
}

func TestFindIntegrations(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"github/.port/spec.yaml":           "type: github\n",
		"github/main.go":                   "package main\n\nconst version = \"1.4.0\"\n\nfunc main() { ocean.New(ocean.WithVersion(version)) }\n",
		"jira/.port/spec.yml":              "type: jira\n",
		"jira/main.go":                     "package main\n\nfunc main() { ocean.New(ocean.WithType(\"jira\"), ocean.WithVersion(\"0.2.0-beta\")) }\n",
		"nested/gitlab/.port/spec.json":    `{"type": "gitlab"}`,
		"nested/gitlab/.env":               "OCEAN__PORT__CLIENT_ID=x\nOCEAN__INTEGRATION__VERSION=\"3.0.0\"\n",
		"noversion/.port/spec.yaml":        "type: plain\n",
		"noversion/main.go":                "package main\n\nfunc main() { ocean.New(ocean.WithVersion(os.Getenv(\"V\"))) }\n",
		"notes/README.md":                  "not an integration\n",
		"testdata/skipped/.port/spec.yaml": "type: skipped\n",
		".hidden/.port/spec.yaml":          "type: hidden\n",
		"github/sub/.port/spec.yaml":       "type: inside-another\n",
	})
	got, err := findIntegrations(root)
	require.NoError(t, err)
	assert.Equal(t, []integration{
		{Type: "github", Version: "1.4.0", Path: filepath.Join(root, "github")},
		{Type: "jira", Version: "0.2.0-beta", Path: filepath.Join(root, "jira")},
		{Type: "gitlab", Version: "3.0.0", Path: filepath.Join(root, "nested", "gitlab")},
		{Type: "plain", Version: "-", Path: filepath.Join(root, "noversion")},
	}, got)
}

func TestListCmd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string
		want    string
		wantErr string
	}{
		{"one integration", map[string]string{".port/spec.yaml": "type: shop\n", "main.go": "package main\n\nvar _ = ocean.WithVersion(\"1.0.0\")\n"},
			"TYPE  VERSION  PATH\nshop  1.0.0    DIR\n", ""},
		{"none", map[string]string{"main.go": "package main\n"}, "No integrations under DIR (no .port/spec.yaml found)\n", ""},
		{"an invalid spec", map[string]string{".port/spec.yaml": "type: [\n"}, "", "DIR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tc.files)
			out, _, err := runOcean(t, "", "list", dir)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, dir)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, strings.ReplaceAll(tc.want, "DIR", dir), out)
		})
	}
	out, _, err := runOcean(t, "", "list", filepath.Join("..", "..", "integrations"))
	require.NoError(t, err)
	assert.Contains(t, out, "fake-integration  0.1.0", "the repository's fake integration")
}
