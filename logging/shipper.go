package logging

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// LocalOnly is the field that keeps a log line on this machine: a Shipper
// does not ship it. The Shipper's own problems carry it, so that shipping
// never feeds on itself.
const LocalOnly = "local_only"

// Record is one shipped log line, fully masked.
type Record struct {
	Message   string
	Level     string // DEBUG, INFO, WARNING, ERROR, CRITICAL
	Timestamp string // UTC, RFC 3339 with microseconds and Z
	Extra     map[string]any
}

// Shipper defaults.
const (
	DefaultShipBatch    = 100
	DefaultShipInterval = 5 * time.Second
	DefaultShipBuffer   = 10_000
	DefaultShipFlush    = 5 * time.Second
)

// ShipperOptions configure NewShipper. Send is required.
type ShipperOptions struct {
	// Send delivers one batch; an error drops the batch (it is logged
	// locally).
	Send func(ctx context.Context, records []Record) error
	// Masker masks every record; default a Full masker of no secrets (the
	// well-known shapes only). Pass MaskerOf(logger).Full().
	Masker *Masker
	// Batch records go at once; a full batch is sent without waiting for
	// Interval. Default 100 and 5 s.
	Batch    int
	Interval time.Duration
	// Buffer bounds the records held; beyond it the oldest are dropped
	// (and counted). Default 10,000.
	Buffer int
	// Flush bounds the final flush when Run's ctx ends. Default 5 s.
	Flush time.Duration
	// Extra fields are added to every record (hostname, instance id).
	Extra map[string]any
	// Log receives the Shipper's own problems, marked LocalOnly; default
	// discarded.
	Log logrus.FieldLogger
}

// Shipper is a logrus hook that buffers log lines and ships them in batches
// from Run's goroutine; Fire never blocks on the network.
type Shipper struct {
	opts ShipperOptions
	wake chan struct{}

	mu      sync.Mutex
	buf     []Record
	dropped int // records dropped since last reported
	closed  bool
}

// NewShipper returns a Shipper; add it to a logger with AddHook, then Run it.
func NewShipper(opts ShipperOptions) (*Shipper, error) {
	if opts.Send == nil {
		return nil, errors.New("logging: a shipper needs Send")
	}
	if opts.Masker == nil {
		opts.Masker = NewMasker().Full()
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultShipBatch
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultShipInterval
	}
	if opts.Buffer <= 0 {
		opts.Buffer = DefaultShipBuffer
	}
	if opts.Flush <= 0 {
		opts.Flush = DefaultShipFlush
	}
	if opts.Log == nil {
		l := logrus.New()
		l.SetLevel(logrus.PanicLevel)
		opts.Log = l
	}
	opts.Log = opts.Log.WithField(LocalOnly, true)
	return &Shipper{opts: opts, wake: make(chan struct{}, 1)}, nil
}

// Levels are all levels: the logger's own level already filters.
func (s *Shipper) Levels() []logrus.Level { return logrus.AllLevels }

// Fire buffers the masked entry, unless it is LocalOnly.
func (s *Shipper) Fire(e *logrus.Entry) error {
	if local, _ := e.Data[LocalOnly].(bool); local {
		return nil
	}
	rec := s.record(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	if len(s.buf) >= s.opts.Buffer {
		s.buf[0] = Record{} // let the dropped record's fields go
		s.buf = s.buf[1:]
		s.dropped++
	}
	s.buf = append(s.buf, rec)
	if len(s.buf) >= s.opts.Batch {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	return nil
}

func (s *Shipper) record(e *logrus.Entry) Record {
	m := s.opts.Masker
	extra := make(map[string]any, len(e.Data)+len(s.opts.Extra))
	for k, v := range s.opts.Extra {
		extra[k] = v
	}
	for k, v := range e.Data {
		if err, ok := v.(error); ok {
			v = errorText(err) // an error encodes to JSON as {}
		}
		masked, _ := m.MaskValue(v)
		if st, ok := masked.(fmt.Stringer); ok {
			masked = st.String()
		}
		extra[k] = masked
	}
	return Record{
		Message:   m.Mask(e.Message),
		Level:     levelName(e.Level),
		Timestamp: e.Time.UTC().Format("2006-01-02T15:04:05.000000Z"),
		Extra:     extra,
	}
}

// errorText is err's text, or fmt's rendering when Error panics (a nil
// receiver).
func errorText(err error) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("%#v", err)
		}
	}()
	return err.Error()
}

func levelName(l logrus.Level) string {
	switch l {
	case logrus.PanicLevel, logrus.FatalLevel:
		return "CRITICAL"
	case logrus.ErrorLevel:
		return "ERROR"
	case logrus.WarnLevel:
		return "WARNING"
	case logrus.InfoLevel:
		return "INFO"
	}
	return "DEBUG"
}

// Run ships batches every Interval, or as soon as one is full, until ctx
// ends; then it flushes what is left within Flush and stops taking records.
func (s *Shipper) Run(ctx context.Context) error {
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.Flush)
			defer cancel()
			s.mu.Lock()
			s.closed = true
			s.mu.Unlock()
			s.flush(fctx)
			return nil
		case <-t.C:
		case <-s.wake:
		}
		s.flush(ctx)
	}
}

// flush sends the buffered records, a batch at a time.
func (s *Shipper) flush(ctx context.Context) {
	for ctx.Err() == nil {
		s.mu.Lock()
		n := min(len(s.buf), s.opts.Batch)
		batch := append([]Record(nil), s.buf[:n]...)
		s.buf = s.buf[n:]
		dropped := s.dropped
		s.dropped = 0
		s.mu.Unlock()
		if dropped > 0 {
			s.opts.Log.WithField("dropped", dropped).Warn("Log shipping fell behind: dropped the oldest log lines")
		}
		if n == 0 {
			return
		}
		if err := s.opts.Send(ctx, batch); err != nil {
			s.opts.Log.WithError(err).WithField("records", n).Warn("Could not ship log lines; dropped them")
		}
	}
	s.mu.Lock()
	left := len(s.buf)
	s.mu.Unlock()
	if left > 0 {
		s.opts.Log.WithField("records", left).Warn("Log shipping stopped with log lines unsent")
	}
}
