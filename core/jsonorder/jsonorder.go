package jsonorder

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"unsafe"
	"weak"

	"github.com/ocean-go/ocean/internal/rawjson"
)

// entry is the recorded order of one map.
type entry struct {
	owner weak.Pointer[byte] // the map's header; nil Value once it is collected
	keys  []string
}

// orders maps a map header's address to its *entry.
var orders sync.Map

func header(m map[string]any) unsafe.Pointer { return reflect.ValueOf(m).UnsafePointer() }

// Record sets the order of m's keys. keys should be m's keys, each once; the
// order of keys m does not hold is ignored. Objects of fewer than two keys,
// or already sorted, need no record.
func Record(m map[string]any, keys []string) {
	if len(m) < 2 || slices.IsSorted(keys) {
		return
	}
	p := header(m)
	owner := (*byte)(p)
	e := &entry{owner: weak.Make(owner), keys: keys}
	addr := uintptr(p)
	orders.Store(addr, e)
	runtime.AddCleanup(owner, func(e *entry) { orders.CompareAndDelete(addr, e) }, e)
}

// recorded returns m's recorded order, if any.
func recorded(m map[string]any) ([]string, bool) {
	if len(m) < 2 {
		return nil, false
	}
	p := header(m)
	v, ok := orders.Load(uintptr(p))
	if !ok {
		return nil, false
	}
	e := v.(*entry)
	if unsafe.Pointer(e.owner.Value()) != p {
		return nil, false // a collected map's entry, not yet removed
	}
	return e.keys, true
}

