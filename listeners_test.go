package ocean

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/config"
)

// loadSettings loads env as App.start does, with the registered listeners'
// readers of their own keys.
func loadSettings(t *testing.T, env ...string) (*config.Settings, error) {
	t.Helper()
	return config.Load(config.LoadOptions{Dir: t.TempDir(), Environ: env, Listeners: listenerReaders(),
		DefaultType: "shop", DefaultVersion: "1.0.0"})
}

// changelogOf is the changelog destination an App with s reports to Port.
func changelogOf(s *config.Settings) map[string]any {
	return (&App{settings: s}).changelogDestination()
}

// A listener without keys of its own has no options and asks Port for
// nothing: it reports an empty changelog destination.
func TestListenersWithoutKeys(t *testing.T) {
	for _, typ := range []config.ListenerType{config.ListenerOnce, config.ListenerWebhooksOnly, config.ListenerActionsOnly} {
		t.Run(string(typ), func(t *testing.T) {
			s, err := loadSettings(t, "OCEAN__EVENT_LISTENER__TYPE="+string(typ))
			require.NoError(t, err)
			assert.Equal(t, typ, s.EventListener.Type)
			assert.Nil(t, s.EventListener.Options)
			assert.Equal(t, map[string]any{}, changelogOf(s))
		})
	}
}

// Every registered listener is one of the types config accepts.
func TestRegisteredListenersLoad(t *testing.T) {
	for typ := range eventListeners {
		_, err := loadSettings(t, "OCEAN__EVENT_LISTENER__TYPE="+string(typ), "OCEAN__EVENT_LISTENER__APP_HOST=https://h.example.com")
		assert.NoError(t, err, typ)
	}
	_, err := loadSettings(t, "OCEAN__EVENT_LISTENER__TYPE=SOMETIMES")
	assert.EqualError(t, err, `config: OCEAN__EVENT_LISTENER__TYPE (environment): expected one of POLLING, ONCE, KAFKA, WEBHOOK, WEBHOOKS_ONLY, ACTIONS_ONLY, got "SOMETIMES"`)
}
