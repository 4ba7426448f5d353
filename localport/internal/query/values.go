package query

import (
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// bound is one side of a comparison: a number or an instant.
type bound struct {
	isTime bool
	num    json.Number
	t      time.Time
}

func parseBound(v any, path, op string) (*bound, error) {
	switch v := v.(type) {
	case json.Number:
		return &bound{num: v}, nil
	case string:
		t, ok := ParseTime(v)
		if !ok {
			return nil, errAt(path, "operator %q needs a number or a date-time string, got string %q", op, v)
		}
		return &bound{isTime: true, t: t}, nil
	}
	return nil, errAt(path, "operator %q needs a number or a date-time string, got %s", op, describe(v))
}

// presets are the relative date ranges Port accepts for between/notBetween.
var presets = map[string]func(now time.Time) (time.Time, time.Time){
	"today":        func(n time.Time) (time.Time, time.Time) { d := day(n); return d, d.AddDate(0, 0, 1) },
	"tomorrow":     func(n time.Time) (time.Time, time.Time) { d := day(n).AddDate(0, 0, 1); return d, d.AddDate(0, 0, 1) },
	"yesterday":    func(n time.Time) (time.Time, time.Time) { d := day(n).AddDate(0, 0, -1); return d, d.AddDate(0, 0, 1) },
	"lastWeek":     func(n time.Time) (time.Time, time.Time) { return n.AddDate(0, 0, -7), n },
	"last2Weeks":   func(n time.Time) (time.Time, time.Time) { return n.AddDate(0, 0, -14), n },
	"lastMonth":    func(n time.Time) (time.Time, time.Time) { return n.AddDate(0, -1, 0), n },
	"last3Months":  func(n time.Time) (time.Time, time.Time) { return n.AddDate(0, -3, 0), n },
	"last6Months":  func(n time.Time) (time.Time, time.Time) { return n.AddDate(0, -6, 0), n },
	"last12Months": func(n time.Time) (time.Time, time.Time) { return n.AddDate(-1, 0, 0), n },
}

func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func parseRange(v any, path, op string, now time.Time) (*bound, *bound, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, nil, errAt(path, "operator %q needs {\"from\": ..., \"to\": ...} or {\"preset\": ...}, got %s", op, describe(v))
	}
	if p, ok := obj["preset"]; ok {
		name, _ := p.(string)
		f, known := presets[name]
		if !known {
			return nil, nil, errAt(join(path, "preset"), "unknown preset %s", describe(p))
		}
		lo, hi := f(now.UTC())
		return &bound{isTime: true, t: lo}, &bound{isTime: true, t: hi}, nil
	}
	from, okF := obj["from"]
	to, okT := obj["to"]
	if !okF || !okT {
		return nil, nil, errAt(path, "operator %q needs both \"from\" and \"to\"", op)
	}
	lo, err := parseBound(from, join(path, "from"), op)
	if err != nil {
		return nil, nil, err
	}
	hi, err := parseBound(to, join(path, "to"), op)
	if err != nil {
		return nil, nil, err
	}
	if lo.isTime != hi.isTime {
		return nil, nil, errAt(path, "\"from\" and \"to\" must both be numbers or both be date-time strings")
	}
	return lo, hi, nil
}

// timeLayouts are the ISO-8601 forms accepted: Port's "...Z" with milliseconds,
// Python's isoformat() with an offset and microseconds, and their zone-less forms.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// ParseTime parses an ISO-8601 date or date-time; zone-less values are UTC.
func ParseTime(s string) (time.Time, bool) {
	if len(s) < 10 || s[4] != '-' {
		return time.Time{}, false
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// compareBound orders a field value against b; ok is false when they are not comparable.
func compareBound(v any, b *bound) (int, bool) {
	if b.isTime {
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		t, ok := ParseTime(s)
		if !ok {
			return 0, false
		}
		return t.Compare(b.t), true
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	return compareNumbers(n, b.num)
}

// compareNumbers compares JSON numbers exactly: integers beyond 2^53 keep their precision.
func compareNumbers(a, b json.Number) (int, bool) {
	if a == b {
		return 0, true
	}
	ai, errA := strconv.ParseInt(string(a), 10, 64)
	bi, errB := strconv.ParseInt(string(b), 10, 64)
	if errA == nil && errB == nil {
		switch {
		case ai < bi:
			return -1, true
		case ai > bi:
			return 1, true
		}
		return 0, true
	}
	ar, okA := new(big.Rat).SetString(string(a))
	br, okB := new(big.Rat).SetString(string(b))
	if !okA || !okB {
		return 0, false
	}
	return ar.Cmp(br), true
}

// equal is JSON equality with numbers compared by value.
func equal(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case string:
		s, ok := b.(string)
		return ok && a == s
	case bool:
		x, ok := b.(bool)
		return ok && a == x
	case json.Number:
		n, ok := b.(json.Number)
		if !ok {
			return false
		}
		c, ok := compareNumbers(a, n)
		return ok && c == 0
	case []any:
		x, ok := b.([]any)
		if !ok || len(a) != len(x) {
			return false
		}
		for i := range a {
			if !equal(a[i], x[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		x, ok := b.(map[string]any)
		if !ok || len(a) != len(x) {
			return false
		}
		for k, v := range a {
			w, ok := x[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	}
	return false
}

// isEmpty: absent, null, "", [] and {} are empty.
func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// strings of a field: a string is itself, an array yields its string elements.
func fieldStrings(v any) ([]string, bool) {
	switch v := v.(type) {
	case string:
		return []string{v}, false
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out, true
	}
	return nil, false
}

func hasSubstring(v any, sub string) bool {
	ss, isList := fieldStrings(v)
	for _, s := range ss {
		if isList && s == sub || !isList && strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
