package appconfig

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// misspeltUnknown are the keys of testdata/misspelt.yml that are reported:
// every unknown one below port, and elsewhere those close to a known key
// (branch and visibility may be the integration's own).
var misspeltUnknown = []Problem{
	{"deleteDependentEntitie", "unknown key; did you mean deleteDependentEntities?"},
	{"resources[0].selctor", "unknown key; did you mean selector?"},
	{"resources[0].selector.qurey", "unknown key; did you mean query?"},
	{"resources[0].port.itemToParse", "unknown key; did you mean itemsToParse?"},
	{"resources[0].port.entity.colour", "unknown key"},
	{"resources[0].port.entity.mappings.propertes", "unknown key; did you mean properties?"},
	{"resources[0].port.entity.mappings.team.rules[0].operatr", "unknown key; did you mean operator?"},
}

func TestUnknownKeys(t *testing.T) {
	data, err := os.ReadFile("testdata/misspelt.yml")
	require.NoError(t, err)

	c, err := Parse(data)
	require.NoError(t, err, "unknown keys are ignored")
	assert.ElementsMatch(t, misspeltUnknown, c.Unknown)
	assert.Equal(t, "main", c.Extra["branch"], "the integration's own keys are kept")
	assert.Equal(t, "public", c.Resources[0].Selector.Extra["visibility"])
	assert.Empty(t, c.Resources[0].Port.ItemsToParse, "a misspelt key is ignored")

	_, err = ParseStrict(data)
	var verr *ValidationError
	require.True(t, errors.As(err, &verr), "%v", err)
	assert.ElementsMatch(t, misspeltUnknown, verr.Problems, "every unknown key at once")
}

func TestUnknownKeysByLevel(t *testing.T) {
	const resource = `{"kind": "k", "selector": {"query": "true"%s}, "port": {"entity": {"mappings": {"identifier": ".id", "blueprint": "\"b\""%s}}%s}%s}`
	for _, tc := range []struct {
		name, doc string
		want      []Problem
	}{
		{"none", `{"resources": [` + fmt.Sprintf(resource, "", "", "", "") + `]}`, nil},
		{"snake_case top-level alias is known", `{"delete_dependent_entities": false, "resources": []}`, nil},
		{"misspelt snake_case", `{"enable_merge_entiy": false}`, []Problem{{"enable_merge_entiy", "unknown key; did you mean enable_merge_entity?"}}},
		{"integration's selector key", `{"resources": [` + fmt.Sprintf(resource, `, "includeArchived": true`, "", "", "") + `]}`, nil},
		{"integration's resource key", `{"resources": [` + fmt.Sprintf(resource, "", "", "", `, "extra": 1`) + `]}`, nil},
		{"mapping key far from any", `{"resources": [` + fmt.Sprintf(resource, "", `, "colour": ".c"`, "", "") + `]}`,
			[]Problem{{"resources[0].port.entity.mappings.colour", "unknown key"}}},
		{"port key", `{"resources": [` + fmt.Sprintf(resource, "", "", `, "itemsToParseNme": "x"`, "") + `]}`,
			[]Problem{{"resources[0].port.itemsToParseNme", "unknown key; did you mean itemsToParseName?"}}},
		{"mapping key", `{"resources": [` + fmt.Sprintf(resource, "", `, "tilte": ".t"`, "", "") + `]}`,
			[]Problem{{"resources[0].port.entity.mappings.tilte", "unknown key; did you mean title?"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.doc))
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.Unknown)
			_, err = ParseStrict([]byte(tc.doc))
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			var verr *ValidationError
			require.True(t, errors.As(err, &verr), "%v", err)
			assert.Equal(t, tc.want, verr.Problems)
		})
	}
}

func TestYAMLErrorLine(t *testing.T) {
	_, err := Parse([]byte("resources:\n  - kind: a\n    selector:\n      query: 'true'\n     port: {}\n"))
	assert.EqualError(t, err, "port app config: invalid YAML: line 5: did not find expected key")
}
