package localport

import "unsafe"

// Request bodies and rendered answers are most of what the server allocates
// (a bulk of 20 entities, a listing page of 1,000): their buffers are reused
// instead of grown by append and dropped per request.
var (
	bodyBuffers   = newBufferPool(16, maxBody+1)
	answerBuffers = newBufferPool(4, 4<<20)
	// encodeBuffers are encode's scratch buffers: a body is built in one and
	// copied out once, at its size.
	encodeBuffers = newBufferPool(8, 64<<10)
)

// bufferPool is a bounded free list of byte buffers. Not a sync.Pool: the
// collections a busy server runs every few MB would empty it between two
// listing pages. It keeps at most n buffers, none larger than max, so that
// what it holds stays bounded whatever a rare huge answer needed.
type bufferPool struct {
	free chan *[]byte
	max  int
}

func newBufferPool(n, max int) *bufferPool {
	return &bufferPool{free: make(chan *[]byte, n), max: max}
}

// get returns an empty buffer of at least size bytes of capacity.
func (p *bufferPool) get(size int) *[]byte {
	var b *[]byte
	select {
	case b = <-p.free:
	default:
		b = new([]byte)
	}
	if cap(*b) < size {
		*b = make([]byte, 0, size)
	}
	*b = (*b)[:0]
	return b
}

// put returns b (nil: none) to the pool; nothing may use it afterwards.
func (p *bufferPool) put(b *[]byte) {
	if b == nil || cap(*b) > p.max {
		return
	}
	select {
	case p.free <- b:
	default:
	}
}

// pooledJSON is an answer a handler encoded into a buffer of answerBuffers
// (with the newline json.Encoder ends with); writeJSON returns the buffer.
type pooledJSON struct{ buf *[]byte }

// readOnlyBytes views s as bytes without copying it, for functions that only
// read their argument (the stored bodies an answer copies).
func readOnlyBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
