package applier

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
)

// jsonEqual compares two JSON-like values as JSON: object key order does not
// matter and numbers compare by decimal value, so json.Number("1.10") equals
// 1.1 and big integers compare exactly. Go values that are not plain JSON
// shapes ([]string, structs, ...) are compared through their JSON encoding.
func jsonEqual(a, b any) bool {
	if an, ok := number(a); ok {
		bn, ok := number(b)
		return ok && an == bn
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return isOther(b) && jsonEqual(a, normalize(b))
		}
		if len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok {
			return isOther(b) && jsonEqual(a, normalize(b))
		}
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	n := normalize(a)
	if isOther(n) { // not encodable: fall back to Go equality
		return reflect.DeepEqual(a, b)
	}
	return jsonEqual(n, b)
}

// isOther reports whether v is not one of the shapes encoding/json decodes to.
func isOther(v any) bool {
	switch v.(type) {
	case nil, string, bool, map[string]any, []any:
		return false
	}
	_, isNum := number(v)
	return !isNum
}

// normalize re-decodes v from its JSON encoding (numbers as json.Number); it
// returns v itself when v cannot be encoded.
func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		return v
	}
	return out
}

// number returns the canonical decimal form of a numeric value.
func number(v any) (string, bool) {
	var buf [64]byte
	n, ok := appendNumber(buf[:0], v)
	return string(n), ok
}

// appendNumber appends number(v) to dst.
func appendNumber(dst []byte, v any) ([]byte, bool) {
	var buf [32]byte
	var text []byte
	switch n := v.(type) {
	case json.Number:
		return appendNumberText(dst, n), true
	case float64:
		text = strconv.AppendFloat(buf[:0], n, 'g', -1, 64)
	case float32:
		text = strconv.AppendFloat(buf[:0], float64(n), 'g', -1, 32)
	case int:
		text = strconv.AppendInt(buf[:0], int64(n), 10)
	case int64:
		text = strconv.AppendInt(buf[:0], n, 10)
	case int32:
		text = strconv.AppendInt(buf[:0], int64(n), 10)
	case uint64:
		text = strconv.AppendUint(buf[:0], n, 10)
	case uint:
		text = strconv.AppendUint(buf[:0], uint64(n), 10)
	case uint32:
		text = strconv.AppendUint(buf[:0], uint64(n), 10)
	default:
		return dst, false
	}
	return appendNumberText(dst, text), true
}

// appendNumberText appends the canonical form of a number's text, or the
// text as it is when it is not a JSON number (NaN, Inf, malformed: compared
// as written).
func appendNumberText[T ~string | ~[]byte](dst []byte, text T) []byte {
	if out, ok := appendCanonical(dst, text); ok {
		return out
	}
	for i := range len(text) {
		dst = append(dst, text[i])
	}
	return dst
}

// canonicalDecimal rewrites a JSON number as <sign><digits>e<exponent> with no
// leading or trailing zeros in digits, so equal values have equal text. It
// works on the text, so huge exponents and long integers cost nothing extra.
func canonicalDecimal(s string) (string, bool) {
	var buf [64]byte
	out, ok := appendCanonical(buf[:0], s)
	return string(out), ok
}

// appendCanonical appends canonicalDecimal(s) to dst; false (dst as it was)
// when s is not a decimal number.
func appendCanonical[T ~string | ~[]byte](dst []byte, s T) ([]byte, bool) {
	start := len(dst)
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	mant, expText := s, s[:0]
	for i := range len(s) {
		if s[i] == 'e' || s[i] == 'E' {
			mant, expText = s[:i], s[i+1:]
			exp, ok := parseExponent(expText)
			if !ok {
				return dst, false
			}
			return appendDigits(dst, start, neg, mant, exp)
		}
	}
	return appendDigits(dst, start, neg, mant, 0)
}

// appendDigits appends the canonical form of the mantissa mant times
// 10^exp.
func appendDigits[T ~string | ~[]byte](dst []byte, start int, neg bool, mant T, exp int) ([]byte, bool) {
	intLen := len(mant)
	for i := range len(mant) {
		if mant[i] == '.' {
			intLen = i
			break
		}
	}
	digitsAt := start
	if neg {
		dst = append(dst, '-')
		digitsAt++
	}
	for i := range len(mant) {
		switch c := mant[i]; {
		case c >= '0' && c <= '9':
			dst = append(dst, c)
		case i != intLen:
			return dst[:start], false
		}
	}
	d := dst[digitsAt:]
	if len(d) == 0 {
		return dst[:start], false
	}
	exp -= len(mant) - min(intLen+1, len(mant)) // digits after the point
	lead := 0
	for lead < len(d) && d[lead] == '0' {
		lead++
	}
	if lead == len(d) {
		return append(dst[:start], '0'), true
	}
	end := len(d)
	for d[end-1] == '0' {
		end--
	}
	exp += len(d) - end
	n := copy(d, d[lead:end])
	dst = append(dst[:digitsAt+n], 'e')
	return strconv.AppendInt(dst, int64(exp), 10), true
}

// parseExponent reads a number's exponent, of up to 18 digits.
func parseExponent[T ~string | ~[]byte](s T) (int, bool) {
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	n := 0
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
