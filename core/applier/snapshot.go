package applier

import (
	"cmp"
	"context"
	"hash/maphash"
	"slices"
	"strconv"
	"time"

	"github.com/ocean-go/ocean/clients/port"
)

// snapshot is what the integration owned in Port when a resync began: per
// entity key, a digest of the fields change detection compares. It answers
// most lookups of the resync without a search: an entity it does not hold
// is absent (a first resync writes without looking anything up), and one
// whose digest equals Port's is unchanged. Any other entity is looked up as
// without a snapshot, so that a digest that differs only in form ("" for
// null, a field Port adds) never makes a write that sameAsPort would skip.
//
// It keeps 16 bytes per entity, never entities: keys are hashed too, and the
// pairs are sorted by key hash (a map would take twice the memory), in
// buckets by the hash's top byte: no array of all of them is ever grown,
// which would hold two copies at once. Two keys
// with one hash cost a search, never a wrong answer: the first of them
// stands for both, so neither is taken for absent, and a digest of one
// entity does not match the other's content.
type snapshot struct {
	seed    maphash.Seed
	buckets [snapshotBuckets][]snapshotEntry // by the key's top byte, each sorted by key
	offsets [snapshotBuckets + 1]int         // position of each bucket's first entry, once sorted

	members []member // room for the members of the entity a raw page read is at
}

const snapshotBuckets = 256

type snapshotEntry struct {
	key    uint64 // hash of the entity's key
	digest uint64 // of its content, noDigest when there is none
}

// noDigest marks an entity whose content cannot be digested (a team that is
// a query, a value that is not JSON): it is present, and always looked up.
const noDigest = 0

// snapshotFields are what a snapshot needs of each owned entity.
var snapshotFields = []string{"identifier", "blueprint", "title", "icon", "team", "properties", "relations"}

// snapshotPage is the entities per listing request: whole entities (1 KB
// each, say) make a page of 5,000 cost tens of MB while it is decoded; 1,000
// keep that a few MB for one request per 1,000 entities.
const snapshotPage = 1000

// takeSnapshot lists every entity the integration owns; keys are hashed with
// seed (see keyHash).
func (a *Applier) takeSnapshot(ctx context.Context, seed maphash.Seed) (*snapshot, error) {
	s := &snapshot{seed: seed}
	if err := a.client.OwnedEntitiesRaw(ctx, time.Time{}, snapshotPage, s.addPage, snapshotFields...); err != nil {
		return nil, err
	}
	s.sort()
	return s, nil
}

// append adds an entry; sort must follow before any lookup.
func (s *snapshot) append(e snapshotEntry) {
	b := &s.buckets[e.key>>56]
	*b = append(*b, e)
}

// sort orders the entries appended, for lookups.
func (s *snapshot) sort() {
	for i := range s.buckets {
		slices.SortFunc(s.buckets[i], func(a, b snapshotEntry) int { return cmp.Compare(a.key, b.key) })
		s.offsets[i+1] = s.offsets[i] + len(s.buckets[i])
	}
}

// size is the number of entities listed.
func (s *snapshot) size() int { return s.offsets[snapshotBuckets] }

// keyHash is the 64-bit hash of an entity key under seed.
func keyHash(seed maphash.Seed, blueprint, id string) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	writeString(&h, blueprint)
	writeString(&h, id)
	return h.Sum64()
}

// find returns the entry of the key hashed to key and its position among
// all entries, [0, size).
func (s *snapshot) find(key uint64) (*snapshotEntry, int, bool) {
	b := s.buckets[key>>56]
	at, ok := slices.BinarySearchFunc(b, key, func(x snapshotEntry, k uint64) int { return cmp.Compare(x.key, k) })
	if !ok {
		return nil, 0, false
	}
	return &b[at], s.offsets[key>>56] + at, true
}

// lookup answers for an entity with a plain identifier and plain relations:
// copyAbsent, copySame, or copyUnknown when a search must decide.
func (s *snapshot) lookup(e *port.Entity, id string) portCopy {
	entry, _, ok := s.find(keyHash(s.seed, e.Blueprint, id))
	if !ok {
		return copyAbsent
	}
	stored := entry.digest
	if stored == noDigest {
		return copyUnknown
	}
	if d, ok := s.digest(e); ok && d == stored {
		return copySame
	}
	return copyUnknown
}

// digest hashes the fields sameAsPort compares, in a form at least as strict
// as it is: equal digests mean an upsert would change nothing, with merge or
// without. Null properties and relations are dropped (Port stores neither),
// teams are sorted sets, numbers are compared by value.
func (s *snapshot) digest(e *port.Entity) (uint64, bool) {
	var h maphash.Hash
	h.SetSeed(s.seed)
	writeOptional(&h, e.Title)
	writeOptional(&h, e.Icon)
	team, ok := teamSet(e.Team)
	if !ok {
		return noDigest, false
	}
	writeLen(&h, '[', len(team))
	for _, t := range team {
		writeString(&h, t)
	}
	for _, fields := range []map[string]any{e.Properties, e.Relations} {
		var buf [32]string
		if !writeObject(&h, sortedKeys(buf[:0], fields, true), fields) {
			return noDigest, false
		}
	}
	d := h.Sum64()
	if d == noDigest {
		d++ // one digest in 2^64 shares its neighbour's: a needless write at worst
	}
	return d, true
}

func writeOptional(h *maphash.Hash, s *string) {
	if s == nil {
		_ = h.WriteByte('z')
		return
	}
	writeString(h, *s)
}

func writeString(h *maphash.Hash, s string) {
	writeLen(h, 's', len(s))
	_, _ = h.WriteString(s)
}

func writeLen(h *maphash.Hash, tag byte, n int) {
	var buf [24]byte
	b := append(buf[:0], tag)
	b = strconv.AppendInt(b, int64(n), 10)
	_, _ = h.Write(append(b, ':'))
}

// sortedKeys appends m's keys to dst, sorted; without those of null values
// when dropNull.
func sortedKeys(dst []string, m map[string]any, dropNull bool) []string {
	for k, v := range m {
		if v != nil || !dropNull {
			dst = append(dst, k)
		}
	}
	slices.Sort(dst)
	return dst
}

// writeObject hashes the members of m named by keys, in that order, as
// writeValue hashes an object of just them.
func writeObject(h *maphash.Hash, keys []string, m map[string]any) bool {
	writeLen(h, '{', len(keys))
	for _, k := range keys {
		writeString(h, k)
		if !writeValue(h, m[k]) {
			return false
		}
	}
	return true
}

// writeValue hashes a JSON value as jsonEqual compares it: object keys in
// order, numbers by canonical decimal. false: v is not JSON.
func writeValue(h *maphash.Hash, v any) bool {
	var buf [64]byte
	if n, ok := appendNumber(buf[:0], v); ok {
		writeLen(h, 'n', len(n))
		_, _ = h.Write(n)
		return true
	}
	switch x := v.(type) {
	case nil:
		_ = h.WriteByte('z')
	case string:
		writeString(h, x)
	case bool:
		if x {
			_ = h.WriteByte('t')
		} else {
			_ = h.WriteByte('f')
		}
	case map[string]any:
		var buf [16]string
		return writeObject(h, sortedKeys(buf[:0], x, false), x)
	case []any:
		writeLen(h, '[', len(x))
		for _, y := range x {
			if !writeValue(h, y) {
				return false
			}
		}
	default:
		n := normalize(v)
		if isOther(n) {
			return false
		}
		return writeValue(h, n)
	}
	return true
}
