package processor

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/core/appconfig"
	"github.com/ocean-go/ocean/core/jsonorder"
)

// mappingDiffs are the mapping cases where the entities differ from jq
// 1.8.2's on purpose, with the reason.
var mappingDiffs = map[string]string{}

type mappingCase struct {
	Name     string          `json:"name"`
	Source   string          `json:"source"`
	Resource json.RawMessage `json:"resource"`
	Items    json.RawMessage `json:"items"`
	Entities json.RawMessage `json:"entities"`
}

// TestOceanMappingsConformance maps vendor-shaped items with real mappings of
// Ocean's integrations and compares the entities, as sent to Port, with what
// jq 1.8.2 gives field by field (Ocean's evaluation): values, key order and
// skipped entities.
func TestOceanMappingsConformance(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "jqconformance", "ocean-mappings-jq-1.8.2.jsonl"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	p := New(Options{})
	total, agree := 0, 0
	for sc.Scan() {
		var c mappingCase
		require.NoError(t, json.Unmarshal(sc.Bytes(), &c))
		total++
		got, want := mapCase(t, p, c)
		same := assert.ObjectsAreEqual(want, got)
		reason, allowed := mappingDiffs[c.Name]
		switch {
		case same && allowed:
			t.Errorf("%s: agrees with jq 1.8.2 now; remove it from mappingDiffs (%s)", c.Name, reason)
		case !same && !allowed:
			t.Errorf("%s (%s):\njq 1.8.2: %s\nwe:       %s", c.Name, c.Source, want, got)
		case same:
			agree++
		}
	}
	require.NoError(t, sc.Err())
	require.GreaterOrEqual(t, total, 30)
	t.Logf("%d of %d mapping cases agree with jq 1.8.2; %d differ on purpose", agree, total, len(mappingDiffs))
}

// mapCase returns the entities of a case as ordered canonical JSON: ours (the
// upsert body's encoding) and jq's.
func mapCase(t *testing.T, p *Processor, c mappingCase) (got, want []string) {
	cfg, err := appconfig.Parse([]byte(`{"resources": [` + string(c.Resource) + `]}`))
	require.NoError(t, err, c.Name)
	m, err := p.Compile(&cfg.Resources[0])
	require.NoError(t, err, c.Name)
	raw, err := jsonorder.Unmarshal(c.Items)
	require.NoError(t, err, c.Name)
	var items []any
	for _, item := range raw.([]any) {
		expanded, err := m.ExpandItems(context.Background(), item)
		require.NoError(t, err, c.Name)
		items = append(items, expanded...)
	}
	r := m.Process(context.Background(), items, false)
	require.Empty(t, r.Errors, c.Name)
	for _, e := range r.Passed {
		body, err := json.Marshal(e)
		require.NoError(t, err, c.Name)
		got = append(got, orderedText(t, body))
	}
	var wants []json.RawMessage
	require.NoError(t, json.Unmarshal(c.Entities, &wants), c.Name)
	for _, w := range wants {
		want = append(want, orderedText(t, w))
	}
	return got, want
}

// orderedText is a JSON text with numbers in canonical form and keys in the
// text's order.
func orderedText(t *testing.T, text []byte) string {
	v, err := jsonorder.Unmarshal(text)
	require.NoError(t, err)
	b, err := orderedCanonical(v)
	require.NoError(t, err)
	return string(b)
}
