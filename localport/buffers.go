package localport

import "unsafe"

// lentJSON is an answer a handler encoded into a buffer lent by bufpool
// (with the newline json.Encoder ends with); writeJSON gives it back.
// Request bodies and rendered answers are most of what the server
// allocates (a bulk of 20 entities, a listing page of 1,000): their buffers
// are lent again instead of grown by append and dropped per request.
type lentJSON []byte

// readOnlyBytes views s as bytes without copying it, for functions that only
// read their argument (the stored bodies an answer copies).
func readOnlyBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
