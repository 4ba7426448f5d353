package applier

import (
	"math/rand/v2"
	"testing"
)

func TestKeySet(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		hash func(r *rand.Rand, i int) uint64
	}{
		{"empty", 0, nil},
		{"one bucket", maxBucket / 2, func(r *rand.Rand, _ int) uint64 { return r.Uint64() }},
		{"many splits", 40 * maxBucket, func(r *rand.Rand, _ int) uint64 { return r.Uint64() }},
		{"duplicates", 10 * maxBucket, func(r *rand.Rand, _ int) uint64 { return r.Uint64N(3*maxBucket) << 40 }},
		{"top bits all equal", 4 * maxBucket, func(_ *rand.Rand, i int) uint64 { return uint64(i) }},
		{"extremes", 2, func(_ *rand.Rand, i int) uint64 { return uint64(0) - uint64(i) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			var s keySet
			want := map[uint64]bool{}
			for i := range tc.n {
				h := tc.hash(r, i)
				if added := s.add(h); added == want[h] {
					t.Fatalf("add(%#x) = %v with the hash already in: %v", h, added, want[h])
				}
				want[h] = true
			}
			if s.len() != len(want) {
				t.Errorf("len = %d, want %d", s.len(), len(want))
			}
			for h := range want {
				if !s.has(h) {
					t.Fatalf("has(%#x) = false after add", h)
				}
			}
			for range 1000 {
				if h := r.Uint64(); !want[h] && s.has(h) {
					t.Fatalf("has(%#x) = true, never added", h)
				}
			}
		})
	}
}
