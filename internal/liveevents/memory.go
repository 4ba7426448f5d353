package liveevents

import (
	"context"
	"errors"
	"hash/fnv"
	"sync"
	"sync/atomic"
)

// memoryQueue keeps the events in the process: a channel per path and
// worker, the events of one group key always in one.
type memoryQueue struct {
	m      *Manager
	shards map[string][]chan *item
	next   atomic.Uint64 // spreads the events without a group key
}

var errQueueFull = errors.New("the event queue is full; retry later")

func newMemoryQueue(m *Manager) *memoryQueue {
	q := &memoryQueue{m: m, shards: map[string][]chan *item{}}
	w := m.opts.Workers
	for name := range m.paths {
		q.shards[name] = make([]chan *item, w)
		for i := range w {
			q.shards[name][i] = make(chan *item, max(1, m.opts.QueueSize/w))
		}
	}
	return q
}

func (q *memoryQueue) put(_ context.Context, it *item) error {
	shards := q.shards[it.pt.name]
	select {
	case shards[shardOf(groupKey(it), len(shards), &q.next)] <- it:
		q.m.opts.Metrics.depth.WithLabelValues(it.pt.name).Inc()
		return nil
	default:
		return errQueueFull
	}
}

// shardOf sends the events of one group key to one of n workers; events
// without a key go round them.
func shardOf(key string, n int, next *atomic.Uint64) int {
	if key == "" {
		return int(next.Add(1) % uint64(n))
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return int(h.Sum64() % uint64(n))
}

func (q *memoryQueue) run(ctx, work context.Context) error {
	var wg sync.WaitGroup
	for _, name := range q.m.order {
		for _, shard := range q.shards[name] {
			wg.Go(func() { q.work(ctx, work, shard) })
		}
	}
	wg.Wait()
	left := 0
	for _, shards := range q.shards {
		for _, shard := range shards {
			left += len(shard)
		}
	}
	entry := q.m.opts.Log.WithField("left", left)
	if left > 0 {
		entry.Warn("Stopped with webhook events still queued; they are lost")
	} else {
		entry.Info("Webhook events drained")
	}
	return nil
}

// work processes the events of shard until ctx ends and shard is empty, or
// work ends: each it takes with those queued behind it (see process).
func (q *memoryQueue) work(ctx, work context.Context, shard chan *item) {
	for work.Err() == nil { // past the bound, what is queued stays queued
		select {
		case it := <-shard:
			_ = q.m.process(work, batch(it, shard)) // counted and logged
			continue
		case <-work.Done():
			return
		case <-ctx.Done():
		}
		select { // draining: until the queue is empty or the bound passed
		case it := <-shard:
			_ = q.m.process(work, batch(it, shard))
		case <-work.Done():
			return
		default:
			return
		}
	}
}

// batch is first and what in holds already, up to maxBatch in all.
func batch[T any](first T, in <-chan T) []T {
	out := []T{first}
	for len(out) < maxBatch {
		select {
		case next, ok := <-in:
			if !ok {
				return out
			}
			out = append(out, next)
		default:
			return out
		}
	}
	return out
}
