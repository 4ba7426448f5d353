package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files of ocean map")

// runOcean runs the command tree in-process.
func runOcean(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err = root.Execute()
	return out.String(), errOut.String(), err
}

func mapFixture(name string) string { return filepath.Join("testdata", "map", name) }

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := mapFixture(name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "golden file %s (go test -update to rewrite)", path)
}

func TestMapGolden(t *testing.T) {
	people, err := os.ReadFile(mapFixture("people.json"))
	require.NoError(t, err)
	tests := []struct {
		name  string
		input string
		stdin string
	}{
		{"json", mapFixture("people.json"), ""},
		{"jsonl", mapFixture("people.jsonl"), ""},
		{"stdin", "-", string(people)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runOcean(t, tt.stdin, "map",
				"--mapping", mapFixture("port-app-config.yml"), "--kind", "fake-person",
				"--input", tt.input, "--blueprints", mapFixture("blueprints.json"))
			require.EqualError(t, err, "2 item(s) failed", "p4's selector and p3's itemsToParse fail")
			golden(t, "people.stdout", stdout)
			golden(t, "people.stderr", stderr)
		})
	}
}

func TestMapOneObjectWithoutBlueprints(t *testing.T) {
	stdout, stderr, err := runOcean(t, `{"id": "d9"}`, "map",
		"--mapping", mapFixture("port-app-config.yml"), "--kind", "fake-department", "--input", "-")
	require.NoError(t, err)
	assert.Equal(t, `{"identifier":"d9","blueprint":"fake-department"}`+"\n", stdout)
	assert.Equal(t, "resource 0 (kind fake-department): 1 item(s): 1 entity, 0 filtered out, 0 skipped, 0 failed\n", stderr)
}

func TestMapErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	badMapping := write("bad.yml", "resources:\n  - kind: x\n    selector: {}\n")
	badSelector := write("selector.yml", "resources:\n  - kind: x\n    selector: {query: '.a =='}\n    port: {entity: {mappings: {identifier: .id, blueprint: '\"b\"'}}}\n")
	badField := write("field.yml", "resources:\n  - kind: x\n    selector: {query: 'true'}\n    port: {entity: {mappings: {identifier: .id | tostrin, blueprint: '\"b\"'}}}\n")
	badJSONL := write("bad.jsonl", "{\"id\": 1}\n\n{\"id\": \n")
	badJSON := write("bad.json", "[{\"id\": 1},\n {\"id\": }]")
	mapping := mapFixture("port-app-config.yml")
	people := mapFixture("people.json")

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing flags", []string{"map"}, `required flag(s) "input", "kind", "mapping" not set`},
		{"no mapping file", []string{"map", "--mapping", filepath.Join(dir, "nope.yml"), "--kind", "k", "--input", people}, "mapping: open"},
		{"invalid mapping", []string{"map", "--mapping", badMapping, "--kind", "x", "--input", people},
			"resources[0].selector.query: required"},
		{"kind not found", []string{"map", "--mapping", mapping, "--kind", "nope", "--input", people},
			`kind "nope" is not in ` + mapping + ` (kinds: fake-department, fake-person)`},
		{"selector does not compile", []string{"map", "--mapping", badSelector, "--kind", "x", "--input", people},
			`resource 0 (kind x): selector.query ".a ==": parse: unexpected EOF`},
		{"field does not compile", []string{"map", "--mapping", badField, "--kind", "x", "--input", people},
			`resource 0 (kind x): identifier ".id | tostrin": compile: function not defined: tostrin/0`},
		{"bad jsonl", []string{"map", "--mapping", mapping, "--kind", "fake-person", "--input", badJSONL},
			"bad.jsonl: line 3: unexpected EOF"},
		{"bad json", []string{"map", "--mapping", mapping, "--kind", "fake-person", "--input", badJSON},
			"bad.json: line 2: invalid character '}'"},
		{"bad --allow-env glob", []string{"map", "--mapping", mapping, "--kind", "fake-person", "--input", people, "--allow-env", "A,MY_["},
			`env access: the settings of the current directory name the secrets to hide: config: allowed_env_vars (override): expected a comma-separated list of variable names or globs (MY_*), got "MY_["`},
		{"bad blueprints", []string{"map", "--mapping", mapping, "--kind", "fake-person", "--input", people, "--blueprints", people},
			"entry 0 has no identifier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := runOcean(t, "", tt.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, stdout)
		})
	}
}

// env and $ENV are {} in `ocean map` unless allowed, and a secret of the
// integration's settings stays hidden even then.
func TestMapEnvAccess(t *testing.T) {
	const token = "tok-0123456789abcdefghij" // the spec's sensitive apiToken
	tests := []struct {
		name  string
		env   []string
		flags []string
		want  string // the entity's properties
	}{
		{"closed by default", nil, nil, `{"dollar":null,"keys":[],"other":null,"region":null}`},
		{"--allow-env names and globs", nil, []string{"--allow-env", "MAPTEST_REGION,MAPTEST_MY_*"},
			`{"dollar":"eu","keys":["MAPTEST_MY_A","MAPTEST_MY_B","MAPTEST_REGION"],"other":null,"region":"eu"}`},
		{"OCEAN__ALLOWED_ENV_VARS", []string{"OCEAN__ALLOWED_ENV_VARS=MAPTEST_OTHER"}, nil,
			`{"dollar":null,"keys":["MAPTEST_OTHER"],"other":"o","region":null}`},
		{"a secret is never visible", []string{"MAPTEST_MY_B=" + token}, []string{"--allow-env", "MAPTEST_*"},
			`{"dollar":"eu","keys":["MAPTEST_MY_A","MAPTEST_OTHER","MAPTEST_REGION"],"other":"o","region":"eu"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTestFile(t, filepath.Join(dir, ".port", "spec.yaml"), "configurations:\n  - {name: apiToken, type: string, sensitive: true}\n")
			mapping := filepath.Join(dir, "mapping.yml")
			writeTestFile(t, mapping, `resources:
  - kind: k
    selector: {query: 'true'}
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"b"'
          properties:
            region: env.MAPTEST_REGION
            dollar: $ENV.MAPTEST_REGION
            other: env.MAPTEST_OTHER
            keys: env | keys
`)
			t.Chdir(dir) // the settings of the integration in the current directory name the secrets
			for _, kv := range append([]string{"MAPTEST_REGION=eu", "MAPTEST_MY_A=1", "MAPTEST_MY_B=2", "MAPTEST_OTHER=o",
				"OCEAN__INTEGRATION__CONFIG__API_TOKEN=" + token}, tt.env...) {
				name, value, _ := strings.Cut(kv, "=")
				t.Setenv(name, value)
			}
			args := append([]string{"map", "--mapping", mapping, "--kind", "k", "--input", "-"}, tt.flags...)
			stdout, _, err := runOcean(t, `{"id": "a"}`, args...)
			require.NoError(t, err)
			assert.Equal(t, `{"identifier":"a","blueprint":"b","properties":`+tt.want+"}\n", stdout)
		})
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}
