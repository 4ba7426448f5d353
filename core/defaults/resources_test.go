package defaults

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadReadsEveryKind(t *testing.T) {
	res, err := Load(filepath.Join("testdata", "resources"))
	require.NoError(t, err)

	assert.Equal(t, []string{"team-like", "service-like"}, res.BlueprintIDs())
	// Unknown keys and big numbers reach Port unchanged.
	out, err := json.Marshal(res.Blueprints[0]["someFutureKey"])
	require.NoError(t, err)
	assert.JSONEq(t, `{"kept": true, "big": 12345678901234567890}`, string(out))
	assert.Contains(t, string(out), "12345678901234567890")

	require.Len(t, res.Actions, 1)
	assert.Equal(t, "restart", res.Actions[0]["identifier"])
	require.Len(t, res.Scorecards, 1)
	assert.Equal(t, "service-like", res.Scorecards[0].Blueprint)
	require.Len(t, res.Scorecards[0].Data, 1)
	assert.Equal(t, "readiness", res.Scorecards[0].Data[0]["identifier"])
	require.Len(t, res.Pages, 1)

	require.NotNil(t, res.PortAppConfig)
	assert.Equal(t, false, res.PortAppConfig["createMissingRelatedEntities"])
	// The request form fills in Ocean's defaults and keeps what the file set.
	req := requestMapping(res.PortAppConfig)
	assert.Equal(t, false, req["createMissingRelatedEntities"])
	assert.Equal(t, true, req["deleteDependentEntities"])
	assert.Equal(t, 0.9, req["entityDeletionThreshold"])
	assert.Len(t, req["resources"], 1)
}

func TestLoadMissingDirectoryIsEmpty(t *testing.T) {
	res, err := Load(filepath.Join(t.TempDir(), "nope"))
	require.NoError(t, err)
	assert.True(t, res.Empty())
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		file  string // the file the error must name
		want  string // and a hint of what is wrong
	}{
		{"unsupported extension", map[string]string{"blueprints.txt": "[]"}, "blueprints.txt", "unsupported file type"},
		{"no extension", map[string]string{"pages": "[]"}, "pages", "unsupported file type"},
		{"stem twice", map[string]string{"actions.json": "[]", "actions.yaml": "[]"}, "actions.", "also defined by"},
		{"invalid JSON", map[string]string{"blueprints.json": `[{"identifier": "x",`}, "blueprints.json", "want a list of objects"},
		{"not a list", map[string]string{"blueprints.json": `{"identifier": "x"}`}, "blueprints.json", "want a list of objects"},
		{"trailing data", map[string]string{"pages.json": `[] []`}, "pages.json", "after the first JSON value"},
		{"blueprint without identifier", map[string]string{"blueprints.yml": "- title: X\n"}, "blueprints.yml", "entry 0: missing identifier"},
		{"invalid YAML", map[string]string{"port-app-config.yaml": "resources: [\n"}, "port-app-config.yaml", "invalid YAML"},
		{"invalid YAML at its line", map[string]string{"port-app-config.yml": "resources:\n  - kind: a\n    selector:\n      query: 'true'\n     port: {}\n"},
			"port-app-config.yml", "invalid YAML: line 5: did not find expected key"},
		{"mapping not an object", map[string]string{"port-app-config.json": `[1]`}, "port-app-config.json", "port app config"},
		{"invalid mapping", map[string]string{"port-app-config.yml": "resources: 3\n"}, "port-app-config.yml", "invalid port app config"},
		{"scorecards without blueprint", map[string]string{"scorecards.json": `[{"data": []}]`}, "scorecards.json", "missing blueprint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
			}
			_, err := Load(dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), filepath.Join(dir, tt.file))
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoadIgnoresOtherFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "blueprints"), 0o755))
	res, err := Load(dir)
	require.NoError(t, err)
	assert.True(t, res.Empty())
}

// The port app config's own error already says what it is: Load adds the file,
// not a second "invalid port app config:".
func TestLoadInvalidMappingIsNamedOnce(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"validation", "resources: 3\n", "invalid port app config: resources: must be a list, got number"},
		{"two problems", "resources:\n  - kind: a\n  - {}\n",
			"invalid port app config: resources[0].selector: required; resources[0].port: required; " +
				"resources[1].kind: required; resources[1].selector: required; resources[1].port: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "port-app-config.yml")
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o644))
			_, err := Load(dir)
			require.Error(t, err)
			assert.Equal(t, "defaults: "+path+": "+tt.want, err.Error())
		})
	}
}
