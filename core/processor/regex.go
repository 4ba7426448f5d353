package processor

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/itchyny/gojq"
)

// jq's regular expressions are Oniguruma's; gojq's are Go's RE2, which has no
// look-around or back-references, accepts only the g, i and m flags, and its
// $ does not match before a final newline.
// Mappings written for Ocean use them (Ocean's own GitHub mapping has a
// look-ahead), so every regex builtin is redefined on top of _ocean_re:
// patterns and flags RE2 runs go to gojq's own _match (same results, same
// speed); the others run on regexp2, a backtracking engine with Perl syntax.
//
// The definitions are gojq's builtin.jq (MIT) with _match replaced, ordered
// so that each refers to the ones above it: a jq definition sees only those.
const regexPrelude = `
def _ocean_re($re; $flags; $testing):
  if _ocean_re2($re; $flags) then _match($re; $flags; $testing)
  else _ocean_match($re; $flags; $testing) end;
def match($re; $flags): _ocean_re($re; $flags; false)[];
def match($re):
  if $re | type == "array" then match($re[0]; $re[1]) else match($re; null) end;
def test($re; $flags): _ocean_re($re; $flags; true);
def test($re):
  if $re | type == "array" then test($re[0]; $re[1]) else test($re; null) end;
def capture($re; $flags): match($re; $flags) | .captures | _captures;
def capture($re):
  if $re | type == "array" then capture($re[0]; $re[1]) else capture($re; null) end;
def scan($re; $flags):
  match($re; $flags + "g") |
  if .captures == [] then .string else [.captures[].string] end;
def scan($re): scan($re; null);
def splits($re; $flags):
  .[foreach (match($re; $flags + "g"), null) as {$offset, $length}
      (null; {start: .next, end: $offset, next: $offset + $length})];
def splits($re): splits($re; null);
def split($re; $flags): [splits($re; $flags)];
def sub($re; str; $flags):
  reduce match($re; $flags) as {$offset, $length, $captures}
    ({s: ., r: []};
      reduce ($captures | _captures | str) as $s
        (.i = 0; .r[.i] += .s[.next:$offset] + $s | .i += 1) |
      .next = $offset + $length) | .r[] + .s[.next:] // .s;
def sub($re; str): sub($re; str; null);
def gsub($re; str; $flags): sub($re; str; $flags + "g");
def gsub($re; str): sub($re; str; "g");
`

// withRegexPrelude puts the regex definitions in front of q's own, so that a
// mapping's definitions still shadow them. The prelude is parsed per call:
// gojq's compiler may rewrite the tree it is given, so trees are not shared.
func withRegexPrelude(q *gojq.Query) *gojq.Query {
	prelude, err := gojq.Parse(regexPrelude + ".")
	if err != nil {
		panic("processor: regex prelude: " + err.Error())
	}
	q.FuncDefs = append(prelude.FuncDefs, q.FuncDefs...)
	return q
}

// regexEngine decides which engine runs a pattern and keeps the regexp2
// programs, one per pattern and flags, as gojq caches its own.
type regexEngine struct {
	timeout time.Duration
	cache   sync.Map // [2]string{re, flags} → *fallbackRegex (nil: RE2 runs it)
}

// fallbackRegex is a pattern that needs regexp2, with its flags applied.
type fallbackRegex struct {
	re     *regexp2.Regexp
	global bool
}

func (e *regexEngine) functions() []gojq.CompilerOption {
	return []gojq.CompilerOption{
		gojq.WithFunction("_ocean_re2", 2, 2, func(_ any, args []any) any {
			return e.fallback(args[0], args[1]) == nil
		}),
		gojq.WithFunction("_ocean_match", 3, 3, func(v any, args []any) any {
			return e.match(v, args[0], args[1], args[2] == true)
		}),
	}
}

// fallback returns the regexp2 program for re and flags, or nil when gojq
// should run them: RE2 compiles them, or neither engine does (gojq's error
// then names the problem), or they are not strings (gojq's type error).
func (e *regexEngine) fallback(re, flags any) *fallbackRegex {
	pattern, ok := re.(string)
	if !ok {
		return nil
	}
	fs := ""
	if flags != nil {
		if fs, ok = flags.(string); !ok {
			return nil
		}
	}
	key := [2]string{pattern, fs}
	if f, ok := e.cache.Load(key); ok {
		return f.(*fallbackRegex)
	}
	f := e.compile(pattern, fs)
	e.cache.Store(key, f)
	return f
}

func (e *regexEngine) compile(pattern, flags string) *fallbackRegex {
	// Oniguruma's $ (as jq sets it up) also matches before a final newline;
	// RE2's only at the very end, regexp2's as Oniguruma's.
	if !strings.Contains(pattern, "$") &&
		!strings.ContainsFunc(flags, func(r rune) bool { return !strings.ContainsRune("gim", r) }) {
		if _, err := regexp.Compile(pattern); err == nil {
			return nil
		}
	}
	f := &fallbackRegex{}
	opts := regexp2.RegexOptions(regexp2.None)
	for _, r := range flags {
		switch r {
		case 'g':
			f.global = true
		case 'i':
			opts |= regexp2.IgnoreCase
		case 'x':
			opts |= regexp2.IgnorePatternWhitespace
		case 'm', 'p':
			// Oniguruma's multiline: '.' also matches a newline.
			opts |= regexp2.Singleline
		case 's':
			// Oniguruma's single line (^ is \A, $ is \Z) is Perl's default.
		default:
			// n (Oniguruma retries for a non-empty match) and l have no
			// regexp2 counterpart: gojq reports them as unsupported.
			return nil
		}
	}
	re, err := regexp2.Compile(pattern, opts)
	if err != nil {
		return nil
	}
	// With named groups Oniguruma captures only those.
	for _, name := range re.GetGroupNames()[1:] {
		if _, err := strconv.Atoi(name); err != nil {
			if re, err = regexp2.Compile(pattern, opts|regexp2.ExplicitCapture); err != nil {
				return nil
			}
			break
		}
	}
	re.MatchTimeout = e.timeout
	f.re = re
	return f
}

// match is jq's _match on regexp2: test gives a boolean, otherwise an array of
// match objects with offsets and lengths in code points.
func (e *regexEngine) match(v, re, flags any, testing bool) any {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%s (%s) cannot be matched, as it is not a string", typeOf(v), gojq.Preview(v))
	}
	f := e.fallback(re, flags)
	if f == nil {
		return fmt.Errorf("_ocean_match: %q is for gojq's _match", re)
	}
	if testing {
		m, err := f.re.MatchString(s)
		if err != nil {
			return fmt.Errorf("regular expression %q: %w", re, err)
		}
		return m
	}
	out := []any{}
	m, err := f.re.FindStringMatch(s)
	for ; m != nil && err == nil; m, err = f.re.FindNextMatch(m) {
		out = append(out, f.matchObject(m))
		if !f.global {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("regular expression %q: %w", re, err)
	}
	return out
}

func (f *fallbackRegex) matchObject(m *regexp2.Match) map[string]any {
	groups := m.Groups()[1:]
	captures := make([]any, len(groups))
	for i, g := range groups {
		var name any
		if _, err := strconv.Atoi(g.Name); err != nil {
			name = g.Name
		}
		if len(g.Captures) == 0 {
			captures[i] = map[string]any{"offset": -1, "length": 0, "string": nil, "name": name}
			continue
		}
		captures[i] = map[string]any{"offset": g.Index, "length": g.Length, "string": g.String(), "name": name}
	}
	return map[string]any{"offset": m.Index, "length": m.Length, "string": m.String(), "captures": captures}
}
