package ocean_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
)

// Off a terminal `sail --once` draws no live progress: its output and logs
// are plain lines, without a single escape sequence, and the logs say how
// each kind went, with its rate.
func TestOnceOffATerminalPrintsPlainLines(t *testing.T) {
	h := newHarness(t)
	out, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	require.NoError(t, err)
	defer out.Close()
	app := h.newApp()
	require.NoError(t, app.Sail(context.Background(), ocean.SailOptions{Once: true, Port: new(int), SummaryOut: out}))
	printed, err := os.ReadFile(out.Name())
	require.NoError(t, err)

	assert.Contains(t, string(printed), "EXTRACTED", "the summary table")
	assert.NotContains(t, string(printed), "\x1b", "no escape sequence in the output")
	logs := h.logs.String()
	assert.NotContains(t, logs, "\x1b", "no escape sequence in the logs")
	finished := 0
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "Finished kind") {
			finished++
			assert.Contains(t, line, "per_second=")
			assert.Contains(t, line, "mapped=")
		}
	}
	assert.Equal(t, 2, finished, "one line per kind")
}
