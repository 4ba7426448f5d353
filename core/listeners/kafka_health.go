package listeners

import (
	"context"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// health follows one kind of operation against the brokers: the first
// failure of an outage is a warning, the next ones are debug lines, and the
// backoff before the next attempt doubles from 250 ms up to 10 s.
type health struct {
	log  logrus.FieldLogger
	what string

	mu       sync.Mutex
	failures int
}

const (
	backoffMin = 250 * time.Millisecond
	backoffMax = 10 * time.Second
)

func newHealth(log logrus.FieldLogger, what string) *health {
	return &health{log: log, what: what}
}

// fail records a failure and returns how long to wait before retrying.
func (h *health) fail(err error) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures++
	if h.failures == 1 {
		h.log.WithError(err).Warnf("Kafka: %s failed; retrying until it works again", h.what)
	} else {
		h.log.WithError(err).WithField("attempt", h.failures).Debugf("Kafka: %s failed again", h.what)
	}
	d := backoffMin
	for i := 1; i < h.failures && d < backoffMax; i++ {
		d *= 2
	}
	return min(d, backoffMax)
}

// ok records a success, which ends an outage.
func (h *health) ok() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failures > 0 {
		h.log.WithField("failures", h.failures).Infof("Kafka: %s works again", h.what)
		h.failures = 0
	}
}

// sleep waits d or until ctx ends; false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
