package localport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ocean-go/ocean/internal/bufpool"
	"github.com/ocean-go/ocean/internal/httpbody"
	"github.com/ocean-go/ocean/internal/rawjson"
)

// Error codes of the {"ok":false,"error":code,"message":...} envelope.
const (
	codeInvalidJSON      = "invalid_json"        // 400: the body is not JSON
	codeBadCursor        = "invalid_cursor"      // 400: a paging cursor or resource index this server did not give
	codeUnauthorized     = "unauthorized"        // 401
	codeForbidden        = "forbidden"           // 403: a reserved route without x-port-reserved-usage
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

func badCursor(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, codeBadCursor, format, args...)
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

// encodedJSON is an answer a handler encoded itself (with the newline
// json.Encoder ends with).
type encodedJSON []byte

func writeJSON(w http.ResponseWriter, status int, body any) {
	if lent, encoded := body.(lentJSON); encoded {
		defer bufpool.Put(lent)
		body = encodedJSON(lent)
	}
	if data, encoded := body.(encodedJSON); encoded {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write(data)
		return
	}
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

// fail answers an error once the rest of the request body is out of the
// client's way, so that it reads the answer instead of a reset connection.
func fail(w http.ResponseWriter, r *http.Request, body *trackedBody, err error) {
	httpbody.Discard(w, r, body.began)
	writeError(w, err)
}

// trackedBody records whether a handler began to read the request body.
type trackedBody struct {
	io.ReadCloser
	began bool
}

func (b *trackedBody) Read(p []byte) (int, error) {
	b.began = true
	return b.ReadCloser.Read(p)
}

// trackBody puts a trackedBody in front of r's body.
func trackBody(r *http.Request) *trackedBody {
	b := &trackedBody{ReadCloser: r.Body}
	if r.Body == nil || r.Body == http.NoBody {
		b.ReadCloser = http.NoBody
		return b
	}
	r.Body = b
	return b
}

// ok wraps a success body with "ok": true.
func ok(kv ...any) map[string]any {
	m := map[string]any{"ok": true}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// readBody reads at most 1 MiB into a buffer lent by bufpool, which the
// caller may give back with bufpool.Put once nothing uses it; a larger body
// is a 413.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength > maxBody {
		return nil, errTooLarge
	}
	data, err := bufpool.ReadAll(r.Body, r.ContentLength, maxBody+1)
	if err != nil {
		return nil, newError(http.StatusBadRequest, codeInvalidJSON, "read request body: %v", err)
	}
	if len(data) > maxBody {
		bufpool.Put(data)
		return nil, errTooLarge
	}
	return data, nil
}

// decodeJSON decodes a body keeping numbers exact (json.Number). The body is
// one JSON value of valid Unicode text: Go would quietly turn invalid UTF-8
// and lone surrogate escapes into U+FFFD, storing text nobody sent.
func decodeJSON(data []byte, into any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return newError(http.StatusBadRequest, codeInvalidJSON, "request body is empty, expected JSON")
	}
	if err := checkText(data); err != nil {
		return err
	}
	if v, isAny := into.(*any); isAny {
		// The fast decoder gives the same values; what it refuses, encoding/json
		// decodes again below to say why.
		if decoded, err := rawjson.Decode(data); err == nil {
			*v = decoded
			return nil
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(into); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return invalid("%q must be %s, got %s", te.Field, te.Type, te.Value)
		}
		return newError(http.StatusBadRequest, codeInvalidJSON, "request body is not valid JSON: %v", err)
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		return newError(http.StatusBadRequest, codeInvalidJSON, "request body has data after the JSON value at offset %d", dec.InputOffset())
	}
	return nil
}

// checkText refuses a body that is not valid UTF-8 or escapes half of a
// surrogate pair (\ud800 alone), as Port does: neither is text it can store.
func checkText(data []byte) error {
	if !utf8.Valid(data) {
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				return invalid("request body is not valid UTF-8: byte 0x%02x at offset %d", data[i], i)
			}
			i += size
		}
	}
	for i := bytes.IndexByte(data, '\\'); i >= 0 && i+1 < len(data); {
		if data[i+1] == 'u' {
			if r, ok := escapedRune(data[i:]); ok && utf16.IsSurrogate(r) {
				low, lowOK := escapedRune(data[i+6:])
				if r >= 0xdc00 || !lowOK || utf16.DecodeRune(r, low) == utf8.RuneError {
					return invalid("request body escapes half of a UTF-16 surrogate pair (%s) at offset %d", data[i:i+6], i)
				}
				i += 6 // the low half is valid: skip it with the high one
			}
		}
		next := bytes.IndexByte(data[i+2:], '\\')
		if next < 0 {
			break
		}
		i += 2 + next
	}
	return nil
}

// escapedRune reads a \uXXXX escape at the start of b.
func escapedRune(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[2:6]), 16, 16)
	return rune(n), err == nil
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
