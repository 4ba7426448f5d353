package kafkaconn

import (
	"errors"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
)

// An outage warns once and backs off exponentially up to a cap; the next
// success says so once and starts the backoff over.
func TestHealth(t *testing.T) {
	log, hook := logtest.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	h := NewHealth(log, "reading")
	broken := errors.New("connection refused")
	var waits []time.Duration
	for range 8 {
		waits = append(waits, h.Fail(broken))
	}
	assert.Equal(t, []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
		4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}, waits)
	h.OK()
	h.OK()
	assert.Equal(t, 250*time.Millisecond, h.Fail(broken), "a new outage backs off from the start")

	var warns, infos int
	for _, e := range hook.AllEntries() {
		switch e.Level {
		case logrus.WarnLevel:
			warns++
		case logrus.InfoLevel:
			infos++
		}
	}
	assert.Equal(t, 2, warns, "one warning per outage")
	assert.Equal(t, 1, infos, "one line when it works again")
}
