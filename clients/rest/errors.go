package rest

import (
	"fmt"
	"net/url"
	"strings"
)

// StatusError is a non-2xx answer: the request (URL redacted), the status
// and the start of the body.
type StatusError struct {
	Method     string
	URL        string // redacted, see Redact
	StatusCode int
	Status     string // "404 Not Found"
	Body       string // at most maxErrorBody bytes, trimmed
}

const maxErrorBody = 512

func (e *StatusError) Error() string {
	s := fmt.Sprintf("rest: %s %s: %s", e.Method, e.URL, e.Status)
	if e.Body != "" {
		s += ": " + e.Body
	}
	return s
}

// Redact renders u for logs and errors: no user info, no fragment, and query
// values replaced by "redacted" unless they are plain numbers (page sizes,
// offsets), since APIs take tokens and keys in the query.
func Redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.Fragment, c.RawFragment = "", ""
	if c.RawQuery != "" {
		var parts []string
		for _, kv := range strings.Split(c.RawQuery, "&") {
			k, v, has := strings.Cut(kv, "=")
			if has && !digits(v) {
				v = "redacted"
			}
			if has {
				parts = append(parts, k+"="+v)
			} else {
				parts = append(parts, k)
			}
		}
		c.RawQuery = strings.Join(parts, "&")
	}
	return c.String()
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
