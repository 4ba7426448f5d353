package liveevents

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/core/jsonorder"
	"github.com/ocean-go/ocean/handlers"
)

// Options configure the manager once the settings are known.
type Options struct {
	Workers    int           // per path (OCEAN__EVENT_WORKERS_COUNT)
	Timeout    time.Duration // per event, retries included (OCEAN__MAX_EVENT_PROCESSING_SECONDS)
	QueueSize  int           // events queued per path before the route answers 503
	DrainBound time.Duration // how long queued events are still processed at shutdown
	// Sync applies the changes of events in arrival order, as if one after
	// the other; errs[i] is the error of changes[i].
	Sync func(ctx context.Context, changes []Change) (errs []error)
	// Kinds are the kinds the mapping has: a processor's other kinds are skipped.
	Kinds func(ctx context.Context) (map[string]bool, error)
	// Context gives the context events are processed in (an HTTP-request
	// event with the integration config); end is called after the event.
	Context func(ctx context.Context) (_ context.Context, end func())
	Log     logrus.FieldLogger
	Metrics *Metrics
	// Kafka, when set, queues the events on Kafka rather than in memory.
	Kafka *KafkaOptions
}

// DefaultQueueSize is the number of events a path queues at most.
const DefaultQueueSize = 10000

// Manager holds the webhook paths, their processors and queues.
type Manager struct {
	paths map[string]*path
	order []string
	opts  Options
	queue queue

	mu     sync.RWMutex // held to queue; Run takes it to stop queueing
	closed bool
	// off, when set, is why this process processes no webhooks: every
	// event is answered 404 with it. Set before the HTTP server serves.
	off string
}

// Off makes the routes answer 404 with why: this process processes no
// webhooks, and accepting events it would never process loses them.
func (m *Manager) Off(why string) { m.off = why }

// queue holds accepted events until a worker processes them.
type queue interface {
	// put queues it; an error is why the route answers 503.
	put(ctx context.Context, it *item) error
	// run processes the queued events until ctx ends, then those the drain
	// bound leaves time for (work ends at the bound), and logs what is left.
	run(ctx, work context.Context) error
}

type path struct {
	name  string
	procs []handlers.WebhookProcessor
	// unavailable throttles the log of 503s: under load a full queue would
	// otherwise log every request.
	unavailable logEvery
}

// processorsOf are the processors of the path that handle ev.
func (pt *path) processorsOf(ev *handlers.WebhookEvent) []handlers.WebhookProcessor {
	var out []handlers.WebhookProcessor
	for _, p := range pt.procs {
		if p.ShouldProcess(ev) {
			out = append(out, p)
		}
	}
	return out
}

// logEvery lets one log line through per second and counts the others.
type logEvery struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// allow reports whether to log now, and how many were suppressed since the last one.
func (l *logEvery) allow(now time.Time) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.last) < time.Second {
		l.suppressed++
		return false, 0
	}
	n := l.suppressed
	l.last, l.suppressed = now, 0
	return true, n
}

type item struct {
	pt    *path
	ev    *handlers.WebhookEvent
	procs []handlers.WebhookProcessor
}

// New returns a manager without paths.
func New() *Manager { return &Manager{paths: map[string]*path{}} }

// Register adds p to the processors of path; it reports whether the path is
// new (its route is then to be served with Handler).
func (m *Manager) Register(name string, p handlers.WebhookProcessor) bool {
	pt, ok := m.paths[name]
	if !ok {
		pt = &path{name: name}
		m.paths[name] = pt
		m.order = append(m.order, name)
	}
	pt.procs = append(pt.procs, p)
	return !ok
}

// Empty reports whether no processor is registered.
func (m *Manager) Empty() bool { return len(m.paths) == 0 }

// Configure creates the queues; the routes accept events from then on.
func (m *Manager) Configure(o Options) error {
	o.Workers = max(o.Workers, 1)
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	m.opts = o
	if o.Kafka == nil {
		m.queue = newMemoryQueue(m)
		return nil
	}
	var err error
	m.queue, err = newKafkaQueue(m, *o.Kafka)
	return err
}

