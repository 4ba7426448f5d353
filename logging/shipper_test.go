package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	logtest "github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sent records the batches a Shipper sends.
type sent struct {
	mu      sync.Mutex
	batches [][]Record
	fail    error
}

func (s *sent) send(_ context.Context, rs []Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, rs)
	return s.fail
}

func (s *sent) records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Record
	for _, b := range s.batches {
		out = append(out, b...)
	}
	return out
}

func (s *sent) messages() []string {
	var out []string
	for _, r := range s.records() {
		out = append(out, r.Message)
	}
	return out
}

// run runs sh until the returned stop is called; stop waits for the final flush.
func run(t *testing.T, sh *Shipper) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sh.Run(ctx) }()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			require.NoError(t, <-done)
		}
	}
	t.Cleanup(stop)
	return stop
}

func TestShippedRecordsAreMasked(t *testing.T) {
	const secret = "hunter2-very-secret-value"
	l := New(Options{Out: &bytes.Buffer{}, Secrets: []string{secret}, Level: "DEBUG"})
	var s sent
	sh, err := NewShipper(ShipperOptions{Send: s.send, Masker: MaskerOf(l).Full(), Extra: map[string]any{"hostname": "h1"}})
	require.NoError(t, err)
	l.AddHook(sh)
	stop := run(t, sh)

	l.WithField("token", secret).WithError(fmt.Errorf("login with %s failed", secret)).
		WithField("url", "https://user:"+secret+"@example.com").Warn("using " + secret)
	l.WithField("n", 3).Debug("plain")
	stop()

	recs := s.records()
	require.Len(t, recs, 2)
	b, err := json.Marshal(recs)
	require.NoError(t, err)
	assert.NotContains(t, string(b), secret)
	assert.NotContains(t, string(b), "hunter2", "shipped logs mask secrets whole")
	assert.Equal(t, "WARNING", recs[0].Level)
	assert.Equal(t, "using "+Redaction, recs[0].Message)
	assert.Equal(t, "login with "+Redaction+" failed", recs[0].Extra["error"])
	assert.Equal(t, "h1", recs[0].Extra["hostname"])
	assert.Equal(t, "DEBUG", recs[1].Level)
	assert.Equal(t, 3, recs[1].Extra["n"])
	_, err = time.Parse("2006-01-02T15:04:05.000000Z", recs[0].Timestamp)
	assert.NoError(t, err, "UTC with microseconds: %s", recs[0].Timestamp)
}

func TestAFullBatchIsSentAtOnce(t *testing.T) {
	l := New(Options{Out: &bytes.Buffer{}})
	var s sent
	sh, err := NewShipper(ShipperOptions{Send: s.send, Batch: 3, Interval: time.Hour})
	require.NoError(t, err)
	l.AddHook(sh)
	run(t, sh)
	for i := range 3 {
		l.Infof("line %d", i)
	}
	require.Eventually(t, func() bool { return len(s.records()) == 3 }, 10*time.Second, 10*time.Millisecond,
		"a full batch does not wait for the interval")
	assert.Equal(t, []string{"line 0", "line 1", "line 2"}, s.messages())
}

func TestTheBufferDropsTheOldest(t *testing.T) {
	l := New(Options{Out: &bytes.Buffer{}})
	local, hook := logtest.NewNullLogger()
	var s sent
	sh, err := NewShipper(ShipperOptions{Send: s.send, Buffer: 3, Batch: 100, Interval: time.Hour, Log: local})
	require.NoError(t, err)
	l.AddHook(sh)
	for i := range 5 {
		l.Infof("line %d", i)
	}
	run(t, sh)()
	assert.Equal(t, []string{"line 2", "line 3", "line 4"}, s.messages())
	require.NotNil(t, hook.LastEntry())
	assert.Equal(t, 2, hook.Entries[0].Data["dropped"])
}

// Lines marked LocalOnly are not shipped, and the shipper's own problems are
// marked so: a failing sink does not feed on itself.
func TestOwnErrorsAreNotShipped(t *testing.T) {
	var out lockedBuffer
	l := New(Options{Out: &out})
	s := sent{fail: errors.New("sink down")}
	sh, err := NewShipper(ShipperOptions{Send: s.send, Batch: 1, Interval: time.Hour, Log: l})
	require.NoError(t, err)
	l.AddHook(sh)
	run(t, sh)
	l.WithField(LocalOnly, true).Info("stays here")
	l.Info("first")
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "Could not ship log lines") }, 10*time.Second, 10*time.Millisecond)
	s.mu.Lock()
	s.fail = nil
	s.mu.Unlock()
	l.Info("second")
	require.Eventually(t, func() bool { return len(s.records()) == 2 }, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, []string{"first", "second"}, s.messages(), "neither the local line nor the shipping error is shipped")
}

// The final flush is bounded: a sink that never answers does not hold the
// shutdown.
func TestFinalFlushIsBounded(t *testing.T) {
	l := New(Options{Out: &bytes.Buffer{}})
	gaveUp := make(chan error, 1)
	sh, err := NewShipper(ShipperOptions{Interval: time.Hour, Flush: 50 * time.Millisecond,
		Send: func(ctx context.Context, _ []Record) error {
			<-ctx.Done()
			gaveUp <- ctx.Err()
			return ctx.Err()
		}})
	require.NoError(t, err)
	l.AddHook(sh)
	l.Info("pending")
	run(t, sh)()
	assert.ErrorIs(t, <-gaveUp, context.DeadlineExceeded)
	l.Info("after the end")
	sh.mu.Lock()
	defer sh.mu.Unlock()
	assert.Empty(t, sh.buf, "a stopped shipper takes no more lines")
}

func TestNewShipperNeedsSend(t *testing.T) {
	_, err := NewShipper(ShipperOptions{})
	require.Error(t, err)
}

// lockedBuffer is a log output read while the logger writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
