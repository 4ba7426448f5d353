package context

import (
	stdctx "context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/ocean-go/ocean/core/appconfig"
)

// EventType names what an event is doing. The values are the ones Ocean reports
// to Port in the ocean_info_event_type query parameter.
type EventType string

const (
	Start             EventType = "start"
	Resync            EventType = "resync"
	HTTPRequest       EventType = "http_request"
	ActionRun         EventType = "action_run"
	IncrementalResync EventType = "incremental_resync"
)

// Trigger names who started an event.
type Trigger string

const (
	Manual  Trigger = "manual"  // integration code called a sync operation
	Machine Trigger = "machine" // a listener: ONCE, POLLING, KAFKA, schedule
	Request Trigger = "request" // an HTTP request to the integration
)

// ErrAborted is the cancellation cause of a resync superseded by a newer one.
var ErrAborted = errors.New("aborted: a newer resync started")

// Event is one unit of work: a resync, a start hook, a webhook request. Its
// attributes and port app config are safe for concurrent use.
type Event struct {
	ID        string
	Type      EventType
	Trigger   Trigger
	Parent    *Event
	StartedAt time.Time

	mu        sync.RWMutex
	attrs     map[string]any
	appConfig *appconfig.PortAppConfig
	cancel    stdctx.CancelCauseFunc
	ended     bool
	onEnd     []func()

	// scopedMu is apart from mu so that a value's create may call OnEnd.
	scopedMu sync.Mutex
	scoped   map[any]any
}

// Attribute returns the value of an attribute, set on this event or inherited.
func (e *Event) Attribute(key string) (any, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	v, ok := e.attrs[key]
	return v, ok
}

// SetAttribute sets an attribute on this event (not on its parent).
func (e *Event) SetAttribute(key string, value any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.attrs[key] = value
}

// PortAppConfig returns the mapping this event works with, or nil before the
// event fetched one.
func (e *Event) PortAppConfig() *appconfig.PortAppConfig {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.appConfig
}

// SetPortAppConfig records the mapping this event works with.
func (e *Event) SetPortAppConfig(c *appconfig.PortAppConfig) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.appConfig = c
}

// Scoped returns the value the event keeps under key, made by create on the
// first call. Such state lives exactly as long as the event and is not
// inherited by child events: caches use it to hold results for one event,
// which for a resync means from its start to its end.
func (e *Event) Scoped(key any, create func() any) any {
	e.scopedMu.Lock()
	defer e.scopedMu.Unlock()
	if v, ok := e.scoped[key]; ok {
		return v
	}
	if e.scoped == nil {
		e.scoped = map[any]any{}
	}
	v := create()
	e.scoped[key] = v
	return v
}

// OnEnd registers f to run when the event ends, or runs it now if it has.
func (e *Event) OnEnd(f func()) {
	e.mu.Lock()
	if !e.ended {
		e.onEnd = append(e.onEnd, f)
		e.mu.Unlock()
		return
	}
	e.mu.Unlock()
	f()
}

// end runs the OnEnd callbacks once, in the order they were registered.
func (e *Event) end() {
	e.mu.Lock()
	if e.ended {
		e.mu.Unlock()
		return
	}
	e.ended = true
	fs := e.onEnd
	e.onEnd = nil
	e.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

// Abort cancels the event's context with the given cause (ErrAborted when nil).
func (e *Event) Abort(cause error) {
	if cause == nil {
		cause = ErrAborted
	}
	e.cancel(cause)
}

func (e *Event) String() string { return fmt.Sprintf("%s event %s", e.Type, e.ID) }

type eventKey struct{}

// EventFrom returns the innermost event carried by ctx, or nil.
func EventFrom(ctx stdctx.Context) *Event {
	e, _ := ctx.Value(eventKey{}).(*Event)
	return e
}

// Tracker starts events and keeps the running resyncs, so that a new resync
// aborts the older ones. The zero value is ready to use.
type Tracker struct {
	mu      sync.Mutex
	running map[*Event]struct{}
}

// Begin starts an event as a child of the event in parent (if any): it inherits a
// copy of the parent's attributes, overlaid with attrs, and the parent's port app
// config. Beginning a resync aborts every other running resync. The caller must
// call End when the event's work is done.
func (t *Tracker) Begin(parent stdctx.Context, typ EventType, trigger Trigger, attrs map[string]any) (stdctx.Context, *Event) {
	ctx, cancel := stdctx.WithCancelCause(parent)
	e := &Event{
		ID:        uuid.NewString(),
		Type:      typ,
		Trigger:   trigger,
		Parent:    EventFrom(parent),
		StartedAt: time.Now().UTC(),
		attrs:     map[string]any{},
		cancel:    cancel,
	}
	if p := e.Parent; p != nil {
		p.mu.RLock()
		maps.Copy(e.attrs, p.attrs)
		e.appConfig = p.appConfig
		p.mu.RUnlock()
	}
	maps.Copy(e.attrs, attrs)

	t.mu.Lock()
	if t.running == nil {
		t.running = map[*Event]struct{}{}
	}
	if typ == Resync {
		for other := range t.running {
			if other.Type == Resync {
				other.cancel(ErrAborted)
			}
		}
	}
	t.running[e] = struct{}{}
	t.mu.Unlock()
	return stdctx.WithValue(ctx, eventKey{}, e), e
}

// End marks the event done, releases its context and runs its OnEnd
// callbacks. It is safe to call twice.
func (t *Tracker) End(e *Event) {
	t.mu.Lock()
	delete(t.running, e)
	t.mu.Unlock()
	e.cancel(stdctx.Canceled)
	e.end()
}

// Running returns the events that have begun and not ended.
func (t *Tracker) Running() []*Event {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]*Event, 0, len(t.running))
	for e := range t.running {
		out = append(out, e)
	}
	return out
}
