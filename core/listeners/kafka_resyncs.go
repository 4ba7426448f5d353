package listeners

import (
	"context"
	"sync"

	"github.com/sirupsen/logrus"
)

// resyncQueue runs the resyncs Kafka messages ask for, one at a time. A
// request made while a resync runs aborts it (its ctx is cancelled: the newer
// change wins, as in Ocean) and one resync runs after it returned, however
// many requests came meanwhile. Requests are numbered; handled is the number
// of the last request covered by a resync that ended on its own (completed or
// failed), which is what the consumer may commit up to.
type resyncQueue struct {
	resync func(ctx context.Context) error
	log    logrus.FieldLogger
	wake   chan struct{} // a request waits for a resync
	ended  chan struct{} // handled moved on

	mu        sync.Mutex
	requested uint64
	handled   uint64
	abort     context.CancelFunc // cancels the running resync; nil when none runs
}

func newResyncQueue(resync func(ctx context.Context) error, log logrus.FieldLogger) *resyncQueue {
	return &resyncQueue{resync: resync, log: log, wake: make(chan struct{}, 1), ended: make(chan struct{}, 1)}
}

// request asks for a resync and returns the request's number.
func (q *resyncQueue) request() uint64 {
	q.mu.Lock()
	q.requested++
	n := q.requested
	if q.abort != nil {
		q.abort()
	}
	q.mu.Unlock()
	notify(q.wake)
	return n
}

// handledUpTo is the number of the last request a resync has dealt with.
func (q *resyncQueue) handledUpTo() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.handled
}

// run resyncs on request until ctx ends, and returns once the resync in
// flight (cancelled with ctx) returned.
func (q *resyncQueue) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		}
		q.mu.Lock()
		covers := q.requested
		rctx, cancel := context.WithCancel(ctx)
		q.abort = cancel
		q.mu.Unlock()

		err := q.resync(rctx)

		q.mu.Lock()
		q.abort = nil
		aborted := rctx.Err() != nil
		if !aborted {
			q.handled = covers
		}
		q.mu.Unlock()
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case aborted:
			q.log.Info("Resync aborted: a newer change asks for another one")
			continue
		case err != nil:
			q.log.WithError(err).Error("Resync failed")
		}
		notify(q.ended)
	}
}

// notify leaves a token in a one-slot channel without blocking.
func notify(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
