package port

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Sentinels for errors.Is; *APIError and *EntityError map their status to these.
var (
	ErrNotFound     = errors.New("port: not found")         // 404
	ErrUnauthorized = errors.New("port: unauthorized")      // 401, 403
	ErrRateLimited  = errors.New("port: rate limited")      // 429
	ErrTooLarge     = errors.New("port: request too large") // 413
	ErrValidation   = errors.New("port: validation failed") // 400, 422
	ErrConflict     = errors.New("port: conflict")          // 409
	// ErrReadOnly: a read-only client (Config.ReadOnly) did not send a write.
	ErrReadOnly = errors.New("port: read-only client: write not sent")

	// ErrBadCredentials: the token call was answered 401/403. It is not retried,
	// and bulk calls stop at once instead of failing every batch the same way.
	ErrBadCredentials = errors.New("Port rejected the client credentials")
)

func sentinelFor(status int) error {
	switch status {
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusUnauthorized, http.StatusForbidden:
		return ErrUnauthorized
	case http.StatusTooManyRequests:
		return ErrRateLimited
	case http.StatusRequestEntityTooLarge:
		return ErrTooLarge
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return ErrValidation
	case http.StatusConflict:
		return ErrConflict
	}
	return nil
}

// APIError is a non-2xx answer from Port.
type APIError struct {
	StatusCode int
	Code       string // the "error" key of Port's error envelope, e.g. "not_found"
	Message    string // the "message" key, or the trimmed body when it is not JSON
	TraceID    string // x-trace-id response header
	Method     string
	Path       string // request path without query
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "port: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.TraceID != "" {
		b.WriteString(" (trace " + e.TraceID + ")")
	}
	return b.String()
}

// Is maps the status code to the package sentinels.
func (e *APIError) Is(target error) bool {
	s := sentinelFor(e.StatusCode)
	return s != nil && s == target
}

// EntityError is one entity's failure inside a bulk upsert answer.
type EntityError struct {
	Index      int    // position in the slice given to UpsertEntities
	Identifier string // as reported by Port ("unknown" for an unresolved search identifier)
	StatusCode int
	Code       string
	Message    string
}

func (e *EntityError) Error() string {
	s := fmt.Sprintf("port: entity %d (%s): %d", e.Index, e.Identifier, e.StatusCode)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is maps the status code to the package sentinels.
func (e *EntityError) Is(target error) bool {
	s := sentinelFor(e.StatusCode)
	return s != nil && s == target
}

const maxErrorMessage = 1024

// parseAPIError builds an APIError from a non-2xx response body. Port sends
// {"ok": false, "error": code, "message": text}; some ingest routes send
// "error" as an object with "code" or "name". Anything else becomes the message.
func parseAPIError(method, path string, status int, traceID string, body []byte) *APIError {
	e := &APIError{StatusCode: status, TraceID: traceID, Method: method, Path: path}
	var env struct {
		Error   json.RawMessage `json:"error"`
		Message any             `json:"message"`
		Code    string          `json:"code"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		e.Message = truncate(strings.TrimSpace(string(body)), maxErrorMessage)
		return e
	}
	e.Code = errorCode(env.Error)
	if e.Code == "" {
		e.Code = env.Code
	}
	e.Message = messageText(env.Message)
	return e
}

// messageText is a "message" value as text: validation details can come as a
// structure.
func messageText(m any) string {
	switch m := m.(type) {
	case nil:
		return ""
	case string:
		return m
	}
	b, _ := json.Marshal(m)
	return truncate(string(b), maxErrorMessage)
}

func errorCode(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct{ Code, Name string }
	if json.Unmarshal(raw, &obj) == nil {
		if obj.Code != "" {
			return obj.Code
		}
		return obj.Name
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
