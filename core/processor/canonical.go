package processor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// Canonical encodes v as JSON with sorted object keys and every number in one
// canonical form, so that two values that are the same JSON value encode to the
// same bytes: json.Number("1.10"), 1.1 and json.Number("1.1") all become 1.1,
// 1e2 becomes 100, and big integers stay exact. NaN encodes as null and
// infinities as ±1.7976931348623157e308, as gojq does. Values that are not
// JSON-shaped are normalised first (see Normalize).
func Canonical(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := writeCanonical(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Equal reports whether a and b are the same JSON value: object key order does
// not matter and numbers compare by exact decimal value (see Canonical). A
// value that cannot be encoded as JSON is equal to nothing.
func Equal(a, b any) bool {
	if isForeign(a) || isForeign(b) {
		na, errA := Normalize(a)
		nb, errB := Normalize(b)
		return errA == nil && errB == nil && Equal(na, nb)
	}
	a, b = nanToNil(a), nanToNil(b)
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, e := range x {
			f, ok := y[k]
			if !ok || !Equal(e, f) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		return ok && slices.EqualFunc(x, y, Equal)
	case int:
		if y, ok := b.(int); ok {
			return x == y
		}
	}
	an, _ := canonicalNumber(a)
	bn, ok := canonicalNumber(b)
	return ok && an != "" && an == bn
}

// isForeign reports whether v is not a JSON-shaped value.
func isForeign(v any) bool {
	switch v.(type) {
	case nil, bool, string, int, float64, json.Number, *big.Int, map[string]any, []any:
		return false
	}
	return true
}

func nanToNil(v any) any {
	if f, ok := v.(float64); ok && math.IsNaN(f) {
		return nil
	}
	return v
}

func writeCanonical(b *bytes.Buffer, v any) error {
	if n, ok := canonicalNumber(v); ok {
		if n == "" {
			return fmt.Errorf("invalid number %v", v)
		}
		b.WriteString(n)
		return nil
	}
	switch x := nanToNil(v).(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		s, _ := json.Marshal(x)
		b.Write(s)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeCanonical(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range x {
				if !yield(k) {
					return
				}
			}
		}) {
			if i > 0 {
				b.WriteByte(',')
			}
			s, _ := json.Marshal(k)
			b.Write(s)
			b.WriteByte(':')
			if err := writeCanonical(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		n, err := viaJSON(v)
		if err != nil {
			return err
		}
		return writeCanonical(b, n)
	}
	return nil
}

// canonicalNumber returns the canonical text of a number and true, or false
// for non-numbers. An unparsable json.Number gives "" and true. NaN is not a
// number here (it encodes as null).
func canonicalNumber(v any) (string, bool) {
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x), true
	case float64:
		if math.IsNaN(x) {
			return "", false
		}
		x = max(-math.MaxFloat64, min(math.MaxFloat64, x))
		return canonicalDecimal(strconv.FormatFloat(x, 'e', -1, 64)), true
	case json.Number:
		return canonicalDecimal(string(x)), true
	case *big.Int:
		return x.String(), true
	}
	return "", false
}

// canonicalDecimal rewrites a JSON number's text as digits × 10^exp in one
// form: plain for moderate magnitudes, d.ddde±x otherwise. It returns "" for
// text that is not a number.
func canonicalDecimal(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expPart, hasExp := strings.Cut(strings.ToLower(s), "e")
	exp := 0
	if hasExp {
		e, err := strconv.Atoi(expPart)
		if err != nil {
			return ""
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" && frac == "" {
		return ""
	}
	digits := intPart + frac
	for _, c := range digits {
		if c < '0' || c > '9' {
			return ""
		}
	}
	exp -= len(frac)
	digits = strings.TrimLeft(digits, "0")
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	digits = trimmed
	if digits == "" {
		return "0"
	}
	sign := ""
	if neg {
		sign = "-"
	}
	n := len(digits)
	point := n + exp // position of the decimal point from the left of digits
	switch {
	case exp >= 0 && point <= 21:
		return sign + digits + strings.Repeat("0", exp)
	case exp < 0 && point > 0:
		return sign + digits[:point] + "." + digits[point:]
	case exp < 0 && point > -6:
		return sign + "0." + strings.Repeat("0", -point) + digits
	}
	out := sign + digits[:1]
	if n > 1 {
		out += "." + digits[1:]
	}
	return out + "e" + strconv.Itoa(point-1)
}
