package httpbody

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// refuser answers 413 without reading the body, as a body limit does.
func refuser(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Discard(w, r, false)
		w.WriteHeader(http.StatusRequestEntityTooLarge)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

func TestDiscard(t *testing.T) {
	addr := refuser(t)
	tests := []struct {
		name      string
		size      int
		expect    bool
		wantClose bool
	}{
		{"a body is read whole: the connection stays open", 8 << 20, false, false},
		{"beyond MaxDiscard the connection closes", MaxDiscard + 1<<20, false, true},
		{"waiting for 100 Continue: answered at once", 8 << 20, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
			head := fmt.Sprintf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n", tt.size)
			if tt.expect {
				head += "Expect: 100-continue\r\n"
			}
			if _, err := io.WriteString(conn, head+"\r\n"); err != nil {
				t.Fatal(err)
			}
			if !tt.expect {
				// Written whole before reading, as most clients do; past
				// MaxDiscard the server may close while this still writes.
				_, err := io.Copy(conn, bytes.NewReader(make([]byte, tt.size)))
				if err != nil && !tt.wantClose {
					t.Fatalf("write the body: %v", err)
				}
			}
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				if tt.wantClose && !tt.expect {
					return // the connection closed under a body too large to drop: allowed
				}
				t.Fatalf("read the answer: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d, want 413", resp.StatusCode)
			}
			if resp.Close != tt.wantClose {
				t.Errorf("Connection: close is %t, want %t", resp.Close, tt.wantClose)
			}
		})
	}
}
