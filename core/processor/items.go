package processor

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/itchyny/gojq"

	"github.com/ocean-go/ocean/core/appconfig"
	"github.com/ocean-go/ocean/core/jsonorder"
)

// itemsToParse fans an item out into one item per element of a list in it.
type itemsToParse struct {
	src   string
	code  *gojq.Code
	name  string     // key each element is stored under
	strip *gojq.Code // del(<path of the list>); nil without the top-level transform
}

func (p *Processor) compileItemsToParse(pr *appconfig.PortResource) (*itemsToParse, error) {
	code, err := p.compile(pr.ItemsToParse)
	if err != nil {
		return nil, err
	}
	it := &itemsToParse{src: pr.ItemsToParse, code: code, name: pr.ItemsToParseName}
	if it.name == "" {
		it.name = appconfig.DefaultItemsToParseName
	}
	if pr.ItemsToParseTopLevelTransform {
		del := "del(" + deletionPath(normalizeQuotes(pr.ItemsToParse)) + ")"
		if it.strip, err = p.compile(del); err != nil {
			return nil, fmt.Errorf("top-level transform %s: %w", del, err)
		}
	}
	return it, nil
}

// ExpandItems applies itemsToParse to one raw item: it returns one item per
// element of the list the expression yields, each a shallow copy of the parent
// with the element under itemsToParseName. With the top-level transform (the
// default) the list itself is first deleted from the parent, so that every
// element does not carry all its siblings. Without itemsToParse it returns the
// item itself; an item whose list is null gives none. The error says why the
// item produced nothing; ctx and the item timeout bound the evaluation.
func (m *Mapping) ExpandItems(ctx context.Context, item any) ([]any, error) {
	it := m.itemsToParse
	if it == nil {
		return []any{item}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, m.p.itemTimeout)
	defer cancel()
	v, _, err := safeFirst(ctx, it.code, item)
	if err != nil {
		return nil, fmt.Errorf("itemsToParse %q: %w", it.src, err)
	}
	if v == nil {
		// An item without the list (a repository with no pull requests) has
		// nothing to parse; failing it would fail the kind and stop every
		// deletion of the resync, as Ocean does not.
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("itemsToParse %q must give a list, got %s", it.src, typeOf(v))
	}
	parent := item
	if it.strip != nil {
		if parent, _, err = safeFirst(ctx, it.strip, item); err != nil {
			return nil, fmt.Errorf("itemsToParse %q top-level transform: %w", it.src, err)
		}
		if parent == nil {
			return nil, fmt.Errorf("itemsToParse %q: the top-level transform left nothing of the item "+
				"(set itemsToParseTopLevelTransform: false to keep the parent)", it.src)
		}
	}
	obj, ok := parent.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("itemsToParse %q: the item must be an object to hold %q, got %s", it.src, it.name, typeOf(parent))
	}
	// Each copy keeps the item's key order, the element last (Ocean builds
	// {**parent, name: element}).
	order, _ := item.(map[string]any)
	if order == nil {
		order = obj
	}
	out := make([]any, len(list))
	for i, el := range list {
		c := make(map[string]any, len(obj)+1)
		for k, v := range obj {
			c[k] = v
		}
		c[it.name] = el
		jsonorder.Derive(c, order)
		out[i] = c
	}
	return out, nil
}

// safeFirst is first with panics turned into errors.
func safeFirst(ctx context.Context, code *gojq.Code, input any) (v any, ok bool, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("panic: %v", rec)
		}
	}()
	return first(ctx, code, input)
}

// deletionPath finds the path of the list an itemsToParse expression reads,
// as Ocean does: keep a leading parenthesis group, split on top-level pipes,
// skip ". as $x", "." and "$var" segments and take the leading path of the
// first segment that starts like one (.a.b, .a[0], .["x"]). It returns "."
// when there is none, which deletes the whole item.
func deletionPath(expr string) string {
	s := stripParens(strings.TrimSpace(expr))
	for _, seg := range splitPipes(s) {
		seg = strings.TrimSpace(seg)
		switch {
		case seg == "." || strings.HasPrefix(seg, "$") || isBinding(seg):
			continue
		}
		// The scanner is lenient about string escapes; the parser decides.
		if p := leadingPath(seg); p != "" && parses("del("+p+")") {
			return p
		}
	}
	return "."
}

