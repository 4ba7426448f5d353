package ocean_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/clients/port"
)

// memberTwice maps member twice; the second resource's selector fails on
// every member, so three entities are not written.
const memberTwice = mappingYAML + `  - kind: member
    selector: {query: '.id | tonumber > 0'}
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"member"'
`

// `sail --once` fails when an entity was not written, and its summary tells
// the two member resources apart and failed entities from failed fetches.
func TestSailOnceSummaryOfFailures(t *testing.T) {
	h := newHarness(t)
	writeFile(t, filepath.Join(h.dir, ".port", "resources", "port-app-config.yml"), memberTwice)
	h.src.fail["team"] = errors.New("the team API is down")
	zero := 0
	var table bytes.Buffer
	err := h.newApp().Sail(context.Background(), ocean.SailOptions{Once: true, Port: &zero, SummaryOut: &table})
	require.Error(t, err, "sail --once exits non-zero")

	lines := strings.Split(strings.TrimSpace(table.String()), "\n")
	require.Len(t, lines, 7, table.String())
	assert.Contains(t, lines[0], "DELETED  FAILED ENTITIES  FAILED FETCHES  SECONDS")
	for i, want := range []struct {
		kind                 string
		created, failed, bad string
	}{
		{"team", "0", "0", "1"},
		{"member#1", "3", "0", "0"},
		{"member#2", "0", "3", "0"},
		{"total", "3", "3", "1"},
	} {
		f := strings.Fields(lines[i+1])
		require.Len(t, f, 11, lines[i+1])
		assert.Equal(t, []string{want.kind, want.created, want.failed, want.bad}, []string{f[0], f[3], f[8], f[9]}, lines[i+1])
	}
	assert.Contains(t, lines[5], "failed; 3 entities not written, 1 raw batch not fetched; nothing deleted")
	assert.Regexp(t, `^Port requests: \d+ \(bulk upsert 2, `, lines[6])
}

func TestSailStrict(t *testing.T) {
	const typo = "OCEAN__EVENT_LISTNER__TYPE=ONCE"
	const meant = "OCEAN__EVENT_LISTNER__TYPE (environment): unknown setting; did you mean OCEAN__EVENT_LISTENER__TYPE?"
	misspelt := strings.Replace(mappingYAML, "relations: {team", "relatons: {team", 1)
	const ignored = "Ignoring a key of the mapping: resources[1].port.entity.mappings.relatons: unknown key; did you mean relations?"
	for _, tc := range []struct {
		name    string
		env     []string
		mapping string
		args    []string
		wantErr string // "" when it succeeds
		wantLog string
	}{
		{"misspelt variable", []string{typo}, mappingYAML, nil, "", meant},
		{"misspelt variable, --strict", []string{typo}, mappingYAML, []string{"--strict"}, "config: " + meant, ""},
		{"misspelt variable, OCEAN__STRICT", []string{typo, "OCEAN__STRICT=true"}, mappingYAML, nil, "config: " + meant, ""},
		{"misspelt mapping key", nil, misspelt, nil, "", ignored},
		{"misspelt mapping key, --strict", nil, misspelt, []string{"--strict"}, "did you mean relations?", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			writeFile(t, filepath.Join(h.dir, ".port", "resources", "port-app-config.yml"), tc.mapping)
			// --once is given here, so the misspelt variable does not leave it polling.
			err := h.newApp(tc.env...).Execute(context.Background(), append([]string{"sail", "--once", "--port", "0"}, tc.args...))
			if tc.wantErr == "" {
				require.NoError(t, err)
				assert.Contains(t, h.logs.String(), tc.wantLog)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			if strings.HasPrefix(tc.wantErr, "config: ") {
				_, gerr := h.client().GetIntegration(context.Background())
				assert.ErrorIs(t, gerr, port.ErrNotFound, "nothing starts on a config error")
			}
		})
	}
}
