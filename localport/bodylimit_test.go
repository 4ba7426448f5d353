package localport_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawPost writes a whole request, headers and body, before reading a byte of
// the answer, as plain clients (Python's http.client, requests) do.
func rawPost(t *testing.T, base, path string, header http.Header, body []byte, chunked bool) (*http.Response, []byte, error) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n", path, strings.TrimPrefix(base, "http://"))
	for k, vs := range header {
		for _, v := range vs {
			fmt.Fprintf(&head, "%s: %s\r\n", k, v)
		}
	}
	w := bufio.NewWriterSize(conn, 64<<10)
	if chunked {
		head.WriteString("Transfer-Encoding: chunked\r\n\r\n")
		_, _ = w.WriteString(head.String())
		for part := range chunks(body, 32<<10) {
			fmt.Fprintf(w, "%x\r\n%s\r\n", len(part), part)
		}
		_, _ = w.WriteString("0\r\n\r\n")
	} else {
		fmt.Fprintf(&head, "Content-Length: %d\r\n\r\n", len(body))
		_, _ = w.WriteString(head.String())
		_, _ = w.Write(body)
	}
	if err := w.Flush(); err != nil {
		return nil, nil, fmt.Errorf("write the request: %w", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("read the answer: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

func chunks(b []byte, n int) func(func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for len(b) > 0 {
			k := min(n, len(b))
			if !yield(b[:k]) {
				return
			}
			b = b[k:]
		}
	}
}

// A body the server refuses without reading it all must not cost the client
// its answer: a client that writes everything before reading got "connection
// reset by peer" about once in six instead of the 413, so a 413 fallback (Ocean
// splits the batch) never ran. Every such client now reads the envelope.
func TestRefusedBodiesGetAReadableAnswer(t *testing.T) {
	srv, c := start(t)
	catalog(c)
	auth := http.Header{"Authorization": {"Bearer " + c.token}}
	bulk := "/v1/blueprints/service/entities/bulk?upsert=true"
	tests := []struct {
		name    string
		path    string
		header  http.Header
		body    []byte
		chunked bool
		status  int
		code    string
	}{
		{"declared over 1 MiB", bulk, auth, bigBody(6 << 20), false, 413, "payload_too_large"},
		{"chunked over 1 MiB", bulk, auth, bigBody(6 << 20), true, 413, "payload_too_large"},
		{"no token, body unread", bulk, nil, bigBody(900 << 10), false, 401, "unauthorized"},
		{"no such route, body unread", "/v1/nope", auth, bigBody(900 << 10), false, 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range 12 {
				resp, data, err := rawPost(t, srv.URL(), tt.path, tt.header, tt.body, tt.chunked)
				require.NoError(t, err, "attempt %d", i)
				require.Equal(t, tt.status, resp.StatusCode, "attempt %d: %s", i, data)
				var env map[string]any
				require.NoError(t, json.Unmarshal(data, &env), "attempt %d: %s", i, data)
				assert.Equal(t, tt.code, env["error"])
			}
		})
	}

	t.Run("injected fault, body unread", func(t *testing.T) {
		srv.InjectFault(localport.Fault{Path: "/v1/blueprints/service/entities/bulk", Status: 503})
		defer srv.ClearFaults()
		for i := range 12 {
			resp, data, err := rawPost(t, srv.URL(), bulk, auth, bigBody(900<<10), false)
			require.NoError(t, err, "attempt %d", i)
			require.Equal(t, 503, resp.StatusCode, "attempt %d: %s", i, data)
		}
	})

	// A client that asks before sending (Expect: 100-continue) is answered
	// without being asked for the body.
	t.Run("expect 100-continue", func(t *testing.T) {
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
		require.NoError(t, err)
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		_, err = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", bulk, c.token, 6<<20)
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, 413, resp.StatusCode)
		assert.True(t, resp.Close, "the connection closes: the body was never sent")
	})

	// Up to 64 MiB the rest is read and dropped: enough for a batch well over
	// the limit; beyond it the server answers and closes.
	t.Run("40 MiB", func(t *testing.T) {
		resp, data, err := rawPost(t, srv.URL(), bulk, auth, bigBody(40<<20), false)
		require.NoError(t, err)
		assert.Equal(t, 413, resp.StatusCode, "%s", data)
	})
}
