package applier

import "slices"

// keySet is a set of 64-bit key hashes in about 8 bytes each (a map takes
// 20 to 40). Hashes are spread over buckets by their top bits, each bucket
// sorted: an insert moves at most a bucket, and the buckets double in number
// as the set grows, one split at a time, so that no large array is ever
// copied whole (a copy would hold two of it at once).
type keySet struct {
	bits    uint       // len(buckets) is 1<<bits
	buckets [][]uint64 // bucket of h: h >> (64-bits); shifting by 64 gives 0
	n       int
}

// maxBucket is the average bucket size at which the buckets double: an
// insert moves a few hundred hashes at most, and the bucket headers cost
// under half a byte per hash.
const maxBucket = 128

func (s *keySet) bucket(h uint64) int { return int(h >> (64 - s.bits)) }

// has reports whether h is in the set.
func (s *keySet) has(h uint64) bool {
	if s.n == 0 {
		return false
	}
	_, ok := slices.BinarySearch(s.buckets[s.bucket(h)], h)
	return ok
}

// add puts h in the set; false if it was there already.
func (s *keySet) add(h uint64) bool {
	if s.buckets == nil {
		s.buckets = make([][]uint64, 1)
	}
	b := &s.buckets[s.bucket(h)]
	at, ok := slices.BinarySearch(*b, h)
	if ok {
		return false
	}
	*b = slices.Insert(*b, at, h)
	s.n++
	if s.n > maxBucket<<s.bits && s.bits < 32 {
		s.split()
	}
	return true
}

// split doubles the buckets: bucket i becomes 2i (its lower hashes, kept in
// place) and 2i+1 (the upper ones, copied out).
func (s *keySet) split() {
	s.bits++
	next := make([][]uint64, 1<<s.bits)
	bit := uint64(1) << (64 - s.bits)
	for i, b := range s.buckets {
		cut, _ := slices.BinarySearchFunc(b, true, func(h uint64, _ bool) int {
			if h&bit != 0 {
				return 0
			}
			return -1
		})
		next[2*i] = b[:cut]
		next[2*i+1] = slices.Clone(b[cut:])
	}
	s.buckets = next
}

// len is the number of hashes in the set.
func (s *keySet) len() int { return s.n }
