package port

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/internal/bufpool"
)

// A lent buffer goes back only once the call is done with it and every
// request body cut from it has been written; then it is lent again.
func TestLentBodyGoesBackOnceWritten(t *testing.T) {
	got := make(chan string, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
	}))
	t.Cleanup(srv.Close)

	buf := append(bufpool.Get(5000), "hello, world"...)
	l := newLentBody(buf)
	send := func(b []byte) {
		req, err := newRequest(t.Context(), call{method: http.MethodPost, lent: l}, srv.URL, b)
		require.NoError(t, err)
		assert.Equal(t, int64(len(b)), req.ContentLength)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	send(buf[:5])
	send(buf[7:])
	assert.Equal(t, "hello", <-got)
	assert.Equal(t, "world", <-got)

	assert.Eventually(t, func() bool { return l.refs.Load() == 1 }, 10e9, 1e6, "both bodies written")
	l.release() // the call is done
	again := bufpool.Get(5000)
	assert.Same(t, &buf[0], &again[:1][0], "lent again")
	bufpool.Put(again)
}

// The buffer stays out while a body reading it is not written.
func TestLentBodyStaysOutWhileABodyIsPending(t *testing.T) {
	buf := append(bufpool.Get(5000), strings.Repeat("x", 100)...)
	l := newLentBody(buf)
	_, err := newRequest(t.Context(), call{method: http.MethodPost, lent: l}, "http://127.0.0.1:1", buf)
	require.NoError(t, err)
	l.release()
	other := bufpool.Get(5000)
	assert.NotSame(t, &buf[0], &other[:1][0])
	bufpool.Put(other)
}
