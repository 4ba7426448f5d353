package appconfig

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return data
}

func TestParseFull(t *testing.T) {
	c, err := Parse(readFile(t, "full.yml"))
	require.NoError(t, err)

	assert.False(t, c.EnableMergeEntity, "snake_case top-level key")
	assert.False(t, c.DeleteDependentEntities)
	assert.False(t, c.CreateMissingRelatedEntities)
	assert.Equal(t, 0.5, c.EntityDeletionThreshold)
	assert.Equal(t, map[string]any{"customTopLevel": map[string]any{"a": json.Number("1")}}, c.Extra)
	require.Len(t, c.Resources, 2)

	r := c.Resources[0]
	assert.Equal(t, "repository", r.Kind)
	assert.Equal(t, map[string]any{"customResourceKey": "kept"}, r.Extra)
	assert.Equal(t, ".archived == false", r.Selector.Query)
	assert.Equal(t, []string{"HOME"}, r.Selector.ExportEnvVariables)
	assert.Equal(t, map[string]any{"includeForks": true, "pageSize": json.Number("12345678901234567890")}, r.Selector.Extra)
	assert.Equal(t, ".pulls", r.Port.ItemsToParse)
	assert.Equal(t, "pr", r.Port.ItemsToParseName)
	assert.False(t, r.Port.ItemsToParseTopLevelTransform)

	m := r.Port.Entity.Mappings
	assert.Equal(t, JQ(".pr.id | tostring"), m.Identifier)
	assert.Equal(t, Str(".pr.title"), m.Title)
	assert.Equal(t, Str(`"Github"`), m.Icon)
	assert.Equal(t, `"pullRequest"`, m.Blueprint)
	assert.Equal(t, &MappingValue{JQ: ".team"}, m.Team)
	assert.Equal(t, map[string]string{"url": ".pr.url", "status": ".pr.state"}, m.Properties)
	assert.Equal(t, JQ(".name"), m.Relations["repository"])
	assert.Equal(t, &SearchQueryMapping{
		Combinator: `"and"`,
		Rules: []RuleMapping{
			{Property: `"$identifier"`, Operator: `"="`, Value: ".pr.user.login"},
			{Group: &SearchQueryMapping{Combinator: `"or"`, Rules: []RuleMapping{
				{Property: `"email"`, Operator: `"="`, Value: ".pr.user.email"},
			}}},
		},
	}, m.Relations["owner"].Query)

	team := c.Resources[1]
	assert.Equal(t, "item", team.Port.ItemsToParseName, "default")
	assert.True(t, team.Port.ItemsToParseTopLevelTransform, "default")
	assert.Nil(t, team.Port.Entity.Mappings.Title, "unset stays unset")
	assert.Nil(t, team.Port.Entity.Mappings.Properties)
	assert.Nil(t, team.Port.Entity.Mappings.Relations)
	require.NotNil(t, team.Port.Entity.Mappings.Identifier.Query)
	assert.Equal(t, ".name", team.Port.Entity.Mappings.Identifier.Query.Rules[0].Value)
}

func TestParseDefaults(t *testing.T) {
	c, err := Parse(readFile(t, "minimal.json"))
	require.NoError(t, err)
	assert.True(t, c.EnableMergeEntity)
	assert.True(t, c.DeleteDependentEntities)
	assert.True(t, c.CreateMissingRelatedEntities)
	assert.Equal(t, 0.9, c.EntityDeletionThreshold)
	assert.Nil(t, c.Extra)
	require.Len(t, c.Resources, 1)
	assert.Equal(t, "item", c.Resources[0].Port.ItemsToParseName)
	assert.True(t, c.Resources[0].Port.ItemsToParseTopLevelTransform)

	empty, err := Parse([]byte("resources: []"))
	require.NoError(t, err)
	assert.Equal(t, New(), &PortAppConfig{
		EnableMergeEntity: empty.EnableMergeEntity, DeleteDependentEntities: empty.DeleteDependentEntities,
		CreateMissingRelatedEntities: empty.CreateMissingRelatedEntities, EntityDeletionThreshold: empty.EntityDeletionThreshold,
	})
}

