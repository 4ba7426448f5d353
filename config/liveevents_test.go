package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The live-event settings configure the webhook manager: any valid value
// takes effect, an invalid one is refused by name.
func TestLiveEventSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     []string
		workers int
		timeout time.Duration
		err     string // "" = loads
	}{
		{"defaults", nil, 1, 90 * time.Second, ""},
		{"set", []string{"OCEAN__EVENT_WORKERS_COUNT=4", "OCEAN__MAX_EVENT_PROCESSING_SECONDS=30"}, 4, 30 * time.Second, ""},
		{"no worker", []string{"OCEAN__EVENT_WORKERS_COUNT=0"}, 0, 0, "OCEAN__EVENT_WORKERS_COUNT (environment)"},
		{"not a duration", []string{"OCEAN__MAX_EVENT_PROCESSING_SECONDS=soon"}, 0, 0, "OCEAN__MAX_EVENT_PROCESSING_SECONDS (environment)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := setup{env: tc.env}.load(t)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.workers, s.EventWorkersCount)
			assert.Equal(t, tc.timeout, s.MaxEventProcessingTime)
		})
	}
}
