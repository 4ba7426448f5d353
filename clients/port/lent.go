package port

import (
	"bytes"
	"io"
	"sync"
	"sync/atomic"

	"github.com/ocean-go/ocean/internal/bufpool"
)

// lentBody is the buffer lent by bufpool that one call's request bodies are
// cut from. It goes back once the call is done with it and every request
// body reading it is closed: a RoundTripper may close a request body after
// RoundTrip has returned, while it still writes it.
type lentBody struct {
	buf  []byte
	refs atomic.Int64
}

func newLentBody(buf []byte) *lentBody {
	l := &lentBody{buf: buf}
	l.refs.Store(1) // the call's
	return l
}

// release drops the call's reference, or a reader's.
func (l *lentBody) release() {
	if l.refs.Add(-1) == 0 {
		bufpool.Put(l.buf)
	}
}

// reader returns a request body reading b, a part of l.buf.
func (l *lentBody) reader(b []byte) io.ReadCloser {
	l.refs.Add(1)
	return &lentReader{Reader: bytes.NewReader(b), body: l}
}

type lentReader struct {
	*bytes.Reader
	body  *lentBody
	close sync.Once
}

func (r *lentReader) Close() error {
	r.close.Do(r.body.release)
	return nil
}
