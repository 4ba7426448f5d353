package ocean_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
)

func TestResponsesCarryProcessTime(t *testing.T) {
	h := newHarness(t)
	app := h.newApp("OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY", "OCEAN__PATH_PREFIX=/shop")
	app.Router().GET("/json", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) })
	app.Router().GET("/empty", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	app.Router().GET("/stream", func(c *gin.Context) {
		c.Header("Content-Type", "text/plain")
		c.Writer.Flush()
		_, _ = c.Writer.WriteString("chunk")
	})
	ctx, cancel := context.WithCancel(context.Background())
	zero := 0
	done := make(chan error, 1)
	go func() { done <- app.Sail(ctx, ocean.SailOptions{Port: &zero}) }()
	<-app.Ready()

	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/shop/health/live", http.StatusOK},
		{"/shop/metrics", http.StatusOK},
		{"/shop/integration/json", http.StatusOK},
		{"/shop/integration/empty", http.StatusNoContent},
		{"/shop/integration/stream", http.StatusOK},
		{"/shop/integration/missing", http.StatusNotFound},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := http.Get(app.URL() + tc.path)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
			seconds, err := strconv.ParseFloat(resp.Header.Get("X-Process-Time"), 64)
			require.NoError(t, err, "X-Process-Time is the handling time in seconds")
			assert.GreaterOrEqual(t, seconds, 0.0)
			_, err = uuid.Parse(resp.Header.Get("X-Request-ID"))
			assert.NoError(t, err, "X-Request-ID is a UUID")
		})
	}
	cancel()
	require.NoError(t, <-done)
}

// Bodies sent to the integration's routes are bounded
// (OCEAN__MAX_REQUEST_BODY_SIZE_IN_BYTES): beyond the limit, declared or
// chunked, the route is not called and the client reads a 413.
func TestIntegrationRoutesBoundTheBody(t *testing.T) {
	const limit = 1024
	h := newHarness(t)
	app := h.newApp("OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY", "OCEAN__MAX_REQUEST_BODY_SIZE_IN_BYTES="+strconv.Itoa(limit))
	var calls atomic.Int32
	app.Router().POST("/echo", func(c *gin.Context) {
		calls.Add(1)
		b, err := io.ReadAll(c.Request.Body)
		if err != nil {
			c.String(http.StatusInternalServerError, err.Error())
			return
		}
		c.JSON(http.StatusOK, gin.H{"length": len(b)})
	})
	ctx, cancel := context.WithCancel(context.Background())
	zero := 0
	done := make(chan error, 1)
	go func() { done <- app.Sail(ctx, ocean.SailOptions{Port: &zero}) }()
	<-app.Ready()
	defer func() {
		cancel()
		require.NoError(t, <-done)
	}()

	for _, tc := range []struct {
		name    string
		size    int
		chunked bool
		status  int
	}{
		{"at the limit", limit, false, http.StatusOK},
		{"at the limit, chunked", limit, true, http.StatusOK},
		{"over the limit", limit + 1, false, http.StatusRequestEntityTooLarge},
		{"over the limit, chunked", limit + 1, true, http.StatusRequestEntityTooLarge},
		{"far over the limit", 1 << 20, false, http.StatusRequestEntityTooLarge},
		{"far over the limit, chunked", 1 << 20, true, http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := calls.Load()
			var body io.Reader = bytes.NewReader(bytes.Repeat([]byte("a"), tc.size))
			if tc.chunked {
				body = io.MultiReader(body) // no length: sent chunked
			}
			resp, err := http.Post(app.URL()+"/integration/echo", "text/plain", body)
			require.NoError(t, err)
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, tc.status, resp.StatusCode, "%s", got)
			if tc.status == http.StatusOK {
				assert.JSONEq(t, `{"length":`+strconv.Itoa(tc.size)+`}`, string(got))
				return
			}
			assert.JSONEq(t, `{"ok":false,"error":"payload_too_large",`+
				`"message":"Request body is too large (limit is 1024 bytes, OCEAN__MAX_REQUEST_BODY_SIZE_IN_BYTES)"}`, string(got))
			assert.Equal(t, before, calls.Load(), "the route is not called")
		})
	}

	// A client that writes its whole request before reading the answer, as
	// most do, reads the 413 instead of a connection reset (8 MiB: more than
	// the socket buffers take in, so the server must read it).
	t.Run("client writing its whole body first", func(t *testing.T) {
		conn := dial(t, app.URL())
		body := bytes.Repeat([]byte("a"), 8<<20)
		_, err := fmt.Fprintf(conn, "POST /integration/echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	})
	// A client that waits for 100 Continue is answered before it sends a byte.
	t.Run("client expecting 100 Continue", func(t *testing.T) {
		conn := dial(t, app.URL())
		start := time.Now()
		_, err := fmt.Fprintf(conn, "POST /integration/echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", 1<<30)
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "not 100 Continue")
		assert.Less(t, time.Since(start), 2*time.Second, "the server does not wait for the body")
	})
}

// dial opens a TCP connection to the server at url, closed when the test ends.
func dial(t *testing.T, url string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	return conn
}
