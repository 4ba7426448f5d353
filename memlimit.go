package ocean

import (
	"context"
	"math"
	"os"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"time"
)

// memoryHeadroom is how far the heap may grow past its live part before a
// collection once the live part is large: a resync's working set (a batch of
// raw items, their entities, a page in flight) stays well below it.
const memoryHeadroom = 16 << 20

// memoryLimitEvery is how often the limit follows the live heap.
const memoryLimitEvery = 250 * time.Millisecond

// limitMemory keeps the runtime's soft memory limit at the live heap plus
// memoryHeadroom (plus what the runtime holds besides the heap), until ctx
// ends or stop is called, unless the user set GOMEMLIMIT. GOGC alone lets the heap grow by its
// live size, and a large resync's live heap is mostly its reconciliation
// keys, which then cost twice their size; with the limit they cost their
// size plus a constant. Small heaps are left to GOGC: the limit is above
// what it allows them.
func limitMemory(ctx context.Context) (stop func()) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return func() {}
	}
	ctx, stop = context.WithCancel(ctx)
	sample := []rtmetrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	set := func() {
		rtmetrics.Read(sample)
		var v [6]uint64
		for i, s := range sample {
			if s.Value.Kind() == rtmetrics.KindUint64 {
				v[i] = s.Value.Uint64()
			}
		}
		debug.SetMemoryLimit(memoryLimit(v[0], v[1], v[2]+v[3]+v[4]+v[5]))
	}
	set()
	go func() {
		t := time.NewTicker(memoryLimitEvery)
		defer t.Stop()
		defer debug.SetMemoryLimit(math.MaxInt64) // no limit, the default
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				set()
			}
		}
	}()
	return stop
}

// memoryLimit is the limit for a live heap of live bytes, when the runtime
// holds total bytes of which heap are the heap's.
func memoryLimit(live, total, heap uint64) int64 {
	other := total - min(heap, total) // stacks, the runtime's own structures
	return int64(live + other + memoryHeadroom)
}
