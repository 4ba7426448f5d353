package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadSpec(t *testing.T) {
	spec, err := LoadSpec("testdata/integration")
	require.NoError(t, err)
	assert.Equal(t, "example", spec.Type)
	assert.Equal(t, "Example", spec.Title)
	assert.False(t, spec.Saas.Enabled)
	require.Len(t, spec.Features, 1)
	assert.Equal(t, []FeatureResource{{Kind: "project"}, {Kind: "issue"}}, spec.Features[0].Resources)
	require.Len(t, spec.Configurations, 7)
	assert.Equal(t, ConfigurationSpec{Name: "apiToken", Type: "string", Required: true, Sensitive: true, Description: "Token of the example API",
		line: 12, lines: map[string]int{"name": 12, "type": 13, "required": 14, "sensitive": 15, "description": 16}}, spec.Configurations[0])

	none, err := LoadSpec(t.TempDir())
	require.NoError(t, err)
	assert.Nil(t, none)
}

// A bad default is reported on the line of the default itself, not of the
// configuration's first key.
func TestSpecDefaultErrorLine(t *testing.T) {
	_, err := Load(LoadOptions{Dir: "testdata/baddefault", DefaultVersion: "0.1.0", Environ: []string{}})
	require.Error(t, err)
	assert.Equal(t, `config: configurations[1].default (.port/spec.yaml line 12): expected an integer, got "ten"`, err.Error())
}

func TestSpecFileNames(t *testing.T) {
	for _, tc := range []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{".port/spec.json": `{"type": "from-json"}`, ".port/spec.yaml": "type: from-yaml"}, "from-json"},
		{map[string]string{".port/spec.yml": "type: from-yml"}, "from-yml"},
		{map[string]string{".port/spec.yaml": "type: from-yaml\n", ".port/spec.yml": "type: from-yml"}, "from-yaml"},
	} {
		s := setup{files: tc.files}.mustLoad(t)
		assert.Equal(t, tc.want, s.Spec.Type)
		assert.True(t, s.Spec.Saas.Enabled, "saas is enabled unless the spec says otherwise")
	}
}

func TestIntegrationConfigFromSpec(t *testing.T) {
	spec := map[string]string{".port/spec.yaml": `
configurations:
  - name: apiToken
    type: string
    required: true
  - name: apiUrl
    type: url
    default: https://api.example.com/
  - name: entityAmount
    type: integer
    default: "10"
  - name: ratio
    type: number
  - name: verbose
    type: boolean
    required: true
    default: "yes"
  - name: labels
    type: object
  - name: projects
    type: array
  - name: optional
    type: string
`}
	withYAML := func(y string) map[string]string {
		return map[string]string{".port/spec.yaml": spec[".port/spec.yaml"], "config.yaml": y}
	}
	for _, tc := range []struct {
		name string
		c    setup
		want map[string]any
	}{
		{"defaults applied and coerced, url stripped", setup{files: spec, env: []string{"OCEAN__INTEGRATION__CONFIG__API_TOKEN=tok"}},
			map[string]any{"apiToken": "tok", "apiUrl": "https://api.example.com", "entityAmount": 10, "verbose": true}},
		{"env keys map to spec names", setup{files: spec, env: []string{
			"OCEAN__INTEGRATION__CONFIG__API_TOKEN=tok",
			"ocean__integration__config__entity_amount=3",
			"OCEAN__INTEGRATION__CONFIG__RATIO=0.5",
			"OCEAN__INTEGRATION__CONFIG__VERBOSE=off",
			"OCEAN__INTEGRATION__CONFIG__APIURL=https://other.example.com/v2/",
		}}, map[string]any{"apiToken": "tok", "apiUrl": "https://other.example.com/v2", "entityAmount": 3, "ratio": 0.5, "verbose": false}},
		{"objects and arrays decoded from JSON strings", setup{files: spec, env: []string{
			"OCEAN__INTEGRATION__CONFIG__API_TOKEN=tok",
			`OCEAN__INTEGRATION__CONFIG__LABELS={"team":"a"}`,
			`OCEAN__INTEGRATION__CONFIG__PROJECTS=["p1","p2"]`,
		}}, map[string]any{"apiToken": "tok", "apiUrl": "https://api.example.com", "entityAmount": 10, "verbose": true,
			"labels": map[string]any{"team": "a"}, "projects": []any{"p1", "p2"}}},
		{"objects and arrays from config.yaml, unknown keys dropped", setup{files: withYAML(`
integration:
  config:
    apiToken: 12345
    ratio: 2
    labels: {team: b}
    projects: [x]
    notDeclared: dropped
`)}, map[string]any{"apiToken": "12345", "apiUrl": "https://api.example.com", "entityAmount": 10, "ratio": 2.0, "verbose": true,
			"labels": map[string]any{"team": "b"}, "projects": []any{"x"}}},
		{"nested env keys build an object", setup{files: spec, env: []string{
			"OCEAN__INTEGRATION__CONFIG__API_TOKEN=tok",
			"OCEAN__INTEGRATION__CONFIG__LABELS__TEAM=c",
		}}, map[string]any{"apiToken": "tok", "apiUrl": "https://api.example.com", "entityAmount": 10, "verbose": true,
			"labels": map[string]any{"team": "c"}}},
		{"env wins over config.yaml across spellings", setup{files: withYAML("integration:\n  config:\n    apiToken: yaml\n"),
			env: []string{"OCEAN__INTEGRATION__CONFIG__API_TOKEN=env"}},
			map[string]any{"apiToken": "env", "apiUrl": "https://api.example.com", "entityAmount": 10, "verbose": true}},
		{"YAML number text kept for a string", setup{files: withYAML("integration:\n  config:\n    apiToken: 1.10\n")},
			map[string]any{"apiToken": "1.10", "apiUrl": "https://api.example.com", "entityAmount": 10, "verbose": true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.c.mustLoad(t).Integration.Config)
		})
	}
}

func TestDecodeIntegrationConfig(t *testing.T) {
	type exampleConfig struct {
		APIToken     string         `json:"apiToken"`
		APIURL       string         `json:"apiUrl"`
		EntityAmount int            `json:"entityAmount"`
		Ratio        float64        `json:"ratio"`
		Verbose      bool           `json:"verbose"`
		Labels       map[string]any `json:"labels"`
		Projects     []string       `json:"projects"`
	}
	s, err := Load(LoadOptions{Dir: "testdata/integration", DefaultVersion: "0.1.0", Environ: []string{
		"OCEAN__INTEGRATION__CONFIG__API_TOKEN=tok",
		`OCEAN__INTEGRATION__CONFIG__PROJECTS=["a"]`,
		"OCEAN__INTEGRATION__CONFIG__RATIO=1.5",
	}})
	require.NoError(t, err)
	cfg, err := DecodeIntegrationConfig[exampleConfig](s)
	require.NoError(t, err)
	assert.Equal(t, exampleConfig{
		APIToken: "tok", APIURL: "https://example.internal/api", EntityAmount: 5, Ratio: 1.5, Verbose: true, Projects: []string{"a"},
	}, cfg)

	var wrong struct {
		APIToken int `json:"apiToken"`
	}
	err = s.DecodeIntegrationConfig(&wrong)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "tok")
}
