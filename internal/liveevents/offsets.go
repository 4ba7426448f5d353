package liveevents

import "sync"

// offsets follows the events of one partition that were fetched and not yet
// done with. The offset to commit is the first one not done: every event
// before it was processed or dead-lettered, whatever order the workers
// finished in.
type offsets struct {
	mu      sync.Mutex
	pending []int64 // fetched, in order
	doneSet map[int64]bool
	next    int64 // the offset to commit; -1 while none is
	last    int64 // the offset committed last; -1 while none was
}

func newOffsets() *offsets { return &offsets{doneSet: map[int64]bool{}, next: -1, last: -1} }

func (o *offsets) add(offset int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pending = append(o.pending, offset)
}

func (o *offsets) done(offset int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.doneSet[offset] = true
	for len(o.pending) > 0 && o.doneSet[o.pending[0]] {
		delete(o.doneSet, o.pending[0])
		o.next = o.pending[0] + 1
		o.pending = o.pending[1:]
	}
}

// committable is the offset to commit, when it moved since the last commit.
func (o *offsets) committable() (int64, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.next, o.next > o.last
}

func (o *offsets) committed(offset int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.last = max(o.last, offset)
}
