package processor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/core/appconfig"
)

// compileYAML compiles the first resource of a port app config written in YAML.
func compileYAML(t testing.TB, p *Processor, doc string) *Mapping {
	t.Helper()
	c, err := appconfig.Parse([]byte(doc))
	require.NoError(t, err)
	require.NotEmpty(t, c.Resources)
	m, err := p.Compile(&c.Resources[0])
	require.NoError(t, err)
	return m
}

// resource builds a one-resource config from a selector and a mappings block.
func resource(selector, mappings string) string {
	return "resources:\n- kind: k\n  selector: {query: '" + selector + "'}\n  port:\n    entity:\n      mappings:\n" + mappings
}

// items decodes JSON items the way raw data arrives (UseNumber).
func items(t testing.TB, docs ...string) []any {
	t.Helper()
	out := make([]any, len(docs))
	for i, d := range docs {
		v, err := decodeJSON([]byte(d))
		require.NoError(t, err, d)
		out[i] = v
	}
	return out
}

func process(t testing.TB, m *Mapping, parseAll bool, docs ...string) Result {
	t.Helper()
	return m.Process(context.Background(), items(t, docs...), parseAll)
}