func parses(src string) bool {
	_, err := gojq.Parse(src)
	return err == nil
}

// isBinding matches ". as $x" (and ". as [$a, $b]").
func isBinding(seg string) bool {
	rest, ok := strings.CutPrefix(seg, ".")
	if !ok {
		return false
	}
	trimmed := strings.TrimLeft(rest, " \t\r\n")
	if len(trimmed) == len(rest) {
		return false // ".as" is a path
	}
	after, ok := strings.CutPrefix(trimmed, "as")
	return ok && after != "" && strings.ContainsRune(" \t\r\n", rune(after[0]))
}

// stripParens keeps only the group an expression starts with, as Ocean does:
// the list of "(.items // []) | map(…)" is .items. Unbalanced gives "".
func stripParens(s string) string {
	for len(s) >= 2 && s[0] == '(' {
		end := matchingClose(s, 0)
		if end < 0 {
			return ""
		}
		s = strings.TrimSpace(s[1:end])
	}
	return s
}

// matchingClose returns the index of the bracket closing s[open], or -1 when
// brackets do not match.
func matchingClose(s string, open int) int {
	var want []byte // closers expected, innermost last
	for i := open; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			i = skipString(s, i)
		case '(', '[', '{':
			want = append(want, map[byte]byte{'(': ')', '[': ']', '{': '}'}[c])
		case ')', ']', '}':
			if len(want) == 0 || want[len(want)-1] != c {
				return -1
			}
			want = want[:len(want)-1]
			if len(want) == 0 {
				return i
			}
		}
	}
	return -1
}

// skipString returns the index of the quote closing the string at s[i].
func skipString(s string, i int) int {
	for i++; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(s)
}

// splitPipes splits on | outside brackets and strings, leaving |= alone.
func splitPipes(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			i = skipString(s, i)
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case '|':
			if depth == 0 && !strings.HasPrefix(s[i:], "|=") {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// leadingPath returns the path expression at the start of seg: a sequence of
// .name, ."name", .[literal] and [literal] steps starting with a dot.
func leadingPath(seg string) string {
	if !strings.HasPrefix(seg, ".") {
		return ""
	}
	i := 0
	for i < len(seg) {
		j := i
		dot := seg[j] == '.'
		if dot {
			j++
		}
		switch {
		case j < len(seg) && dot && isIdentStart(seg[j]):
			for j < len(seg) && isIdentPart(seg[j]) {
				j++
			}
		case j < len(seg) && dot && seg[j] == '"':
			j = skipString(seg, j) + 1
		case j < len(seg) && seg[j] == '[':
			end := matchingClose(seg, j)
			if end < 0 || !isLiteralIndex(seg[j+1:end]) {
				return pathOrEmpty(seg[:i])
			}
			j = end + 1
		default:
			return pathOrEmpty(seg[:i])
		}
		if j > len(seg) {
			return pathOrEmpty(seg[:i])
		}
		i = j
	}
	return pathOrEmpty(seg[:i])
}

func pathOrEmpty(p string) string {
	if p == "" || p == "." {
		return ""
	}
	return p
}

// literalIndexRE is what may sit between the brackets of a plain path:
// nothing, an index, a slice or a string.
var literalIndexRE = regexp.MustCompile(`^\s*(?:-?[0-9]+|-?[0-9]+\s*:\s*-?[0-9]*|:\s*-?[0-9]+|"(?:[^"\\]|\\[^(])*")?\s*$`)

func isLiteralIndex(s string) bool { return literalIndexRE.MatchString(s) }

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentPart(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }
