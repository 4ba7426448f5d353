package applier

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
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
	var s string
	switch n := v.(type) {
	case json.Number:
		s = string(n)
	case float64:
		s = strconv.FormatFloat(n, 'g', -1, 64)
	case float32:
		s = strconv.FormatFloat(float64(n), 'g', -1, 32)
	case int:
		s = strconv.Itoa(n)
	case int64:
		s = strconv.FormatInt(n, 10)
	case int32:
		s = strconv.FormatInt(int64(n), 10)
	case uint64:
		s = strconv.FormatUint(n, 10)
	case uint:
		s = strconv.FormatUint(uint64(n), 10)
	case uint32:
		s = strconv.FormatUint(uint64(n), 10)
	default:
		return "", false
	}
	if c, ok := canonicalDecimal(s); ok {
		return c, true
	}
	return s, true // NaN, Inf or malformed: compare as written
}

// canonicalDecimal rewrites a JSON number as <sign><digits>e<exponent> with no
// leading or trailing zeros in digits, so equal values have equal text. It
// works on the text, so huge exponents and long integers cost nothing extra.
func canonicalDecimal(s string) (string, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	exp := 0
	if hasExp {
		e, err := strconv.Atoi(expText)
		if err != nil {
			return "", false
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", false
	}
	exp -= len(frac)
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "0", true
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	sign := ""
	if neg {
		sign = "-"
	}
	return sign + trimmed + "e" + strconv.Itoa(exp), true
}
