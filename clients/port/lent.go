package port

import (
	"bytes"
	"context"
	"io"
	"net/http/httptrace"
	"sync/atomic"

	"github.com/ocean-go/ocean/internal/bufpool"
)

// lentBody is the buffer lent by bufpool that one call's request bodies are
// cut from. It goes back once the call is done with it and every request
// body made of it has been written: a RoundTripper may still write a body
// after RoundTrip has returned. A body that is never written (its connection
// failed first) keeps the buffer from going back, to the garbage collector.
type lentBody struct {
	buf  []byte
	refs atomic.Int64
}

func newLentBody(buf []byte) *lentBody {
	l := &lentBody{buf: buf}
	l.refs.Store(1) // the call's
	return l
}

// release drops the call's reference, or a written body's.
func (l *lentBody) release() {
	if l.refs.Add(-1) == 0 {
		bufpool.Put(l.buf)
	}
}

// reader returns a request body reading b, a part of l.buf. It is a plain
// bytes.Reader: the transport then writes the headers and a small body in
// one packet, and copies the body without a buffer of its own.
func (l *lentBody) reader(b []byte) io.ReadCloser {
	l.refs.Add(1)
	return io.NopCloser(bytes.NewReader(b))
}

// traced returns ctx telling l when a request body has been written: each
// write of a request (a transport's own retry, a redirect) writes a body of
// its own, got from reader.
func (l *lentBody) traced(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { l.release() },
	})
}
