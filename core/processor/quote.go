package processor

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalizeQuotes rewrites single quotes used as string delimiters to double
// quotes, as Ocean does before compiling (mapping authors write 'x' for "x").
//
// Ocean uses the regular expression (^|\s)'(?!\s|")|(?<!\s|")'(\s|$) with
// re.sub; Go's regexp has no look-around, so this scanner reproduces its
// matches exactly, including that a match consumes the whitespace next to the
// quote (in "'a' 'b'" the third quote is left alone, as in Ocean). Quotes
// inside words are never touched.
func normalizeQuotes(src string) string {
	if !strings.Contains(src, "'") {
		return src
	}
	var b strings.Builder
	b.Grow(len(src))
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		// (^|\s)'(?!\s|"): at the start, or a whitespace then the quote.
		if i == 0 && r == '\'' && opensString(src[size:]) {
			b.WriteByte('"')
			i += size
			continue
		}
		if isSpace(r) {
			if next := src[i+size:]; strings.HasPrefix(next, "'") && opensString(next[1:]) {
				b.WriteString(src[i : i+size])
				b.WriteByte('"')
				i += size + 1
				continue
			}
		}
		// (?<!\s|")'(\s|$): a quote not after whitespace or '"', then whitespace or the end.
		if r == '\'' && !afterSpaceOrQuote(src[:i]) {
			next := src[i+1:]
			if next == "" {
				b.WriteByte('"')
				i++
				continue
			}
			if nr, nsize := utf8.DecodeRuneInString(next); isSpace(nr) {
				b.WriteByte('"')
				b.WriteString(next[:nsize])
				i += 1 + nsize
				continue
			}
		}
		b.WriteString(src[i : i+size])
		i += size
	}
	return b.String()
}

// opensString is the look-ahead (?!\s|"): the end, or neither space nor '"'.
func opensString(rest string) bool {
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !isSpace(r) && r != '"'
}

// afterSpaceOrQuote is the look-behind (?<=\s|"): false at the start.
func afterSpaceOrQuote(before string) bool {
	if before == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(before)
	return isSpace(r) || r == '"'
}

// isSpace is Python's \s on str: Unicode white space plus the separators
// U+001C..U+001F.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}
