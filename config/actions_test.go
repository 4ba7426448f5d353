package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestActionsProcessorSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		want ActionsProcessorSettings
		err  string
	}{
		{name: "defaults", want: ActionsProcessorSettings{WorkersCount: 3, PollInterval: 10 * time.Second,
			VisibilityTimeout: time.Minute, HighWatermark: 300, RunTimeout: 5 * time.Minute}},
		{name: "set", env: []string{"OCEAN__ACTIONS_PROCESSOR__ENABLED=true", "OCEAN__ACTIONS_PROCESSOR__WORKERS_COUNT=1",
			"OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS=0.5", "OCEAN__ACTIONS_PROCESSOR__VISIBILITY_TIMEOUT_MS=1000",
			"OCEAN__ACTIONS_PROCESSOR__RUNS_BUFFER_HIGH_WATERMARK=10", "OCEAN__ACTIONS_PROCESSOR__RUN_TIMEOUT_SECONDS=2"},
			want: ActionsProcessorSettings{Enabled: true, WorkersCount: 1, PollInterval: 500 * time.Millisecond,
				VisibilityTimeout: time.Second, HighWatermark: 10, RunTimeout: 2 * time.Second}},
		{name: "visibility too long", env: []string{"OCEAN__ACTIONS_PROCESSOR__VISIBILITY_TIMEOUT_MS=600001"},
			err: "OCEAN__ACTIONS_PROCESSOR__VISIBILITY_TIMEOUT_MS"},
		{name: "watermark too high", env: []string{"OCEAN__ACTIONS_PROCESSOR__RUNS_BUFFER_HIGH_WATERMARK=1001"},
			err: "OCEAN__ACTIONS_PROCESSOR__RUNS_BUFFER_HIGH_WATERMARK"},
		{name: "per-action buffer share: nothing to share", env: []string{"OCEAN__ACTIONS_PROCESSOR__MAX_RUNS_BUFFER_UTIL_PCT_PER_ACTION=50"},
			err: "OCEAN__ACTIONS_PROCESSOR__MAX_RUNS_BUFFER_UTIL_PCT_PER_ACTION (environment): expected unset (ocean-go buffers no runs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Load(LoadOptions{Dir: t.TempDir(), Environ: append(tc.env, "OCEAN__INTEGRATION__IDENTIFIER=x", "OCEAN__INTEGRATION__TYPE=x"), DefaultVersion: "1"})
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, s.ActionsProcessor)
		})
	}
}
