package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The live-event settings configure what ocean-go does not run yet: a value
// other than the default would be silently ignored, so Load refuses it.
func TestLiveEventSettingsAreRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		want string // "" = loads
	}{
		{"defaults", nil, ""},
		{"the default given explicitly", []string{"OCEAN__EVENT_WORKERS_COUNT=1", "OCEAN__MAX_EVENT_PROCESSING_SECONDS=90"}, ""},
		{"workers", []string{"OCEAN__EVENT_WORKERS_COUNT=4"},
			"config: OCEAN__EVENT_WORKERS_COUNT (environment): expected it unset (or 1, the default): " +
				"it configures live events (webhook processors), which ocean-go does not run yet, got \"4\""},
		{"processing time", []string{"OCEAN__MAX_EVENT_PROCESSING_SECONDS=30"},
			"config: OCEAN__MAX_EVENT_PROCESSING_SECONDS (environment): expected it unset (or 90, the default): " +
				"it configures live events (webhook processors), which ocean-go does not run yet, got \"30\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := setup{env: tc.env}.load(t)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.want)
		})
	}
}

func TestMetricsSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     []string
		want    MetricsSettings
		warning string
		err     string
	}{
		{"off by default", nil, MetricsSettings{}, "", ""},
		{"enabled with a webhook", []string{"OCEAN__METRICS__ENABLED=true", "OCEAN__METRICS__WEBHOOK_URL=https://hooks.example/m?token=abc"},
			MetricsSettings{Enabled: true, WebhookURL: "https://hooks.example/m?token=abc"}, "", ""},
		{"enabled without a webhook", []string{"OCEAN__METRICS__ENABLED=true"}, MetricsSettings{}, "",
			"config: metrics.webhook_url: required by metrics.enabled, set OCEAN__METRICS__WEBHOOK_URL to a URL"},
		{"a webhook alone", []string{"OCEAN__METRICS__WEBHOOK_URL=https://hooks.example/m"},
			MetricsSettings{WebhookURL: "https://hooks.example/m"},
			"OCEAN__METRICS__WEBHOOK_URL is ignored unless OCEAN__METRICS__ENABLED is true", ""},
		{"not a URL", []string{"OCEAN__METRICS__ENABLED=true", "OCEAN__METRICS__WEBHOOK_URL=nope"}, MetricsSettings{}, "",
			"config: OCEAN__METRICS__WEBHOOK_URL (environment): expected a URL, got a value of the wrong type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := setup{env: tc.env}.load(t)
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, s.Metrics)
			if tc.warning != "" {
				assert.Contains(t, s.Warnings, tc.warning)
			}
			if tc.want.WebhookURL != "" {
				assert.Contains(t, s.Secrets(), tc.want.WebhookURL, "the webhook URL may carry a token: it is masked")
			}
		})
	}
}
