package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMapStrict(t *testing.T) {
	abs := func(name string) string {
		p, err := filepath.Abs(mapFixture(name))
		require.NoError(t, err)
		return p
	}
	misspelt, mapping := abs("misspelt.yml"), abs("port-app-config.yml")
	for _, tc := range []struct {
		name    string
		env     []string
		args    []string
		wantErr string // "" for success
	}{
		{"misspelt mapping keys are errors", nil, []string{"--mapping", misspelt, "--kind", "fake-person"},
			"mapping " + misspelt + ": invalid port app config: " +
				"resources[0].port.itemToParse: unknown key; did you mean itemsToParse?; " +
				"resources[0].port.entity.mappings.propertes: unknown key; did you mean properties?"},
		{"misspelt variable without --strict", []string{"OCEAN__EVENT_LISTNER__TYPE=ONCE"},
			[]string{"--mapping", mapping, "--kind", "fake-department"}, ""},
		{"misspelt variable with --strict", []string{"OCEAN__EVENT_LISTNER__TYPE=ONCE"},
			[]string{"--mapping", mapping, "--kind", "fake-department", "--strict"},
			"the settings of the current directory:\n" +
				"config: OCEAN__EVENT_LISTNER__TYPE (environment): unknown setting; did you mean OCEAN__EVENT_LISTENER__TYPE?"},
		{"known variables with --strict", []string{"OCEAN__EVENT_LISTENER__TYPE=ONCE"},
			[]string{"--mapping", mapping, "--kind", "fake-department", "--strict"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir()) // no integration here: the settings come from the environment
			for _, kv := range tc.env {
				name, value, _ := strings.Cut(kv, "=")
				t.Setenv(name, value)
			}
			_, _, err := runOcean(t, "[]", append(append([]string{"map"}, tc.args...), "--input", "-")...)
			if tc.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tc.wantErr)
		})
	}
}
