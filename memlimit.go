package ocean

import (
	"context"
	"math"
	"os"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"sync"
	"time"
)

// memoryHeadroom is how far the heap may grow past its live part before a
// collection once the live part is large: a resync's working set (a batch of
// raw items, their entities, a page in flight) stays well below it.
const memoryHeadroom = 16 << 20

// memoryFloor is the least limit: a small heap may grow to it before a
// collection. With the live heap plus memoryHeadroom alone, a resync of
// 100,000 entities (12 MiB live) collected every 10 MiB allocated and spent
// a sixth of its CPU collecting; with the floor it collects half as often,
// for 10 MiB more peak RSS (60 MiB). A large resync's limit is above the
// floor, so its peak is unchanged: the 1M-entity bound (80 MiB) holds. A
// floor of 64 MiB collected a third as often but took the 100k run to
// 79 MiB, as much as the 1M one.
const memoryFloor = 48 << 20

// raisedGCPercent is GOGC while the limit is kept, unless the user set GOGC:
// the limit, not GOGC, decides when to collect. The default of 100 would
// collect a 12 MiB heap at 24 MiB, below the floor, as often as before it.
const raisedGCPercent = 400

// memoryLimitEvery is how often the limit follows the live heap.
const memoryLimitEvery = 250 * time.Millisecond

// limitMemory keeps the runtime's soft memory limit at the live heap plus
// memoryHeadroom (plus what the runtime holds besides the heap), and at least
// memoryFloor, until ctx ends or stop is called, unless the user set
// GOMEMLIMIT. GOGC alone lets the heap grow by its live size, and a large
// resync's live heap is mostly its reconciliation keys, which then cost twice
// their size; with the limit they cost their size plus a constant. GOGC is
// raised meanwhile (unless the user set it), so that the limit decides.
func limitMemory(ctx context.Context) (stop func()) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return func() {}
	}
	restoreGC := func() {}
	if _, set := os.LookupEnv("GOGC"); !set {
		restoreGC = raiseGCPercent()
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
		defer restoreGC()
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

// gcRaise counts the limits kept at once (Apps sharing a process): GOGC is
// raised by the first and restored by the last.
var gcRaise struct {
	sync.Mutex
	holders  int
	previous int
}

// raiseGCPercent sets GOGC to raisedGCPercent until restore is called.
func raiseGCPercent() (restore func()) {
	gcRaise.Lock()
	defer gcRaise.Unlock()
	if gcRaise.holders == 0 {
		gcRaise.previous = debug.SetGCPercent(raisedGCPercent)
	}
	gcRaise.holders++
	return func() {
		gcRaise.Lock()
		defer gcRaise.Unlock()
		if gcRaise.holders--; gcRaise.holders == 0 {
			debug.SetGCPercent(gcRaise.previous)
		}
	}
}

// memoryLimit is the limit for a live heap of live bytes, when the runtime
// holds total bytes of which heap are the heap's.
func memoryLimit(live, total, heap uint64) int64 {
	other := total - min(heap, total) // stacks, the runtime's own structures
	return int64(max(live+other+memoryHeadroom, memoryFloor))
}