func TestParseCamelCaseWins(t *testing.T) {
	c, err := Parse([]byte(`{"enableMergeEntity": false, "enable_merge_entity": true}`))
	require.NoError(t, err)
	assert.False(t, c.EnableMergeEntity)
	assert.Nil(t, c.Extra, "the ignored alias is not an extra key")
}

const validResource = `{kind: k, selector: {query: "true"}, port: {entity: {mappings: {identifier: .id, blueprint: '"b"'}}}}`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string // every problem, in document order
	}{
		{"threshold range", `entityDeletionThreshold: 1.5`,
			[]string{"entityDeletionThreshold: must be between 0 and 1, got 1.5"}},
		{"threshold negative snake", `entity_deletion_threshold: -0.1`,
			[]string{"entity_deletion_threshold: must be between 0 and 1, got -0.1"}},
		{"threshold type", `entityDeletionThreshold: "half"`,
			[]string{"entityDeletionThreshold: must be a number, got string"}},
		{"threshold range", `entityDeletionThreshold: "1.5"`,
			[]string{"entityDeletionThreshold: must be between 0 and 1, got 1.5"}},
		{"bool type", `enableMergeEntity: "maybe"`,
			[]string{"enableMergeEntity: must be a boolean, got string"}},
		{"resources type", `resources: {}`,
			[]string{"resources: must be a list, got object"}},
		{"resource type", `resources: [1]`,
			[]string{"resources[0]: must be an object, got number"}},
		{"missing everything", `resources: [{}]`, []string{
			"resources[0].kind: required",
			"resources[0].selector: required",
			"resources[0].port: required",
		}},
		{"identifier required", `resources: [` + validResource + `, ` + validResource + `, {kind: k, selector: {query: "true"}, port: {entity: {mappings: {blueprint: '"b"'}}}}]`,
			[]string{"resources[2].port.entity.mappings.identifier: required"}},
		{"blueprint and query required", `resources: [{kind: k, selector: {}, port: {entity: {mappings: {identifier: .id}}}}]`, []string{
			"resources[0].selector.query: required",
			"resources[0].port.entity.mappings.blueprint: required",
		}},
		{"empty strings", `resources: [{kind: "", selector: {query: ""}, port: {itemsToParseName: "", entity: {mappings: {identifier: "", blueprint: '"b"'}}}}]`, []string{
			"resources[0].kind: must not be empty",
			"resources[0].selector.query: must not be empty",
			"resources[0].port.itemsToParseName: must not be empty",
			"resources[0].port.entity.mappings.identifier: must not be empty",
		}},
		{"mapping value types", `resources: [{kind: k, selector: {query: "true", exportEnvVariables: [1]}, port: {entity: {mappings: {identifier: 5, blueprint: '"b"', title: [], properties: {a: .a, b: [1]}, relations: {r: true}}}}}]`, []string{
			"resources[0].selector.exportEnvVariables[0]: must be a string, got number",
			"resources[0].port.entity.mappings.identifier: must be a JQ string or a search query object, got number",
			"resources[0].port.entity.mappings.title: must be a string, got array",
			"resources[0].port.entity.mappings.properties.b: must be a JQ string, got array",
			"resources[0].port.entity.mappings.relations.r: must be a JQ string or a search query object, got boolean",
		}},
		{"search query", `resources: [{kind: k, selector: {query: "true"}, port: {entity: {mappings: {blueprint: '"b"', identifier: {combinator: '"and"', rules: [{property: '"p"', operator: '"="'}, {combinator: 1, rules: []}]}}}}}]`, []string{
			"resources[0].port.entity.mappings.identifier.rules[0].value: required",
			"resources[0].port.entity.mappings.identifier.rules[1].combinator: must be a string, got number",
		}},
		{"mappings as a list", `resources: [{kind: k, selector: {query: "true"}, port: {entity: {mappings: []}}}]`,
			[]string{"resources[0].port.entity.mappings: must be an object, got array"}},
		{"top level list", `[1, 2]`, []string{"must be an object, got array"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			var verr *ValidationError
			require.True(t, errors.As(err, &verr), "want a *ValidationError, got %v", err)
			var got []string
			for _, p := range verr.Problems {
				got = append(got, p.String())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseSyntaxErrors(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"empty", "  \n", "port app config: empty document"},
		{"bad json", `{"resources": [}`, "port app config: invalid JSON"},
		{"bad yaml", "resources: [\n  - a: b\n c", "port app config: invalid YAML"},
		{"trailing json", `{"a": 1}}`, "port app config: invalid JSON"},
		{"null document", "null", "must be an object, got null"},
		{"alias bomb", aliasBomb(), "document too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// aliasBomb expands to 10^9 values when aliases are followed naively.
func aliasBomb() string {
	doc := "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a0"
	for i := 1; i <= 9; i++ {
		name := "a" + string(rune('0'+i))
		doc += name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
			", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = name
	}
	return doc
}

func TestParseYAMLScalars(t *testing.T) {
	c, err := Parse([]byte(`
base: &base {query: "true", n: 0x10, big: 123456789012345678901234567890, f: 1.50, when: 2024-01-02}
resources:
  - kind: k
    selector: {<<: *base, query: .ok}
    port: {entity: {mappings: {identifier: .id, blueprint: '"b"'}}}
`))
	require.NoError(t, err)
	s := c.Resources[0].Selector
	assert.Equal(t, ".ok", s.Query, "explicit keys win over merged ones")
	assert.Equal(t, map[string]any{
		"n":    json.Number("16"),
		"big":  json.Number("123456789012345678901234567890"),
		"f":    json.Number("1.50"),
		"when": "2024-01-02",
	}, s.Extra)
}

func TestUnmarshalJSON(t *testing.T) {
	var holder struct {
		Config PortAppConfig `json:"config"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"config": {"entityDeletionThreshold": 0.25}}`), &holder))
	assert.Equal(t, 0.25, holder.Config.EntityDeletionThreshold)
	assert.True(t, holder.Config.EnableMergeEntity)

	err := json.Unmarshal([]byte(`{"config": {"entityDeletionThreshold": 2}}`), &holder)
	assert.ErrorContains(t, err, "entityDeletionThreshold: must be between 0 and 1, got 2")
}

// A property mapped to an unquoted number or boolean is that constant (Ocean
// accepts numbers too, as their text).
func TestParseConstantProperties(t *testing.T) {
	c, err := Parse([]byte(`resources: [{kind: k, selector: {query: "true"}, port: {entity: {mappings: {identifier: .id, blueprint: '"b"', properties: {priority: 1, ratio: 0.50, big: 12345678901234567890, on: true, off: false, name: .name}}}}}]`))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"priority": "1", "ratio": "0.50", "big": "12345678901234567890", "on": "true", "off": "false", "name": ".name",
	}, c.Resources[0].Port.Entity.Mappings.Properties)
}

// Values Ocean's pydantic model coerces are read the same way.
func TestParseCoercesAsOcean(t *testing.T) {
	c, err := Parse([]byte(`{entityDeletionThreshold: "0.5", enableMergeEntity: "no", deleteDependentEntities: 1, createMissingRelatedEntities: "True", resources: []}`))
	require.NoError(t, err)
	assert.Equal(t, 0.5, c.EntityDeletionThreshold)
	assert.False(t, c.EnableMergeEntity)
	assert.True(t, c.DeleteDependentEntities)
	assert.True(t, c.CreateMissingRelatedEntities)
}
