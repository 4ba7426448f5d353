package config

import (
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Redaction is what Redacted shows instead of a sensitive value.
const Redaction = "[REDACTED]"

// Secrets returns every sensitive value: Port credentials, the event
// listener's values read as sensitive (ListenerKeys.Sensitive) and the string
// and number values (as text) of the integration settings the spec marks
// sensitive, inside objects and arrays too; without a spec, those under keys
// that look secret, at any depth.
// Register them with the logger so they are masked wherever they appear.
func (s *Settings) Secrets() []string {
	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	walkSensitive(reflect.ValueOf(*s), false, add)
	for _, v := range s.listenerSecrets {
		add(v)
	}
	for _, name := range s.sensitiveConfigNames() {
		collectStrings(s.Integration.Config[name], add)
	}
	if s.Spec == nil {
		redactGuessed(s.Integration.Config, func(v any) { collectStrings(v, add) })
	}
	return out
}

func (s *Settings) sensitiveConfigNames() []string {
	if s.Spec == nil {
		return nil
	}
	var names []string
	for _, c := range s.Spec.Configurations {
		if c.Sensitive {
			names = append(names, c.Name)
		}
	}
	return names
}

// walkSensitive calls add for each string field tagged sensitive:"true".
func walkSensitive(v reflect.Value, sensitive bool, add func(string)) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.IsExported() {
				walkSensitive(v.Field(i), f.Tag.Get("sensitive") == "true", add)
			}
		}
	case reflect.String:
		if sensitive {
			add(v.String())
		}
	}
}

func collectStrings(v any, add func(string)) {
	switch v := v.(type) {
	case string:
		add(v)
	case int:
		// A sensitive number (account id, PIN) leaks as text in logs too.
		add(strconv.Itoa(v))
	case float64:
		add(strconv.FormatFloat(v, 'f', -1, 64))
	case map[string]any:
		for _, c := range v {
			collectStrings(c, add)
		}
	case []any:
		for _, c := range v {
			collectStrings(c, add)
		}
	}
}

// redactGuessed returns v with the values under secret-looking keys, at any
// depth, replaced by Redaction; found receives each of them.
func redactGuessed(v any, found func(any)) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, c := range v {
			if secretishKey.MatchString(k) {
				found(c)
				out[k] = Redaction
			} else {
				out[k] = redactGuessed(c, found)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, c := range v {
			out[i] = redactGuessed(c, found)
		}
		return out
	}
	return v
}

// secretishKey guesses sensitive keys in a config without spec, where nothing
// else says what is secret.
var secretishKey = regexp.MustCompile(`(?i)(token|secret|password|passwd|credential|private|api_?key|auth)`)

// urlPassword matches the password part of scheme://user:password@host.
var urlPassword = regexp.MustCompile(`(://[^/\s:@]*:)[^/\s@]+@`)

// Redacted returns the effective settings as a map with snake_case keys and
// durations as text, fit for logging: sensitive values become [REDACTED],
// and any other string containing a secret or a URL password is masked.
func (s *Settings) Redacted() map[string]any {
	m := redactValue(reflect.ValueOf(*s), false).(map[string]any)
	if o := s.EventListener.Options; o != nil {
		// The listener's own keys sit next to the common ones, as in the sources.
		if keys, ok := redactValue(reflect.Indirect(reflect.ValueOf(o)), false).(map[string]any); ok {
			maps.Copy(m["event_listener"].(map[string]any), keys)
		}
	}
	cfg := map[string]any{}
	sensitive := map[string]bool{}
	for _, name := range s.sensitiveConfigNames() {
		sensitive[name] = true
	}
	for k, v := range s.Integration.Config {
		if sensitive[k] {
			cfg[k] = Redaction
		} else {
			cfg[k] = v
		}
	}
	if s.Spec == nil {
		cfg = redactGuessed(cfg, func(any) {}).(map[string]any)
	}
	m["integration"].(map[string]any)["config"] = cfg
	replacer := secretReplacer(s.Secrets())
	return maskStrings(m, replacer).(map[string]any)
}

func redactValue(v reflect.Value, sensitive bool) any {
	if d, ok := v.Interface().(time.Duration); ok {
		return d.String()
	}
	switch v.Kind() {
	case reflect.Struct:
		out := map[string]any{}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" || name == "" {
				continue
			}
			out[name] = redactValue(v.Field(i), f.Tag.Get("sensitive") == "true")
		}
		return out
	case reflect.String:
		if sensitive && v.String() != "" {
			return Redaction
		}
		return v.String()
	}
	return v.Interface()
}

func secretReplacer(secrets []string) *strings.Replacer {
	// Longest first, so a secret containing another is masked whole.
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(secrets))
	for _, sec := range secrets {
		pairs = append(pairs, sec, Redaction)
	}
	return strings.NewReplacer(pairs...)
}

func maskStrings(v any, r *strings.Replacer) any {
	switch v := v.(type) {
	case string:
		return urlPassword.ReplaceAllString(r.Replace(v), "${1}"+Redaction+"@")
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, c := range v {
			out[k] = maskStrings(c, r)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, c := range v {
			out[i] = maskStrings(c, r)
		}
		return out
	case []string:
		out := make([]any, len(v))
		for i, c := range v {
			out[i] = maskStrings(c, r)
		}
		return out
	}
	return v
}
