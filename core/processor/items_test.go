package processor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/core/appconfig"
)

func TestDeletionPath(t *testing.T) {
	tests := []struct{ expr, want string }{
		{".items", ".items"},
		{".file.content.items", ".file.content.items"},
		{".a[0].b", ".a[0].b"},
		{`.["x y"].z`, `.["x y"].z`},
		{`."x y"`, `."x y"`},
		{".items | map(select(.ok))", ".items"},
		{"(.items)", ".items"},
		{"((.a | .b))", ".a"},
		{"(.items // []) | map(select(.ok))", ".items"},
		{"(.a) | map(.x)", ".a"},
		{"(.a | .b) | .c", ".a"},
		{"(.a | .b", "."},
		{". as $root | .pulls | map(. + {repo: $root.name})", ".pulls"},
		{". | .items", ".items"},
		{"$__x | .items", ".items"},
		{"map(.x)", "."},
		{"[.a, .b]", "."},
		{".items[] ", ".items[]"},
		{".a[.b]", ".a"},
		{".a | .b", ".a"},
		{`.a | "x|y"`, ".a"},
		{".a |= map(.)", ".a"},
		{"..", "."},
		{".as_list", ".as_list"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, deletionPath(tt.expr), tt.expr)
	}
}

func itemsMapping(t *testing.T, port string) *Mapping {
	t.Helper()
	doc := "resources:\n- kind: k\n  selector: {query: 'true'}\n  port:\n" + port +
		"    entity: {mappings: {identifier: .item.id, blueprint: '\"bp\"', properties: {repo: .name}}}\n"
	c, err := appconfig.Parse([]byte(doc))
	require.NoError(t, err)
	m, err := New(Options{}).Compile(&c.Resources[0])
	require.NoError(t, err)
	return m
}

func TestExpandItems(t *testing.T) {
	parent := items(t, `{"name": "r", "pulls": [{"id": "1"}, {"id": "2"}], "item": "overwritten"}`)[0]

	t.Run("top-level transform", func(t *testing.T) {
		m := itemsMapping(t, "    itemsToParse: .pulls\n")
		assert.True(t, m.HasItemsToParse())
		got, err := m.ExpandItems(t.Context(), parent)
		require.NoError(t, err)
		assert.Equal(t, []any{
			map[string]any{"name": "r", "item": map[string]any{"id": "1"}},
			map[string]any{"name": "r", "item": map[string]any{"id": "2"}},
		}, got)
		r := m.Process(t.Context(), got, false)
		require.Len(t, r.Passed, 2)
		assert.Equal(t, "2", r.Passed[1].Identifier)
		assert.Equal(t, "r", r.Passed[1].Properties["repo"])
		assert.Len(t, parent.(map[string]any)["pulls"], 2, "the raw item is not modified")
	})

	t.Run("name and no transform", func(t *testing.T) {
		m := itemsMapping(t, "    itemsToParse: .pulls | map(select(.id != \"1\"))\n    itemsToParseName: pr\n    itemsToParseTopLevelTransform: false\n")
		got, err := m.ExpandItems(t.Context(), parent)
		require.NoError(t, err)
		require.Len(t, got, 1)
		child := got[0].(map[string]any)
		assert.Equal(t, map[string]any{"id": "2"}, child["pr"])
		assert.Len(t, child["pulls"], 2, "the parent keeps the list")
		assert.Equal(t, "overwritten", child["item"])
	})

	t.Run("parenthesised default", func(t *testing.T) {
		m := itemsMapping(t, "    itemsToParse: (.pulls // []) | map(select(.id != \"1\"))\n")
		got, err := m.ExpandItems(t.Context(), parent)
		require.NoError(t, err)
		assert.Equal(t, []any{map[string]any{"name": "r", "item": map[string]any{"id": "2"}}}, got)
	})

	t.Run("missing list", func(t *testing.T) {
		m := itemsMapping(t, "    itemsToParse: .nope\n")
		got, err := m.ExpandItems(t.Context(), parent)
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	t.Run("empty list", func(t *testing.T) {
		m := itemsMapping(t, "    itemsToParse: .none // []\n")
		got, err := m.ExpandItems(t.Context(), parent)
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	errs := []struct{ name, port, want string }{
		{"not a list", "    itemsToParse: .name\n", "must give a list, got string"},
		{"runtime error", "    itemsToParse: .name | tonumber\n", "invalid number"},
		{"no path to delete", "    itemsToParse: '[.pulls[]]'\n", "left nothing of the item"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := itemsMapping(t, tt.port).ExpandItems(t.Context(), parent)
			assert.ErrorContains(t, err, tt.want)
		})
	}

	t.Run("parent not an object", func(t *testing.T) {
		m := itemsMapping(t, "    itemsToParse: .\n    itemsToParseTopLevelTransform: false\n")
		_, err := m.ExpandItems(t.Context(), []any{"a"})
		assert.ErrorContains(t, err, "must be an object")
	})

	t.Run("without itemsToParse", func(t *testing.T) {
		m := itemsMapping(t, "")
		assert.False(t, m.HasItemsToParse())
		got, err := m.ExpandItems(t.Context(), parent)
		require.NoError(t, err)
		assert.Equal(t, []any{parent}, got)
	})
}

func TestItemsToParseCompileError(t *testing.T) {
	doc := "resources:\n- kind: k\n  selector: {query: 'true'}\n  port:\n    itemsToParse: '.a |'\n" +
		"    entity: {mappings: {identifier: .id, blueprint: '\"bp\"'}}\n"
	assert.ErrorContains(t, compileErr(t, doc), "port.itemsToParse")
}
