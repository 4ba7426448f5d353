package ocean

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/config"
)

// Every variable the settings table of package config documents is known:
// the keys are the ones the settings and the listeners read, so the table
// and the code cannot drift apart unnoticed.
func TestDocumentedSettingsAreKnown(t *testing.T) {
	doc, err := os.ReadFile("config/doc.go")
	require.NoError(t, err)
	names := regexp.MustCompile(`(?m)^//\t((?:OCEAN|APPLICATION)__[A-Z_]+)\s`).FindAllStringSubmatch(string(doc), -1)
	require.Greater(t, len(names), 50, "the table of config/doc.go")
	environ := make([]string, 0, len(names))
	for _, m := range names {
		environ = append(environ, m[1]+"=") // empty: the default (of most), but the key is given
	}
	environ = append(environ, "OCEAN__INTEGRATION__VERSION=1.0.0") // an empty one is a version given
	s, err := config.Load(config.LoadOptions{Dir: t.TempDir(), Environ: environ, DefaultType: "fake", DefaultVersion: "1.0.0",
		Listeners: listenerReaders()})
	require.NoError(t, err)
	for _, w := range s.Warnings {
		assert.NotContains(t, w, "unknown setting")
	}
	assert.True(t, strings.Contains(strings.Join(s.Warnings, "\n"), "OCEAN__EVENT_LISTENER__BROKERS (environment): ignored: only the KAFKA event listener reads it"),
		"a key of another listener is known, and ignored: %v", s.Warnings)
}
