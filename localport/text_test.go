package localport

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// What checkText lets through decodes to exactly the text sent: every U+FFFD
// in the decoded string was sent as one (raw or escaped), none is Go's
// replacement for something that was not text.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{`"abc"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\\ud800"`, "\"caf\xe9\"", `"\ufffd"`, "\"\uFFFD\"", `"\uDE00\uD83D"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if checkText(data) != nil {
			return
		}
		var s string
		if json.Unmarshal(data, &s) != nil {
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("%q decoded to invalid UTF-8 %q", data, s)
		}
		sent := strings.Count(string(data), "\uFFFD") + strings.Count(strings.ToLower(string(data)), `\ufffd`)
		if got := strings.Count(s, "\uFFFD"); got > sent {
			t.Fatalf("%q decoded to %q: %d replacement characters, %d sent", data, s, got, sent)
		}
	})
}
