package processor

import (
	"testing"

	"github.com/itchyny/gojq"

	"github.com/stretchr/testify/assert"
)

// The expected values were produced by Ocean's regular expression with
// Python's re.sub, replacement \1"\2.
func TestNormalizeQuotes(t *testing.T) {
	tests := []struct{ in, want string }{
		{`'fake-person'`, `"fake-person"`},
		{`.name`, `.name`},
		{`'a' 'b'`, `"a" 'b"`}, // the second opening quote's space was consumed
		{`.x | test('^foo')`, `.x | test('^foo')`},
		{`"it's"`, `"it's"`},
		{`'it's'`, `"it's"`},
		{`"rock 'n' roll"`, `"rock "n" roll"`},
		{`.a + ' '`, `.a + ' "`},
		{`' x'`, `" x"`},
		{`'"q"'`, `'"q"'`},
		{`'`, `"`},
		{`''`, `""`},
		{`x'`, `x"`},
		{`'x`, `"x`},
		{`if .a then 'yes' else 'no' end`, `if .a then "yes" else "no" end`},
		{`'été'`, `"été"`},
		{".a\t'b'\n", ".a\t\"b\"\n"},
		{`'a''b'`, `"a''b"`},
		{`"'"`, `"'"`},
		{`.title // 'Untitled'`, `.title // "Untitled"`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, normalizeQuotes(tt.in), "input %q", tt.in)
	}
}

func FuzzNormalizeQuotes(f *testing.F) {
	for _, s := range []string{`'a' 'b'`, `"rock 'n' roll"`, "'\u2028'", "\xff'", `' '`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := normalizeQuotes(s)
		if len(out) != len(s) {
			t.Fatalf("only quotes are replaced, byte for byte: %q -> %q", s, out)
		}
	})
}

// FuzzDeletionPath checks that the top-level transform of any itemsToParse
// expression is a valid program.
func FuzzDeletionPath(f *testing.F) {
	for _, s := range []string{".items", `.["a"][0].b | map(.)`, "(.a[1:2])", ". as $x | $x.a | .b", `.a["\(x)"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		del := "del(" + deletionPath(s) + ")"
		if _, err := gojq.Parse(del); err != nil {
			t.Fatalf("%q gives %s: %v", s, del, err)
		}
	})
}
