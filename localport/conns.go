package localport

import (
	"net"
	"net/http"
	"sync"
)

// connTracker remembers the state of the server's connections so that Close
// can drop the ones that carry no request.
type connTracker struct {
	mu    sync.Mutex
	state map[net.Conn]http.ConnState
}

func (t *connTracker) track(c net.Conn, st http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state == nil {
		t.state = map[net.Conn]http.ConnState{}
	}
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(t.state, c)
	default:
		t.state[c] = st
	}
}

// closeUnused closes new and idle connections.
func (t *connTracker) closeUnused() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for c, st := range t.state {
		if st == http.StateNew || st == http.StateIdle {
			_ = c.Close()
		}
	}
}
