package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Error is the one-line error returned for a wrong or missing setting. It
// names the key as the user wrote it, where the value came from and what was
// expected, so a user can fix it without reading code.
type Error struct {
	// Key as written by its source: an env var name (OCEAN__PORT__BASE_URL), a
	// config.yaml path (port.baseUrl) or an override path (event_listener.type).
	Key string
	// Source names where the value came from: "environment", ".env line 4",
	// "config.yaml line 3", "override", ".port/spec.yaml".
	Source string
	// Expected describes the accepted values: "a URL", "an integer number of seconds".
	Expected string
	// Got is the offending value, quoted; empty when the value is missing or
	// sensitive.
	Got string
	// Missing is set when a required value was not given; Hint then names the
	// env var to set.
	Missing bool
	Hint    string
	// Sensitive hides the value: the message says "got a value of the wrong type".
	Sensitive bool
	// Invalid names the syntax the value is written in and breaks ("JSON");
	// Detail then says what is wrong and at which byte, without quoting the
	// value (it may hold credentials). Expected is unused.
	Invalid, Detail string
	// Unknown is set for a key no setting reads (a warning, unless strict);
	// Suggestion is then the known key, spelt as the source writes keys, that
	// Key most likely meant ("" when none is close).
	Unknown    bool
	Suggestion string
	// Other names what reads Unknown's key when it is read, but not in this
	// run: "the KAFKA event listener". It is then ignored even when strict.
	Other string
}

// Errors is every problem Load found, in the order the settings are read, so
// that one run shows them all. errors.As finds each *Error in it.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As and errors.Is see each error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// warning is the text of an Unknown error logged as a warning.
func (e *Error) warning() string {
	return strings.TrimPrefix(e.Error(), "config: ")
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	if e.Missing {
		fmt.Fprintf(&b, "%s: required by %s, set %s to %s", e.Key, e.Source, e.Hint, e.Expected)
		return b.String()
	}
	if e.Unknown {
		fmt.Fprintf(&b, "%s (%s): ", e.Key, e.Source)
		switch {
		case e.Other != "":
			b.WriteString("ignored: only " + e.Other + " reads it")
		case e.Suggestion != "":
			fmt.Fprintf(&b, "unknown setting; did you mean %s?", e.Suggestion)
		default:
			b.WriteString("unknown setting")
		}
		return b.String()
	}
	if e.Invalid != "" {
		fmt.Fprintf(&b, "invalid %s in %s (%s): %s", e.Invalid, e.Key, e.Source, e.Detail)
		return b.String()
	}
	if e.Key != "" {
		fmt.Fprintf(&b, "%s (%s)", e.Key, e.Source)
	} else {
		b.WriteString(e.Source)
	}
	fmt.Fprintf(&b, ": expected %s", e.Expected)
	switch {
	case e.Sensitive:
		b.WriteString(", got a value of the wrong type")
	case e.Got != "":
		b.WriteString(", got " + e.Got)
	}
	return b.String()
}

// invalidJSON is the error for a string value meant as a JSON object or
// array (it starts like one) that is not valid JSON; nil for any other value.
func invalidJSON(e *entry) *Error {
	s, ok := e.val.(string)
	if s = strings.TrimSpace(s); !ok || (!strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "[")) {
		return nil
	}
	var v any
	var serr *json.SyntaxError
	if err := json.Unmarshal([]byte(s), &v); !errors.As(err, &serr) {
		return nil
	}
	return &Error{Key: e.from.key, Source: e.from.where, Invalid: "JSON", Detail: fmt.Sprintf("%v (offset %d)", serr, serr.Offset)}
}

// gotText renders an offending value for an error message: strings quoted
// and cut short (URL passwords masked), containers named rather than dumped.
func gotText(v any) string {
	const maxLen = 60
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		// A malformed URL may still carry a password.
		v = urlPassword.ReplaceAllString(v, "${1}"+Redaction+"@")
		if len(v) > maxLen {
			v = v[:maxLen] + "…"
		}
		return fmt.Sprintf("%q", v)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	default:
		return fmt.Sprint(v)
	}
}
