package port

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/internal/bufpool"
)

// A lent buffer goes back only once the call and every request body reading
// it are done: a transport may still write a body after RoundTrip returned.
func TestLentBodyGoesBackAfterItsReaders(t *testing.T) {
	buf := append(bufpool.Get(5000), "hello, world"...)
	l := newLentBody(buf)
	r := l.reader(buf[:5])
	l.release() // the call is done

	other := bufpool.Get(5000)
	assert.NotSame(t, &buf[0], &other[:1][0], "still read: not lent again")
	bufpool.Put(other)

	got, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(got))
	require.NoError(t, r.Close())
	require.NoError(t, r.Close(), "a second close is no second release")
	again := bufpool.Get(5000)
	assert.Same(t, &buf[0], &again[:1][0], "lent again once its reader is closed")
	bufpool.Put(again)
	assert.Equal(t, int64(0), l.refs.Load())
}
