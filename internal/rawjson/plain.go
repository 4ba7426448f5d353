package rawjson

// Plain returns how many bytes of s from i on a JSON string holds as they
// are: ASCII, not a control character, '"' or '\\'. It reads eight bytes at a
// time, for the long runs of plain text of names and descriptions.
func Plain[T string | []byte](s T, i int) int {
	start := i
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if special(x) {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			break
		}
	}
	return i - start
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special reports whether one of the eight bytes of x is below 0x20, '"',
// '\\' or from 0x80 on. (b - 0x20) &^ b has its high bit set for a byte b
// below 0x20, (b - 1) &^ b for a zero byte, and no borrow crosses bytes
// unless one of them is such a byte, so no other byte is taken for one.
func special(x uint64) bool {
	quote := x ^ ('"' * ones)
	backslash := x ^ ('\\' * ones)
	return ((x-0x20*ones)&^x|(quote-ones)&^quote|(backslash-ones)&^backslash|x)&highs != 0
}
