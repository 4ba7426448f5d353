package processor

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Expected outputs are what jq 1.8.2 (Oniguruma) prints for the same program.
func TestRegexFallback(t *testing.T) {
	p := New(Options{})
	tests := []struct {
		name, query string
		want        []string
	}{
		{"look-ahead in gsub (Ocean's GitHub mapping)",
			`"dependabot[bot]" | gsub("\\["; "-") | gsub("\\](?=[^$])"; "-") | gsub("\\]$"; "")`,
			[]string{`"dependabot-bot"`}},
		{"look-behind in test", `"My-Repo" | test("(?<=My)-")`, []string{`true`}},
		{"negative look-behind in sub", `"bot-robot" | sub("(?<!ro)bot"; "X")`, []string{`"X-robot"`}},
		{"back-reference", `"hello" | [match("(l)\\1").offset]`, []string{`[2]`}},
		{"offsets count code points", `"ééa-b" | match("(?<=a)-") | [.offset, .length]`, []string{`[3,1]`}},
		{"named groups capture alone, as in Oniguruma",
			`"v1.2" | capture("(?<major>\\d+)(\\.)(?<minor>\\d+)(?!\\d)")`,
			[]string{`{"major":"1","minor":"2"}`}},
		{"unmatched group", `"ab" | match("(?<x>z)?b(?=$)") | .captures`,
			[]string{`[{"name":"x","offset":-1,"length":0,"string":null}]`}},
		{"global scan", `"a1b22c333" | [scan("\\d+(?=[a-z]|$)")]`, []string{`["1","22","333"]`}},
		{"split with flags", `"a, b,c" | split(",\\s*(?=[a-z])"; null)`, []string{`["a","b","c"]`}},
		{"x flag", `"ab" | test("a b # comment"; "x")`, []string{`true`}},
		{"i flag", `"ABC" | test("(?<=a)b"; "i")`, []string{`true`}},
		{"s flag: ^ and $ are the text's ends", `"a\nb" | test("^b$"; "s")`, []string{`false`}},
		{"m flag: dot matches a newline", `"a\nb" | test("a.b(?!c)"; "m")`, []string{`true`}},
		{"$ also matches before a final newline", `"abc\n" | [test("c$"), test("^abc$"), ("abc\nd" | test("c$"))]`, []string{`[true,true,false]`}},
		{"sub at $ keeps the final newline", `"abc\n" | sub("c$"; "X")`, []string{`"abX\n"`}},
		{"RE2 patterns keep gojq's engine", `"My-Repo" | [match("[A-Z]"; "g").offset]`, []string{`[0,3]`}},
		{"a mapping's own definition wins", `def test($re): "mine"; "x" | test("(?=x)")`, []string{`"mine"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := runAll(p, tt.query, nil)
			require.NoError(t, err)
			require.Len(t, got, len(tt.want))
			for i := range got {
				assert.JSONEq(t, tt.want[i], got[i])
			}
		})
	}
}

func TestRegexFallbackErrors(t *testing.T) {
	tests := []struct {
		name, query, want string
	}{
		{"not a string", `1 | test("(?=1)")`, "cannot be matched, as it is not a string"},
		{"invalid in both engines", `"a" | test("(?<=a")`, "invalid regular expression"},
		{"unsupported flag", `"a" | test("(?=a)"; "q")`, "unsupported regular expression flag"},
		{"n has no regexp2 counterpart", `"a" | test("(?=a)"; "gn")`, "unsupported regular expression flag"},
	}
	p := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runAll(p, tt.query, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A backtracking pattern cannot hold a worker beyond the item timeout.
func TestRegexFallbackTimeout(t *testing.T) {
	p := New(Options{ItemTimeout: 50 * time.Millisecond})
	query := `test("^(?=a)(a+)+$")`
	_, err := runAll(p, query, strings.Repeat("a", 40)+"b")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "timeout")
}

// FuzzRegex checks that any pattern, flags and subject give a result or an
// error, never a panic, and that match and test agree.
func FuzzRegex(f *testing.F) {
	for _, s := range [][3]string{
		{`(?<=a)b`, "g", "ab"}, {`(a)\1`, "", "aa"}, {`a b`, "x", "ab"},
		{`(?<x>z)?b`, "gi", "éB"}, {`^$`, "s", "\n"}, {`[`, "", ""}, {`(?=)`, "g", "abc"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	p := New(Options{ItemTimeout: time.Second})
	f.Fuzz(func(t *testing.T, re, flags, s string) {
		in := map[string]any{"re": re, "flags": flags, "s": s}
		tested, testErr := runAll(p, `. as $a | $a.s | test($a.re; $a.flags)`, in)
		matched, matchErr := runAll(p, `. as $a | $a.s | [match($a.re; $a.flags)] | length > 0`, in)
		if (testErr == nil) != (matchErr == nil) {
			t.Fatalf("test error %v, match error %v", testErr, matchErr)
		}
		if testErr == nil && !strings.Contains(flags, "g") && tested[0] != matched[0] {
			t.Fatalf("test gives %s, match %s", tested[0], matched[0])
		}
	})
}