// Handler serves POST /integration/<path>: 202 with the event id once queued,
// 400 for a body that is not a JSON object or an invalid payload, 401 when
// authentication fails, 503 when the queue is full or the integration stops.
func (m *Manager) Handler(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if m.off != "" {
			c.JSON(http.StatusNotFound, gin.H{"ok": false, "error": "webhooks_off", "message": m.off})
			return
		}
		pt := m.paths[name]
		met := m.opts.Metrics
		met.count(name, received)
		ev := &handlers.WebhookEvent{ID: uuid.NewString(), Path: name, Headers: c.Request.Header, ReceivedAt: time.Now()}
		log := m.opts.Log.WithFields(logrus.Fields{"path": name, "event_id": ev.ID})
		reject := func(status int, code string, err error) {
			met.count(name, rejected)
			entry, logIt := log.WithError(err).WithField("status", status), true
			if status == http.StatusServiceUnavailable {
				var suppressed int
				logIt, suppressed = pt.unavailable.allow(time.Now()) // the metrics count them all
				entry = entry.WithField("unlogged_since", suppressed)
			}
			if logIt {
				entry.Warn("Webhook event rejected")
			}
			c.JSON(status, gin.H{"ok": false, "error": code, "message": err.Error(), "eventId": ev.ID})
		}
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			reject(http.StatusBadRequest, "invalid_body", err)
			return
		}
		ev.Body = body
		if ev.Payload, err = decodeObject(body); err != nil {
			reject(http.StatusBadRequest, "invalid_json", err)
			return
		}
		procs := pt.processorsOf(ev)
		if len(procs) == 0 {
			met.count(name, "ignored")
			log.Info("No processor of this path handles the event; it is ignored")
			c.JSON(http.StatusAccepted, gin.H{"ok": true, "eventId": ev.ID, "queued": false})
			return
		}
		ctx := c.Request.Context()
		for _, p := range procs {
			if s, ok := p.(handlers.Signed); ok {
				if err := s.Signature(ctx).Verify(body, ev.Headers); err != nil {
					reject(http.StatusUnauthorized, "unauthorized", err)
					return
				}
			}
			if err := p.Authenticate(ctx, ev); err != nil {
				reject(http.StatusUnauthorized, "unauthorized", err)
				return
			}
			if err := p.Validate(ev); err != nil {
				reject(http.StatusBadRequest, "invalid_payload", err)
				return
			}
		}
		if err := m.put(ctx, &item{pt: pt, ev: ev, procs: procs}); err != nil {
			reject(http.StatusServiceUnavailable, "unavailable", err)
			return
		}
		met.count(name, accepted)
		log.Debug("Webhook event queued")
		c.JSON(http.StatusAccepted, gin.H{"ok": true, "eventId": ev.ID, "queued": true})
	}
}

var errStopping = errors.New("the integration is stopping; retry later")

func (m *Manager) put(ctx context.Context, it *item) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return errStopping
	}
	return m.queue.put(ctx, it)
}

func groupKey(it *item) string {
	for _, p := range it.procs {
		if g, ok := p.(handlers.GroupKeyer); ok {
			if k := g.GroupKey(it.ev); k != "" {
				return k
			}
		}
	}
	return ""
}

// decodeObject decodes a body that is one JSON object, numbers kept exact.
func decodeObject(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("the body is not a JSON object: %w", err)
	}
	if obj == nil {
		return nil, errors.New("the body is not a JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("the body has data after the JSON object")
	}
	jsonorder.RecordFrom(body, obj) // jq mappings see the body's key order
	return obj, nil
}

// Run processes the queued events until ctx ends, then stops queueing and
// processes what is queued for up to DrainBound; it logs what is left.
func (m *Manager) Run(ctx context.Context) error {
	m.warnUnsigned(ctx)
	// Processing outlives ctx by the drain bound: a cancelled shutdown must
	// not cut an event short that the bound leaves time for.
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		m.mu.Lock()
		m.closed = true
		m.mu.Unlock()
		time.AfterFunc(m.opts.DrainBound, cancel)
	})
	defer stop()
	return m.queue.run(ctx, work)
}

func (m *Manager) warnUnsigned(ctx context.Context) {
	ctx, end := m.opts.Context(ctx)
	defer end()
	for _, name := range m.order {
		for _, p := range m.paths[name].procs {
			if s, ok := p.(handlers.Signed); ok && s.Signature(ctx).Secret == "" {
				m.opts.Log.WithField("path", name).Warn("No webhook secret configured: every event of this path is refused (401) until one is")
			}
		}
	}
}
