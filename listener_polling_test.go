package ocean

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPollingOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		want pollingOptions
	}{
		{"defaults", nil, pollingOptions{ResyncOnStart: true, Interval: 60 * time.Second}},
		{"from env", []string{"OCEAN__EVENT_LISTENER__INTERVAL=10", "OCEAN__EVENT_LISTENER__RESYNC_ON_START=false"},
			pollingOptions{Interval: 10 * time.Second}},
		{"JSON object refined by a nested var", []string{`OCEAN__EVENT_LISTENER={"type":"POLLING","interval":5,"resync_on_start":false}`, "OCEAN__EVENT_LISTENER__INTERVAL=7"},
			pollingOptions{Interval: 7 * time.Second}},
		{"Go duration", []string{"OCEAN__EVENT_LISTENER__TYPE=polling", "OCEAN__EVENT_LISTENER__INTERVAL=2m"},
			pollingOptions{ResyncOnStart: true, Interval: 2 * time.Minute}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := loadSettings(t, tc.env...)
			require.NoError(t, err)
			assert.Equal(t, tc.want, s.EventListener.Options)
			assert.Equal(t, map[string]any{}, changelogOf(s), "POLLING asks Port itself")
		})
	}
}

func TestPollingOptionErrors(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"OCEAN__EVENT_LISTENER__INTERVAL=soon",
			`config: OCEAN__EVENT_LISTENER__INTERVAL (environment): expected an integer number of seconds, got "soon"`},
		{"OCEAN__EVENT_LISTENER__INTERVAL=0",
			`config: OCEAN__EVENT_LISTENER__INTERVAL (environment): expected a positive integer number of seconds, got "0"`},
		{`OCEAN__EVENT_LISTENER={"type":"POLLING","interval":"often"}`,
			`config: OCEAN__EVENT_LISTENER.interval (environment): expected an integer number of seconds, got "often"`},
		{"OCEAN__EVENT_LISTENER__RESYNC_ON_START=maybe",
			`config: OCEAN__EVENT_LISTENER__RESYNC_ON_START (environment): expected a boolean (true/false, yes/no, on/off, 1/0), got "maybe"`},
	} {
		_, err := loadSettings(t, tc.env)
		assert.EqualError(t, err, tc.want)
	}
}
