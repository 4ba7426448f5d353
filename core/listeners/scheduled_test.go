package listeners_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/core/listeners"
)

func TestScheduledSkipsTicksWhileTheResyncRuns(t *testing.T) {
	var started, running atomic.Int32
	var overlapped atomic.Bool
	release := make(chan struct{})
	log, hook := test.NewNullLogger()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- listeners.Scheduled{
			Interval: 10 * time.Millisecond,
			Log:      log,
			Resync: func(ctx context.Context) error {
				if running.Add(1) > 1 {
					overlapped.Store(true)
				}
				defer running.Add(-1)
				if started.Add(1) == 1 {
					<-release // the first resync is slower than the interval
				}
				return nil
			},
		}.Start(ctx)
	}()
	skipped := func() bool {
		for _, e := range hook.AllEntries() {
			if strings.Contains(e.Message, "still running; skipping") {
				return true
			}
		}
		return false
	}
	require.Eventually(t, skipped, 5*time.Second, 5*time.Millisecond)
	assert.EqualValues(t, 1, started.Load(), "no resync starts while one runs")
	close(release)
	require.Eventually(t, func() bool { return started.Load() >= 3 }, 5*time.Second, 5*time.Millisecond,
		"the schedule resumes once the slow resync is done")
	cancel()
	require.NoError(t, <-done)
	assert.False(t, overlapped.Load(), "scheduled resyncs never overlap")
	assert.Zero(t, running.Load(), "Start returns after the resync in flight")
}

func TestScheduledNeedsAnInterval(t *testing.T) {
	err := listeners.Scheduled{Resync: func(context.Context) error { return nil }}.Start(context.Background())
	assert.ErrorContains(t, err, "interval must be positive")
}

func TestNextResync(t *testing.T) {
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		now      time.Time
		interval time.Duration
		want     *time.Time
	}{
		{start.Add(10 * time.Minute), time.Hour, ptr(start.Add(time.Hour))},
		{start.Add(time.Hour), time.Hour, ptr(start.Add(2 * time.Hour))},
		{start.Add(150 * time.Minute), time.Hour, ptr(start.Add(3 * time.Hour))},
		{start, 0, nil},
	} {
		assert.Equal(t, tc.want, listeners.NextResync(start, tc.now, tc.interval), "now %s", tc.now)
	}
}

func ptr(t time.Time) *time.Time { return &t }
