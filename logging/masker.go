package logging

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Redaction replaces a masked secret.
const Redaction = "[REDACTED]"

// keepPrefix is how much of a long secret stays visible in partial mode, so a
// reader can tell which token it was (as Ocean does); secrets shorter than
// minPartialLen are hidden whole, since 6 chars would give most of them away.
const (
	keepPrefix    = 6
	minPartialLen = 20
)

// Masker hides secrets in text: registered literal values and the fixed
// secret patterns. It is safe for concurrent use.
type Masker struct {
	full bool
	set  *secretSet
}

// secretSet holds literal secrets; maskers made by Full share it.
type secretSet struct {
	mu      sync.Mutex // serialises AddSecrets
	secrets []string
	repl    atomic.Pointer[replacers] // nil while there is no secret
}

type replacers struct{ partial, full *strings.Replacer }

// NewMasker returns a masker for stdout: long secrets keep their first 6
// characters followed by [REDACTED].
func NewMasker(secrets ...string) *Masker {
	m := &Masker{set: &secretSet{}}
	m.AddSecrets(secrets...)
	return m
}

// Full returns a masker sharing m's secrets that hides every match whole, for
// logs shipped off the machine and raw payloads.
func (m *Masker) Full() *Masker { return &Masker{full: true, set: m.set} }

// AddSecrets registers more literal secrets; empty ones are ignored.
//
// Values shorter than minSecretLen are not registered: masking every "t" or
// "42" in every line would make logs unreadable while hiding nothing.
func (m *Masker) AddSecrets(secrets ...string) {
	s := m.set
	s.mu.Lock()
	defer s.mu.Unlock()
	added := false
	for _, sec := range secrets {
		if len(strings.TrimSpace(sec)) >= minSecretLen && !slices.Contains(s.secrets, sec) {
			s.secrets = append(s.secrets, sec)
			added = true
		}
	}
	if !added {
		return
	}
	type pair struct{ old, partial string }
	var pairs []pair
	seen := map[string]bool{}
	for _, sec := range s.secrets {
		for _, form := range encodedForms(sec) {
			if !seen[form] {
				seen[form] = true
				// A short secret stays hidden whole even if its encoding is long.
				p := pair{form, Redaction}
				if len(sec) >= minPartialLen {
					p.partial = redactPartial(form)
				}
				pairs = append(pairs, p)
			}
		}
	}
	// Longest first: a secret containing another is masked whole.
	slices.SortFunc(pairs, func(a, b pair) int { return len(b.old) - len(a.old) })
	partial := make([]string, 0, 2*len(pairs))
	full := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		partial = append(partial, p.old, p.partial)
		full = append(full, p.old, Redaction)
	}
	s.repl.Store(&replacers{strings.NewReplacer(partial...), strings.NewReplacer(full...)})
}

// encodedForms returns sec as written and as it appears inside a JSON string
// (with and without HTML escaping) or a URL query or path: a request body or
// URL that is logged carries the secret in that form.
func encodedForms(sec string) []string {
	forms := []string{sec, url.QueryEscape(sec), url.PathEscape(sec)}
	for _, html := range []bool{true, false} {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		if enc.Encode(sec) == nil {
			quoted := strings.TrimSuffix(b.String(), "\n")
			forms = append(forms, quoted[1:len(quoted)-1])
		}
	}
	return forms
}

// minSecretLen is the shortest value treated as a secret.
const minSecretLen = 4

// Mask returns s with every secret masked.
func (m *Masker) Mask(s string) string {
	if r := m.set.repl.Load(); r != nil {
		if m.full {
			s = r.full.Replace(s)
		} else {
			s = r.partial.Replace(s)
		}
	}
	redact := redactPartial
	if m.full {
		redact = func(string) string { return Redaction }
	}
	for set := candidates(s); set != 0; set &= set - 1 {
		s = patterns[bits.TrailingZeros64(set)].mask(s, redact)
	}
	return s
}

// HasSecret reports whether s contains a registered secret, as written or
// encoded. The fixed patterns are not considered: they are shapes, not values
// anyone registered.
func (m *Masker) HasSecret(s string) bool {
	r := m.set.repl.Load()
	return r != nil && r.full.Replace(s) != s
}

func redactPartial(secret string) string {
	if len(secret) < minPartialLen {
		return Redaction
	}
	n := keepPrefix
	for n > 0 && !utf8.RuneStart(secret[n]) {
		n--
	}
	return secret[:n] + Redaction
}

// MaskValue masks a structured log field. Values that cannot hold text are
// returned as is; others are returned unchanged unless their text (as the
// text and JSON formatters would print it) holds a secret, in which case the
// masked text replaces them.
func (m *Masker) MaskValue(v any) (masked any, changed bool) {
	switch v := v.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, time.Time, time.Duration:
		return v, false
	case string:
		out := m.Mask(v)
		return out, out != v
	case []byte:
		out := m.Mask(string(v))
		return out, out != string(v)
	case error:
		return m.maskText(v, v.Error)
	case fmt.Stringer:
		return m.maskText(v, v.String)
	}
	text := fmt.Sprintf("%+v", v)
	if out := m.Mask(text); out != text {
		return out, true
	}
	// JSON can print what %v does not ([]byte as base64, MarshalJSON output).
	if b, err := json.Marshal(v); err == nil {
		if js := string(b); m.Mask(js) != js {
			return m.Mask(js), true
		}
	}
	return v, false
}

// maskText returns v, or the masked text when v's text holds a secret. A
// method that panics (typically on a nil receiver) is replaced by fmt's
// rendering, so that the formatter does not panic in turn.
func (m *Masker) maskText(v any, text func() string) (out any, changed bool) {
	defer func() {
		if recover() != nil {
			out, changed = m.Mask(fmt.Sprint(v)), true
		}
	}()
	s := text()
	if masked := m.Mask(s); masked != s {
		return masked, true
	}
	return v, false
}

// MaskJSON returns a copy of a decoded JSON value (maps, slices, strings,
// numbers...) with every string masked, for payloads that leave the process,
// such as raw data examples sent to Port.
func (m *Masker) MaskJSON(v any) any {
	switch v := v.(type) {
	case string:
		return m.Mask(v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = m.MaskJSON(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = m.MaskJSON(x)
		}
		return out
	}
	return v
}
