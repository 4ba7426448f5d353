package ocean

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/config"
)

func TestWebhookOptions(t *testing.T) {
	s, err := loadSettings(t, "OCEAN__EVENT_LISTENER__TYPE=WEBHOOK", "OCEAN__EVENT_LISTENER__APP_HOST=https://app-host-value.example.com/")
	require.NoError(t, err)
	assert.Equal(t, webhookOptions{AppHost: "https://app-host-value.example.com"}, s.EventListener.Options)
	assert.Equal(t, map[string]any{"type": "WEBHOOK", "url": "https://app-host-value.example.com/resync"}, changelogOf(s))

	// The public URL is sensitive: masked in logs, hidden in the settings shown.
	assert.Contains(t, s.Secrets(), "https://app-host-value.example.com")
	assert.Equal(t, config.Redaction, s.Redacted()["event_listener"].(map[string]any)["app_host"])
	red, err := json.Marshal(s.Redacted())
	require.NoError(t, err)
	assert.NotContains(t, string(red), "app-host-value")
}

func TestWebhookOptionErrors(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"OCEAN__EVENT_LISTENER__APP_HOST=",
			`config: event_listener.app_host: required by the WEBHOOK event listener, set OCEAN__EVENT_LISTENER__APP_HOST to a URL`},
		{"OCEAN__EVENT_LISTENER__APP_HOST=host-secret-value",
			`config: OCEAN__EVENT_LISTENER__APP_HOST (environment): expected a URL, got a value of the wrong type`},
	} {
		_, err := loadSettings(t, "OCEAN__EVENT_LISTENER__TYPE=WEBHOOK", tc.env)
		assert.EqualError(t, err, tc.want)
	}
}
