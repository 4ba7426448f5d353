package ocean_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A mapping that does not compile is reported naming its kind once.
func TestMappingCompileErrorNamesTheKindOnce(t *testing.T) {
	h := newHarness(t)
	_, err := h.once() // creates the integration whose mapping is then edited
	require.NoError(t, err)
	h.setMapping(strings.Replace(mappingYAML, "identifier: .id\n          title: .name\n          blueprint: '\"team\"'",
		"identifier: .id | tostrin\n          title: .name\n          blueprint: '\"team\"'", 1))
	_, err = h.once()
	require.Error(t, err)
	assert.Equal(t, 1, strings.Count(err.Error(), "kind team"), err.Error())
	assert.Contains(t, err.Error(), `kind team (resource 0): mapping: identifier ".id | tostrin": compile: function not defined: tostrin/0`)
}
