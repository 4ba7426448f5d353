package listeners

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"
)

// Scheduled resyncs every Interval (the first one Interval after start),
// alongside the event listener. Ocean fires on every tick and the newer resync
// aborts the older, so a resync slower than the interval never completes and
// never deletes anything (§17.12). Here a tick that finds the previous
// scheduled resync still running is skipped, with a warning.
type Scheduled struct {
	Interval time.Duration
	Resync   func(ctx context.Context) error
	Log      logrus.FieldLogger
}

// Start runs the schedule until ctx ends, then waits for the resync in flight.
func (s Scheduled) Start(ctx context.Context) error {
	if s.Interval <= 0 {
		return fmt.Errorf("scheduled resync: interval must be positive, got %s", s.Interval)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	var running atomic.Bool
	t := time.NewTicker(s.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if !running.CompareAndSwap(false, true) {
			s.Log.WithField("interval", s.Interval.String()).
				Warn("The previous scheduled resync is still running; skipping this one")
			continue
		}
		wg.Go(func() {
			defer running.Store(false)
			defer func() {
				if r := recover(); r != nil {
					s.Log.WithField("panic", r).Error("Scheduled resync panicked")
				}
			}()
			if err := s.Resync(ctx); err != nil && ctx.Err() == nil {
				s.Log.WithError(err).Error("Scheduled resync failed")
			}
		})
	}
}

// NextResync is when the schedule fires next: start + k × interval for the
// smallest k that lies after now. Nil without a schedule.
func NextResync(start, now time.Time, interval time.Duration) *time.Time {
	if interval <= 0 {
		return nil
	}
	k := now.Sub(start)/interval + 1
	next := start.Add(k * interval)
	return &next
}
