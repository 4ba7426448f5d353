package listeners_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/core/listeners"
)

func TestScheduledFiresWithoutWaitingForThePreviousResync(t *testing.T) {
	var started, running atomic.Int32
	var overlapped atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- listeners.Scheduled{
			Interval: 20 * time.Millisecond,
			Log:      logrus.New(),
			Resync: func(ctx context.Context) error {
				started.Add(1)
				if running.Add(1) > 1 {
					overlapped.Store(true)
				}
				defer running.Add(-1)
				<-ctx.Done() // a resync slower than the interval
				return ctx.Err()
			},
		}.Start(ctx)
	}()
	require.Eventually(t, func() bool { return started.Load() >= 3 }, 5*time.Second, 5*time.Millisecond)
	assert.True(t, overlapped.Load(), "the schedule does not wait for a running resync")
	cancel()
	require.NoError(t, <-done)
	assert.Zero(t, running.Load(), "Start returns after the resyncs in flight")
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
