package liveevents

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The offset to commit is the first one not done with, whatever order the
// workers finish in, and only when it moved.
func TestOffsets(t *testing.T) {
	o := newOffsets()
	for _, off := range []int64{10, 11, 12, 13} {
		o.add(off)
	}
	_, ok := o.committable()
	assert.False(t, ok, "nothing is done yet")
	for _, step := range []struct {
		done int64
		at   int64
		ok   bool
	}{
		{11, -1, false}, // 10 still runs
		{13, -1, false},
		{10, 12, true}, // 10 and 11 are done
		{12, 14, true},
	} {
		o.done(step.done)
		at, ok := o.committable()
		assert.Equal(t, step.ok, ok, "after %d", step.done)
		if ok {
			assert.Equal(t, step.at, at, "after %d", step.done)
			o.committed(at)
			_, again := o.committable()
			assert.False(t, again, "committed once")
		}
	}
}