// Keys returns m's keys in their recorded order, sorted when there is none.
// A key the record does not name (m changed since) comes last, sorted. The
// slice may be the record itself, shared by objects decoded alike: it must
// not be changed.
func Keys(m map[string]any) []string {
	keys, ok := recorded(m)
	if ok && len(keys) == len(m) && allIn(keys, m) {
		return keys
	}
	out := make([]string, 0, len(m))
	if ok {
		for _, k := range keys {
			if _, in := m[k]; in && !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	start := len(out)
	for k := range m {
		if !ok || !slices.Contains(out[:start], k) {
			out = append(out, k)
		}
	}
	slices.Sort(out[start:])
	return out
}

func allIn(keys []string, m map[string]any) bool {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// Derive records for dst the order of src's keys it holds, then its own
// others, sorted: a copy of an object with keys added or removed keeps the
// order of the original.
func Derive(dst, src map[string]any) {
	if len(dst) < 2 {
		return
	}
	keys := make([]string, 0, len(dst))
	for _, k := range Keys(src) {
		if _, ok := dst[k]; ok {
			keys = append(keys, k)
		}
	}
	if len(keys) < len(dst) {
		var extra []string
		for k := range dst {
			if _, ok := src[k]; !ok {
				extra = append(extra, k)
			}
		}
		slices.Sort(extra)
		keys = append(keys, extra...)
	}
	Record(dst, keys)
}

// Unmarshal decodes one JSON value as encoding/json does into an any, numbers
// as json.Number, and records the key order of its objects. rawjson reads it
// without encoding/json's per-byte scanner (raw items come by the million);
// what rawjson refuses goes to encoding/json, for its verdict and message.
func Unmarshal(data []byte) (any, error) {
	var lists keyLists
	if v, err := rawjson.DecodeOrdered(data, lists.record); err == nil {
		return v, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("jsonorder: data after the JSON value")
	}
	RecordFrom(data, v)
	return v, nil
}

// keyLists records the orders rawjson tells in one decoding, objects with
// the same keys in the same order (the items of a page) sharing one list.
type keyLists struct {
	recent [4][]string
	next   int
}

func (l *keyLists) record(m map[string]any, keys []string) {
	if slices.IsSorted(keys) {
		return // the order Keys gives unrecorded
	}
	for _, r := range l.recent {
		if slices.Equal(r, keys) {
			Record(m, r)
			return
		}
	}
	own := slices.Clone(keys)
	if len(own) > len(m) {
		own = slices.Clip(unique(own))
	}
	if len(own) == len(keys) {
		l.recent[l.next] = own
		l.next = (l.next + 1) % len(l.recent)
	}
	Record(m, own)
}

// RecordFrom records the key order of the objects in v, which encoding/json
// decoded from data (one JSON value, surrounding space allowed).
func RecordFrom(data []byte, v any) {
	s := scanner{data: data}
	s.value(v)
}

// scanner walks JSON text beside the value decoded from it. The text is valid
// JSON: encoding/json decoded it.
type scanner struct {
	data []byte
	pos  int
}

func (s *scanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\r', '\n':
			s.pos++
		default:
			return
		}
	}
}

// value reads the value at pos, which decoded to v; on a mismatch (a
// duplicate key's earlier value) it only skips.
func (s *scanner) value(v any) {
	s.space()
	if s.pos >= len(s.data) {
		return
	}
	switch s.data[s.pos] {
	case '{':
		obj, _ := v.(map[string]any)
		s.pos++
		var keys []string
		for {
			s.space()
			if s.data[s.pos] == '}' {
				s.pos++
				break
			}
			if s.data[s.pos] == ',' {
				s.pos++
				continue
			}
			key := s.key()
			s.space()
			s.pos++ // ':'
			if obj == nil {
				s.value(nil)
				continue
			}
			keys = append(keys, key)
			s.value(obj[key])
		}
		if obj != nil {
			if len(keys) > len(obj) {
				keys = unique(keys)
			}
			Record(obj, keys)
		}
	case '[':
		arr, _ := v.([]any)
		s.pos++
		for i := 0; ; {
			s.space()
			switch s.data[s.pos] {
			case ']':
				s.pos++
				return
			case ',':
				s.pos++
				continue
			}
			if i < len(arr) {
				s.value(arr[i])
			} else {
				s.value(nil)
			}
			i++
		}
	case '"':
		s.str()
	default:
		for s.pos < len(s.data) && !bytes.ContainsRune([]byte(",]} \t\r\n"), rune(s.data[s.pos])) {
			s.pos++
		}
	}
}

// str skips the string at pos and returns its text between the quotes and
// whether it has escapes.
func (s *scanner) str() ([]byte, bool) {
	start := s.pos + 1
	escaped := false
	for s.pos++; s.pos < len(s.data); s.pos++ {
		switch s.data[s.pos] {
		case '\\':
			escaped = true
			s.pos++
		case '"':
			s.pos++
			return s.data[start : s.pos-1], escaped
		}
	}
	return s.data[start:], escaped
}

func (s *scanner) key() string {
	start := s.pos
	raw, escaped := s.str()
	if !escaped {
		return string(raw)
	}
	var k string
	_ = json.Unmarshal(s.data[start:s.pos], &k) // valid: decoded before
	return k
}

// unique keeps the first place of each key; the value is the last one's, as
// in encoding/json and jq.
func unique(keys []string) []string {
	seen := make(map[string]bool, len(keys))
	out := keys[:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// Append appends the JSON encoding of v to dst with objects (map[string]any)
// in their recorded key order. scalar encodes every other value (nil, bool,
// numbers, strings, and values that are not JSON-shaped); nil means
// encoding/json.
func Append(dst []byte, v any, scalar func(any) ([]byte, error)) ([]byte, error) {
	switch x := v.(type) {
	case map[string]any:
		dst = append(dst, '{')
		for i, k := range Keys(x) {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendScalar(dst, k, scalar); err != nil {
				return nil, err
			}
			dst = append(dst, ':')
			if dst, err = Append(dst, x[k], scalar); err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
		}
		return append(dst, '}'), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = Append(dst, e, scalar); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	}
	return appendScalar(dst, v, scalar)
}

// appendScalar appends v with scalar, or, without one, as encoding/json
// with HTML escaping off (rawjson writes the common types without
// reflection: entities are encoded by the million).
func appendScalar(dst []byte, v any, scalar func(any) ([]byte, error)) ([]byte, error) {
	if scalar == nil {
		return rawjson.Append(dst, v)
	}
	b, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

// Marshal is Append to a new slice, scalars as encoding/json writes them.
func Marshal(v any) ([]byte, error) { return Append(nil, v, nil) }
