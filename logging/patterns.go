package logging

import (
	"regexp"
	"strings"
)

// pattern is a well-known secret shape. Only the secret group is masked, so
// "Bearer abc" keeps "Bearer " and a URL keeps its user and host.
type pattern struct {
	name  string
	re    *regexp.Regexp
	group int      // submatch holding the secret; 0 is the whole match
	hints []string // the pattern can only match text containing one of these, in any case
}

// patterns is the fixed list of secret shapes masked in every log line.
var patterns = []pattern{
	{"password in URL", regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.\-]*://[^/\s:@]+:([^/\s@]+)@`), 1, []string{"@"}},
	{"secret in URL query", regexp.MustCompile(`(?i)[?&](?:access_token|token|api_?key|key|secret|client_secret|password|sig|signature)=([^&\s#"']+)`), 1, queryHints},
	{"AWS access key id", regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`), 0, []string{"AKIA", "ASIA"}},
	{"Google API key", regexp.MustCompile(`AIza[0-9A-Za-z\-_]{35}`), 0, []string{"AIza"}},
	{"Google OAuth token", regexp.MustCompile(`ya29\.[0-9A-Za-z\-_]+`), 0, []string{"ya29."}},
	{"private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----([\s\S]*?)(?:-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----|\z)`), 1, []string{"PRIVATE KEY"}},
	{"GitHub token", regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36,}`), 0, []string{"gh"}},
	{"GitHub fine-grained token", regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{22,}`), 0, []string{"github_pat_"}},
	{"Slack token", regexp.MustCompile(`\bxox[abposr]-[0-9A-Za-z\-]{10,}`), 0, []string{"xox"}},
	{"Stripe key", regexp.MustCompile(`\b[sr]k_live_[0-9a-zA-Z]{24,}`), 0, []string{"k_live_"}},
	{"JWT", regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}`), 0, []string{"eyJ"}},
	{"bearer token", regexp.MustCompile(`(?i)\bbearer\s+([A-Za-z0-9\-._~+/]+=*)`), 1, []string{"bearer"}},
	{"basic credentials", regexp.MustCompile(`(?i)\bbasic\s+([A-Za-z0-9+/]{12,}=*)`), 1, []string{"basic"}},
}

// queryHints are the parameter names of "secret in URL query".
var queryHints = []string{"token=", "key=", "secret=", "password=", "sig=", "signature="}

type hint struct {
	text    string
	pattern uint
}

// hintsByFirstByte indexes every hint by its lower-cased first byte, so that
// one pass over a string finds the patterns worth running.
var hintsByFirstByte = func() (idx [256][]hint) {
	for i, p := range patterns {
		for _, h := range p.hints {
			b := lowerASCII(h[0])
			idx[b] = append(idx[b], hint{h, uint(i)})
		}
	}
	return idx
}()

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// candidates returns the set (bit i for patterns[i]) of patterns whose hints
// occur in s, ignoring case: several patterns are case-insensitive
// (?Token=, BEARER). Most log lines contain none and skip the regexes entirely.
func candidates(s string) uint64 {
	var set uint64
	for i := 0; i < len(s); i++ {
		for _, h := range hintsByFirstByte[lowerASCII(s[i])] {
			if set&(1<<h.pattern) == 0 && len(s)-i >= len(h.text) && strings.EqualFold(s[i:i+len(h.text)], h.text) {
				set |= 1 << h.pattern
			}
		}
	}
	return set
}

// mask replaces each match's secret group using redact.
func (p *pattern) mask(s string, redact func(string) string) string {
	locs := p.re.FindAllStringSubmatchIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range locs {
		start, end := loc[2*p.group], loc[2*p.group+1]
		if start < 0 || start == end {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(redact(s[start:end]))
		last = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
