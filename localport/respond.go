package localport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Error codes of the {"ok":false,"error":code,"message":...} envelope.
const (
	codeInvalidJSON      = "invalid_json"        // 400: the body is not JSON
	codeUnauthorized     = "unauthorized"        // 401
	codeNotFound         = "not_found"           // 404
	codeConflict         = "conflict"            // 409: already exists
	codeHasDependents    = "has_dependents"      // 409: a delete would orphan required relations
	codeTooLarge         = "payload_too_large"   // 413
	codeInvalidRequest   = "invalid_request"     // 422: body, query parameters or search query malformed
	codeValidationFailed = "validation_failed"   // 422: entity or blueprint does not fit its schema
	codeRateLimited      = "rate_limit_exceeded" // 429 (injected)
	codeInjected         = "injected_fault"      // any other injected status
	codeInternal         = "internal_error"      // 500
)

// maxBody is Port's request size limit.
const maxBody = 1 << 20

// apiError is an error that knows its HTTP status and envelope code.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *apiError {
	return newError(http.StatusNotFound, codeNotFound, format, args...)
}

func invalid(format string, args ...any) *apiError {
	return newError(http.StatusUnprocessableEntity, codeInvalidRequest, format, args...)
}

func validationFailed(format string, args ...any) *apiError {
	return newError(http.StatusUnprocessableEntity, codeValidationFailed, format, args...)
}

func conflict(format string, args ...any) *apiError {
	return newError(http.StatusConflict, codeConflict, format, args...)
}

var errTooLarge = newError(http.StatusRequestEntityTooLarge, codeTooLarge, "Request body is too large (limit is 1MiB)")

// asAPIError maps any error to the envelope; unknown errors are internal.
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return newError(http.StatusInternalServerError, codeInternal, "internal error: %v", err)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // messages quote <, > and & as they are
	data := []byte(`{"ok":false,"error":"internal_error","message":"encode response"}`)
	if err := enc.Encode(body); err != nil {
		status = http.StatusInternalServerError
	} else {
		data = buf.Bytes()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

func writeError(w http.ResponseWriter, err error) {
	ae := asAPIError(err)
	writeJSON(w, ae.status, map[string]any{"ok": false, "error": ae.code, "message": ae.msg})
}

// ok wraps a success body with "ok": true.
func ok(kv ...any) map[string]any {
	m := map[string]any{"ok": true}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// readBody reads at most 1 MiB; a larger body is a 413.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength > maxBody {
		return nil, errTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, newError(http.StatusBadRequest, codeInvalidJSON, "read request body: %v", err)
	}
	if len(data) > maxBody {
		return nil, errTooLarge
	}
	return data, nil
}

// decodeJSON decodes a body keeping numbers exact (json.Number).
func decodeJSON(data []byte, into any) error {
	if len(strings.TrimSpace(string(data))) == 0 {
		return newError(http.StatusBadRequest, codeInvalidJSON, "request body is empty, expected JSON")
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(into); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return invalid("%q must be %s, got %s", te.Field, te.Type, te.Value)
		}
		return newError(http.StatusBadRequest, codeInvalidJSON, "request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return newError(http.StatusBadRequest, codeInvalidJSON, "request body has data after the JSON value")
	}
	return nil
}

// decodeObject decodes a body that must be a JSON object.
func decodeObject(data []byte) (map[string]any, error) {
	var v any
	if err := decodeJSON(data, &v); err != nil {
		return nil, err
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		return nil, invalid("request body must be a JSON object")
	}
	return obj, nil
}
