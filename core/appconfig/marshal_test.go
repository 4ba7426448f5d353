package appconfig

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMarshalRoundTrip(t *testing.T) {
	for _, name := range []string{"full.yml", "minimal.json"} {
		t.Run(name, func(t *testing.T) {
			c, err := Parse(readFile(t, name))
			require.NoError(t, err)
			data, err := json.Marshal(c)
			require.NoError(t, err)
			again, err := Parse(data)
			require.NoError(t, err, "%s", data)
			assert.Equal(t, c, again)
		})
	}
}

func TestMarshalRequestForm(t *testing.T) {
	c, err := Parse(readFile(t, "minimal.json"))
	require.NoError(t, err)
	data, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"enableMergeEntity": true, "deleteDependentEntities": true,
		"createMissingRelatedEntities": true, "entityDeletionThreshold": 0.9,
		"resources": [{"kind": "fake-person", "selector": {"query": "true"},
			"port": {"entity": {"mappings": {"identifier": ".id", "blueprint": "\"fake-person\""}}}}]
	}`, string(data))

	data, err = json.Marshal(New())
	require.NoError(t, err)
	assert.JSONEq(t, `{"enableMergeEntity": true, "deleteDependentEntities": true,
		"createMissingRelatedEntities": true, "entityDeletionThreshold": 0.9, "resources": []}`, string(data))
}

func TestDecode(t *testing.T) {
	c, err := Parse(readFile(t, "full.yml"))
	require.NoError(t, err)

	var sel struct {
		Query        string      `json:"query"`
		IncludeForks bool        `json:"includeForks"`
		PageSize     json.Number `json:"pageSize"`
	}
	require.NoError(t, c.Resources[0].Selector.Decode(&sel))
	assert.Equal(t, ".archived == false", sel.Query)
	assert.True(t, sel.IncludeForks)
	assert.Equal(t, json.Number("12345678901234567890"), sel.PageSize)

	var res struct {
		Kind string `json:"kind"`
		Key  string `json:"customResourceKey"`
	}
	require.NoError(t, c.Resources[0].Decode(&res))
	assert.Equal(t, "repository", res.Kind)
	assert.Equal(t, "kept", res.Key)

	var top struct {
		Custom    map[string]any `json:"customTopLevel"`
		Threshold float64        `json:"entityDeletionThreshold"`
	}
	require.NoError(t, c.Decode(&top))
	assert.Equal(t, map[string]any{"a": json.Number("1")}, top.Custom)
	assert.Equal(t, 0.5, top.Threshold)

	var wrong struct {
		IncludeForks string `json:"includeForks"`
	}
	assert.Error(t, c.Resources[0].Selector.Decode(&wrong))
}
