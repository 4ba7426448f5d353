package bufpool

import (
	"io"
	"math/bits"
	"sync"
)

// Buffers come in power-of-two sizes from 1<<minShift to 1<<maxShift bytes;
// larger ones are allocated and dropped as usual.
const (
	minShift = 12 // 4 KiB
	maxShift = 24 // 16 MiB
	// maxKept bounds the bytes the free lists hold: a few pages and bodies
	// in flight, not a resync's worth.
	maxKept = 16 << 20
)

var free struct {
	mu    sync.Mutex
	lists [maxShift - minShift + 1][][]byte
	kept  int
}

// class is the smallest size class holding n bytes.
func class(n int) int {
	if n <= 1<<minShift {
		return 0
	}
	return bits.Len(uint(n-1)) - minShift
}

// Get returns an empty buffer of capacity at least n.
func Get(n int) []byte {
	c := class(n)
	if c > maxShift-minShift {
		return make([]byte, 0, n)
	}
	free.mu.Lock()
	if l := free.lists[c]; len(l) > 0 {
		b := l[len(l)-1]
		free.lists[c] = l[:len(l)-1]
		free.kept -= cap(b)
		free.mu.Unlock()
		return b[:0]
	}
	free.mu.Unlock()
	return make([]byte, 0, 1<<(c+minShift))
}

// Put gives b back to be lent again; b must not be used afterwards. A buffer
// Get did not lend (its capacity is not a size class), or one that would take
// the free lists past maxKept, is left to the garbage collector.
func Put(b []byte) {
	n := cap(b)
	if n < 1<<minShift || n > 1<<maxShift || n&(n-1) != 0 {
		return
	}
	c := class(n)
	free.mu.Lock()
	defer free.mu.Unlock()
	if free.kept+n > maxKept {
		return
	}
	free.lists[c] = append(free.lists[c], b[:0])
	free.kept += n
}

// Grow returns b with room for n more bytes: b itself when it has it, else
// its bytes in a lent buffer of at least twice its capacity, b given back.
// Growing a lent buffer so, rather than by append, keeps it one Put lends
// again.
func Grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	grown := append(Get(max(2*cap(b), len(b)+n)), b...)
	Put(b)
	return grown
}

// unknownSize is the first buffer of a body of unknown length.
const unknownSize = 32 << 10

// ReadAll reads r to its end, or to limit bytes, into a lent buffer, to be
// given back with Put. size is the length r is announced to have
// (Content-Length), or -1: a body of announced length is read into one
// buffer of its size, not grown by doubling.
func ReadAll(r io.Reader, size, limit int64) ([]byte, error) {
	n := unknownSize
	if size >= 0 {
		n = int(min(size, limit)) + 1 // room to read the end without growing
	}
	b := Get(min(n, int(limit)+1))
	for {
		if int64(len(b)) >= limit {
			return b, nil
		}
		if len(b) == cap(b) {
			b = Grow(b, 1)
		}
		m, err := r.Read(b[len(b):min(cap(b), int(limit))])
		b = b[:len(b)+m]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			Put(b)
			return nil, err
		}
	}
}
