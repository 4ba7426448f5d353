package httpbody

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// The rest of a body Discard reads, at most: enough for a client to finish
// writing a body well over a limit, bounded for one that sends gigabytes or
// trickles. Dropped bytes cost no memory, only the time bounded here.
const (
	MaxDiscard     = 64 << 20
	DiscardTimeout = 5 * time.Second
)

// Discard reads and drops what is left of r's body before an answer that does
// not need it. began says whether the handler began to read the body: a client
// waiting for "100 Continue" has sent nothing until then, and is answered at
// once rather than asked for the body. When the rest could not be read whole
// (over MaxDiscard, or slower than DiscardTimeout), the answer closes the
// connection.
func Discard(w http.ResponseWriter, r *http.Request, began bool) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	if !began && strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		w.Header().Set("Connection", "close")
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(DiscardTimeout))
	n, err := io.CopyN(io.Discard, r.Body, MaxDiscard+1)
	_ = rc.SetReadDeadline(time.Time{})
	if !errors.Is(err, io.EOF) || n > MaxDiscard {
		w.Header().Set("Connection", "close")
	}
}
