package resync

import (
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A misspelt mapping key is logged and ignored; with StrictMapping it fails
// the resync's mapping.
func TestMappingUnknownKeys(t *testing.T) {
	misspelt := personResource("true", ".id")
	mappings := misspelt["port"].(map[string]any)["entity"].(map[string]any)["mappings"].(map[string]any)
	mappings["propertes"] = mappings["properties"]
	delete(mappings, "properties")
	const want = "resources[0].port.entity.mappings.propertes: unknown key; did you mean properties?"
	for _, strict := range []bool{false, true} {
		e := newEngine(t, mapping(misspelt))
		log, hook := test.NewNullLogger()
		e.Log, e.StrictMapping = log, strict
		cfg, err := e.Mapping(t.Context(), true)
		if strict {
			require.Error(t, err)
			assert.Contains(t, err.Error(), want)
			continue
		}
		require.NoError(t, err)
		assert.Nil(t, cfg.Resources[0].Port.Entity.Mappings.Properties, "the misspelt key is ignored")
		require.Len(t, hook.Entries, 1)
		assert.Equal(t, logrus.WarnLevel, hook.LastEntry().Level)
		assert.Equal(t, "Ignoring a key of the mapping: "+want, hook.LastEntry().Message)
	}
}
