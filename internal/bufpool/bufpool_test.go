package bufpool

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetSizes(t *testing.T) {
	for _, tt := range []struct{ n, cap int }{
		{0, 4096}, {1, 4096}, {4096, 4096}, {4097, 8192}, {1 << 20, 1 << 20}, {1<<20 + 1, 2 << 20},
		{1<<24 + 1, 1<<24 + 1}, // above the largest class: exact, not kept
	} {
		b := Get(tt.n)
		assert.Len(t, b, 0)
		assert.Equal(t, tt.cap, cap(b), "Get(%d)", tt.n)
	}
}

func TestPutLendsAgain(t *testing.T) {
	b := append(Get(5000), "hello"...)
	Put(b)
	again := Get(6000)
	require.Equal(t, cap(b), cap(again))
	assert.Same(t, &b[:1][0], &again[:1][0], "the same memory")
	Put(again)

	// Not a buffer Get lends: dropped, never lent.
	odd := make([]byte, 0, 5000)
	Put(odd)
	got := Get(5000)
	assert.NotSame(t, &odd[:1][0], &got[:1][0])
}

func TestPutKeepsABoundedAmount(t *testing.T) {
	var lent [][]byte
	for range 2 * maxKept / (1 << maxShift) {
		lent = append(lent, Get(1<<maxShift))
	}
	for _, b := range lent {
		Put(b)
	}
	free.mu.Lock()
	defer free.mu.Unlock()
	assert.LessOrEqual(t, free.kept, maxKept)
}

func TestReadAll(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 10_000)
	for _, tt := range []struct {
		name        string
		r           io.Reader
		size, limit int64
		want        []byte
		capAtMost   int
	}{
		{"announced size: one buffer", bytes.NewReader(body), int64(len(body)), 1 << 20, body, 128 << 10},
		{"unknown size: grown", bytes.NewReader(body), -1, 1 << 20, body, 128 << 10},
		{"one byte at a time", iotest.OneByteReader(bytes.NewReader(body)), -1, 1 << 20, body, 128 << 10},
		{"cut at the limit", bytes.NewReader(body), -1, 1000, body[:1000], 8 << 10},
		{"announced over the limit", bytes.NewReader(body), int64(len(body)), 1000, body[:1000], 8 << 10},
		{"shorter than announced", bytes.NewReader(body[:10]), 100, 1 << 20, body[:10], 4 << 10},
		{"empty", bytes.NewReader(nil), 0, 1 << 20, []byte{}, 4 << 10},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadAll(tt.r, tt.size, tt.limit)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, cap(got), tt.capAtMost)
			Put(got)
		})
	}
	broken := errors.New("connection reset")
	_, err := ReadAll(io.MultiReader(bytes.NewReader(body), iotest.ErrReader(broken)), -1, 1<<20)
	assert.ErrorIs(t, err, broken)
}

func TestGrow(t *testing.T) {
	b := append(Get(4096), "abc"...)
	assert.Equal(t, &b[:1][0], &Grow(b, 100)[:1][0], "room enough: b itself")
	grown := Grow(b, 5000)
	assert.Equal(t, "abc", string(grown))
	assert.GreaterOrEqual(t, cap(grown)-len(grown), 5000)
	assert.Equal(t, 0, cap(grown)&(cap(grown)-1), "a size class: lent again once put")
}
