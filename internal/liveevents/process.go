package liveevents

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/retry"
	"github.com/ocean-go/ocean/handlers"
)

// Change is what one event changed of one kind: the raw items to upsert and
// those to delete.
type Change struct {
	Kind             string
	Updated, Deleted []any
}

// maxBatch bounds the events a worker syncs together: the one it takes and
// those already queued behind it (it never waits for more).
const maxBatch = 100

// handled is an event whose processors ran, its changes waiting to be synced.
type handled struct {
	it      *item
	log     logrus.FieldLogger
	matches []match
	err     error
}

// match is the results of one processor for one kind.
type match struct {
	p    handlers.WebhookProcessor
	kind string
	res  handlers.WebhookResults
}

// process handles events in arrival order: each event's processors run, for
// each of their kinds the mapping has, under the event's timeout; then the
// changes of every event are synced together (Options.Sync keeps their
// order: a deletion never beats a later upsert), under one timeout, and the
// after hooks run. errs[i] is the error of items[i].
func (m *Manager) process(base context.Context, items []*item) (errs []error) {
	hs := make([]*handled, len(items))
	var changes []Change
	var owners []*handled // of changes, one each
	for i, it := range items {
		hs[i] = m.handle(base, it)
		if hs[i].err == nil {
			for _, mt := range hs[i].matches {
				changes = append(changes, Change{Kind: mt.kind, Updated: mt.res.Updated, Deleted: mt.res.Deleted})
				owners = append(owners, hs[i])
			}
		}
	}
	if len(changes) > 0 {
		ctx, end := m.opts.Context(base)
		ctx, cancel := context.WithTimeout(ctx, m.opts.Timeout)
		for j, err := range m.opts.Sync(ctx, changes) {
			if err != nil {
				owners[j].err = errors.Join(owners[j].err, fmt.Errorf("kind %s: sync: %w", changes[j].Kind, err))
			}
		}
		if ctx.Err() == nil {
			for _, h := range hs {
				if h.err == nil {
					h.err = m.after(ctx, h)
				}
			}
		}
		cancel()
		end()
	}
	errs = make([]error, len(hs))
	for i, h := range hs {
		errs[i] = m.finish(h)
	}
	return errs
}

// handle runs the processors of one event, up to their results.
func (m *Manager) handle(base context.Context, it *item) *handled {
	h := &handled{it: it, log: m.opts.Log.WithFields(logrus.Fields{"path": it.pt.name, "event_id": it.ev.ID})}
	ctx, end := m.opts.Context(base)
	defer end()
	ctx, cancel := context.WithTimeout(ctx, m.opts.Timeout)
	defer cancel()
	mapped, err := m.opts.Kinds(ctx)
	if err != nil {
		h.err = fmt.Errorf("mapping: %w", err)
		return h
	}
	var errs []error
	matched := false
	for _, p := range it.procs {
		var done []string
		for _, kind := range p.Kinds(it.ev) {
			if !mapped[kind] || slices.Contains(done, kind) {
				continue
			}
			done = append(done, kind)
			matched = true
			res, err := m.run(ctx, it, p, kind)
			if err != nil {
				errs = append(errs, fmt.Errorf("kind %s: %w", kind, err))
				continue
			}
			h.matches = append(h.matches, match{p: p, kind: kind, res: res})
		}
	}
	if !matched {
		h.log.Info("No resource of the mapping has a kind of this webhook event; nothing to sync")
	}
	h.err = errors.Join(errs...)
	return h
}

// run runs one processor for one kind: the before hook, then Handle with
// retries. A panic of the processor fails the event, not the worker.
func (m *Manager) run(ctx context.Context, it *item, p handlers.WebhookProcessor, kind string) (res handlers.WebhookResults, err error) {
	defer recoverInto(&err)
	ev := it.ev
	if h, ok := p.(handlers.BeforeHook); ok {
		if err := h.BeforeProcessing(ctx, ev); err != nil {
			return res, fmt.Errorf("before processing: %w", err)
		}
	}
	policy := handlers.DefaultRetryPolicy
	if r, ok := p.(handlers.Retrier); ok {
		policy = r.RetryPolicy()
	}
	for n := 0; ; n++ {
		var err error
		if res, err = p.Handle(ctx, ev, kind); err == nil {
			return res, nil
		}
		if h, ok := p.(handlers.ErrorHook); ok {
			h.OnError(ctx, ev, err)
		}
		if !handlers.IsRetryable(err) || n >= policy.MaxRetries {
			return res, err
		}
		m.opts.Metrics.count(it.pt.name, retried)
		if werr := retry.Sleep(ctx, policy.Delay(n)); werr != nil {
			return res, fmt.Errorf("%w (while waiting to retry: %w)", err, werr)
		}
	}
}

// after runs the after hooks of an event whose changes were synced.
func (m *Manager) after(ctx context.Context, h *handled) (err error) {
	defer recoverInto(&err)
	for _, mt := range h.matches {
		if a, ok := mt.p.(handlers.AfterHook); ok {
			if err := a.AfterProcessing(ctx, h.it.ev); err != nil {
				return fmt.Errorf("after processing: %w", err)
			}
		}
	}
	return nil
}

func recoverInto(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("processor panicked: %v", r)
	}
}

// finish counts and logs the outcome of h and returns its error.
func (m *Manager) finish(h *handled) error {
	met, name := m.opts.Metrics, h.it.pt.name
	met.depth.WithLabelValues(name).Dec()
	met.latency.WithLabelValues(name).Observe(time.Since(h.it.ev.ReceivedAt).Seconds())
	if h.err != nil {
		met.count(name, failed)
		h.log.WithError(h.err).Error("Finished processing the webhook event with an error")
		return h.err
	}
	met.count(name, processed)
	h.log.Debug("Finished processing the webhook event")
	return nil
}
