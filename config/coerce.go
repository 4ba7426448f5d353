package config

import (
	"encoding/json"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ocean-go/ocean/internal/pyvalue"
)

// The coercions below accept what each source can produce: strings from env
// and .env, YAML scalars from config.yaml, Go values from overrides.

func asString(e *entry) (string, bool) {
	switch v := e.val.(type) {
	case string:
		return v, true
	case bool, int, int64, float64, json.Number:
		if e.text != "" {
			return e.text, true
		}
		return strings.TrimSpace(jsonText(v)), true
	}
	return "", false
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func asBool(e *entry) (bool, bool) {
	switch v := e.val.(type) {
	case bool:
		return v, true
	case string:
		return pyvalue.Bool(v)
	case int:
		if v == 0 || v == 1 {
			return v == 1, true
		}
	}
	return false, false
}

func asInt(e *entry) (int64, bool) {
	switch v := e.val.(type) {
	case int:
		return int64(v), true
	case int64:
		return v, true
	case uint64:
		if v <= math.MaxInt64 {
			return int64(v), true
		}
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), true
		}
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return n, err == nil
	}
	return 0, false
}

func asFloat(e *entry) (float64, bool) {
	switch v := e.val.(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case uint64:
		return float64(v), true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	}
	return 0, false
}

// asDuration reads a number of units (whole units only when integer is set)
// or a Go duration string such as "90s" or "1h30m".
func asDuration(e *entry, unit time.Duration, integer bool) (time.Duration, bool) {
	if d, ok := e.val.(time.Duration); ok {
		return d, true
	}
	if integer {
		if n, ok := asInt(e); ok {
			return time.Duration(n) * unit, n <= math.MaxInt64/int64(unit) && n >= math.MinInt64/int64(unit)
		}
	} else if f, ok := asFloat(e); ok {
		d := f * float64(unit)
		return time.Duration(d), math.Abs(d) < math.MaxInt64
	}
	if s, ok := e.val.(string); ok {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		return d, err == nil
	}
	return 0, false
}

// asURL accepts an absolute http(s)-like URL with a host and strips trailing
// slashes, so joining paths never doubles them.
func asURL(e *entry) (string, bool) {
	s, ok := e.val.(string)
	if !ok {
		return "", false
	}
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", false
	}
	return strings.TrimRight(s, "/"), true
}
