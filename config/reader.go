package config

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// reader reads typed settings from the merged tree. It keeps every error, in
// the order the settings are read, and every key it read: the keys no
// setting read are the unknown ones, so reading a setting is what declares it.
type reader struct {
	root tree
	errs Errors
	bad  map[*entry]bool // the entries an error is about: one error each
	read map[string]bool // canonical paths read as values
	// names are the spec's spelling of the integration.config keys read.
	names map[string]string
	// others are the keys only other event listener types read, with them.
	others map[string][]ListenerType
}

func newReader(root tree) *reader {
	return &reader{root: root, bad: map[*entry]bool{}, read: map[string]bool{}, names: map[string]string{}, others: map[string][]ListenerType{}}
}

// get returns the entry at a canonical path and records it as a known key.
func (r *reader) get(path string) *entry {
	r.read[path] = true
	return r.root.get(path)
}

// failed reports whether the value at path was refused, so that a check
// depending on it does not report the same mistake twice.
func (r *reader) failed(path string) bool {
	e := r.get(path)
	return e != nil && r.bad[e]
}

// add records err unless one about e is already recorded.
func (r *reader) add(e *entry, err *Error) {
	if e != nil {
		if r.bad[e] {
			return
		}
		r.bad[e] = true
	}
	r.errs = append(r.errs, err)
}

func (r *reader) fail(e *entry, expected string, sensitive bool) {
	err := &Error{Key: e.from.key, Source: e.from.where, Expected: expected, Sensitive: sensitive}
	if !sensitive {
		if e.isObject() {
			err.Got = "an object"
		} else {
			err.Got = gotText(e.val)
		}
	}
	r.add(e, err)
}

// missing records a required value that was not given; hint is the env var to set.
func (r *reader) missing(path, expected, why, hint string) {
	r.add(nil, &Error{Key: path, Source: why, Expected: expected, Missing: true, Hint: hint})
}

// envName is the env var that sets a canonical path.
func envName(path string) string {
	up := strings.ToUpper(strings.ReplaceAll(path, ".", "__"))
	if rest, ok := strings.CutPrefix(up, "APPLICATION__"); ok {
		return appEnvPrefix + rest
	}
	return envPrefix + up
}

func (r *reader) str(path, def string) string {
	return r.text(path, def, false)
}

func (r *reader) secret(path string) string {
	return r.text(path, "", true)
}

func (r *reader) text(path, def string, sensitive bool) string {
	e := r.get(path)
	if e == nil || (!e.isObject() && e.val == nil) {
		return def
	}
	if s, ok := asString(e); ok && !e.isObject() {
		return s
	}
	r.fail(e, "a string", sensitive)
	return def
}

func (r *reader) boolean(path string, def bool) bool {
	e := r.get(path)
	if e.unset() {
		return def
	}
	if b, ok := asBool(e); ok && !e.isObject() {
		return b
	}
	r.fail(e, "a boolean (true/false, yes/no, on/off, 1/0)", false)
	return def
}

// count reads an integer of at least min.
func (r *reader) count(path string, def, min int) int {
	e := r.get(path)
	if e.unset() {
		return def
	}
	n, ok := asInt(e)
	if !ok || e.isObject() {
		r.fail(e, "an integer", false)
		return def
	}
	if n < int64(min) || n > 1<<31 {
		r.fail(e, "an integer of at least "+strconv.Itoa(min), false)
		return def
	}
	return int(n)
}

// port reads a TCP port; 0 asks the system for a free one (tests, --once runs
// that need no fixed address).
func (r *reader) port(path string, def int) int {
	e := r.get(path)
	if e.unset() {
		return def
	}
	n, ok := asInt(e)
	if !ok || e.isObject() || n < 0 || n > 65535 {
		r.fail(e, "a port number (0-65535)", false)
		return def
	}
	return int(n)
}

// number reads a non-negative float.
func (r *reader) number(path string, def float64) float64 {
	e := r.get(path)
	if e.unset() {
		return def
	}
	f, ok := asFloat(e)
	if !ok || e.isObject() || f < 0 {
		r.fail(e, "a non-negative number", false)
		return def
	}
	return f
}

// duration reads a positive number of units; a Go duration string ("90s",
// "2m") is accepted too. integer rejects fractions, as Ocean's int fields do.
func (r *reader) duration(path string, def, unit time.Duration, integer bool) time.Duration {
	e := r.get(path)
	if e.unset() {
		return def
	}
	kind := "a number of " + unitName(unit)
	if integer {
		kind = "an integer number of " + unitName(unit)
	}
	d, ok := asDuration(e, unit, integer)
	if !ok || e.isObject() {
		r.fail(e, kind, false)
		return def
	}
	if d <= 0 {
		r.fail(e, "a positive "+strings.TrimPrefix(strings.TrimPrefix(kind, "an "), "a "), false)
		return def
	}
	return d
}

func unitName(unit time.Duration) string {
	if unit == time.Minute {
		return "minutes"
	}
	return "seconds"
}

func (r *reader) url(path, def string, sensitive bool) string {
	e := r.get(path)
	if e.unset() {
		return def
	}
	u, ok := asURL(e)
	if !ok || e.isObject() {
		r.fail(e, "a URL", sensitive)
		return def
	}
	return u
}

// oneOf reads one of choices, case-insensitively, returning its canonical spelling.
func (r *reader) oneOf(path, def string, choices ...string) string {
	e := r.get(path)
	if e.unset() {
		return def
	}
	if s, ok := e.val.(string); ok && !e.isObject() {
		for _, c := range choices {
			if strings.EqualFold(strings.TrimSpace(s), c) {
				return c
			}
		}
	}
	r.fail(e, "one of "+strings.Join(choices, ", "), false)
	return def
}

// object checks that path, if set, is an object.
func (r *reader) object(path string) {
	if e := r.root.get(path); e != nil && !e.isObject() && !e.unset() {
		r.fail(e, "an object", false)
	}
}

// list reads a list of strings: a YAML or JSON list, a JSON array in a string
// or a comma-separated string. Blank entries are dropped.
func (r *reader) list(path, expected string, sensitive bool) []string {
	e := r.get(path)
	if e.unset() {
		return nil
	}
	var items []any
	switch v := e.val.(type) {
	case []any:
		items = v
	case string:
		s := strings.TrimSpace(v)
		if strings.HasPrefix(s, "[") {
			if jerr := invalidJSON(e); jerr != nil {
				r.add(e, jerr)
				return nil
			}
			if json.Unmarshal([]byte(s), &items) == nil {
				break
			}
		}
		for _, b := range strings.Split(s, ",") {
			items = append(items, b)
		}
	}
	if items == nil || e.isObject() {
		r.fail(e, expected, sensitive)
		return nil
	}
	var out []string
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			r.fail(e, expected, sensitive)
			return nil
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
