package kafkaconn

import (
	"context"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/retry"
)

// Health follows one kind of operation against the brokers: the first
// failure of an outage is a warning, the next ones are debug lines, and the
// backoff before the next attempt doubles from 250 ms up to 10 s.
type Health struct {
	log  logrus.FieldLogger
	what string

	mu       sync.Mutex
	failures int
}

// The backoff between two attempts of a failing operation.
const (
	BackoffMin = 250 * time.Millisecond
	BackoffMax = 10 * time.Second
)

// NewHealth follows what, logging to log.
func NewHealth(log logrus.FieldLogger, what string) *Health {
	return &Health{log: log, what: what}
}

// Fail records a failure and returns how long to wait before retrying.
func (h *Health) Fail(err error) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures++
	if h.failures == 1 {
		h.log.WithError(err).Warnf("Kafka: %s failed; retrying until it works again", h.what)
	} else {
		h.log.WithError(err).WithField("attempt", h.failures).Debugf("Kafka: %s failed again", h.what)
	}
	return backoff.Backoff(h.failures)
}

// backoff doubles from BackoffMin to BackoffMax, without jitter: the waits
// the logs show are the ones taken.
var backoff = retry.Policy{BaseDelay: BackoffMin, MaxDelay: BackoffMax, Jitter: -1}.WithDefaults()

// OK records a success, which ends an outage.
func (h *Health) OK() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failures > 0 {
		h.log.WithField("failures", h.failures).Infof("Kafka: %s works again", h.what)
		h.failures = 0
	}
}

// Sleep waits d or until ctx ends; false when ctx ended.
func Sleep(ctx context.Context, d time.Duration) bool { return retry.Sleep(ctx, d) == nil }
