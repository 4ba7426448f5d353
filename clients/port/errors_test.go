package port

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAPIErrorIs(t *testing.T) {
	sentinels := []error{ErrNotFound, ErrUnauthorized, ErrRateLimited, ErrTooLarge, ErrValidation, ErrConflict}
	tests := []struct {
		status int
		want   error
	}{
		{400, ErrValidation}, {401, ErrUnauthorized}, {403, ErrUnauthorized}, {404, ErrNotFound},
		{409, ErrConflict}, {413, ErrTooLarge}, {422, ErrValidation}, {429, ErrRateLimited},
		{500, nil}, {502, nil},
	}
	for _, tt := range tests {
		for _, err := range []error{
			&APIError{StatusCode: tt.status},
			fmt.Errorf("wrapped: %w", &APIError{StatusCode: tt.status}),
			&EntityError{StatusCode: tt.status},
		} {
			for _, s := range sentinels {
				assert.Equal(t, s == tt.want, errors.Is(err, s), "status %d vs %v", tt.status, s)
			}
		}
	}
}

func TestParseAPIError(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		wantCode    string
		wantMessage string
	}{
		{"envelope", `{"ok":false,"error":"not_found","message":"Entity \"x\" was not found"}`, "not_found", `Entity "x" was not found`},
		{"no message", `{"ok":false,"error":"unauthorized"}`, "unauthorized", ""},
		{"error object with code", `{"error":{"code":"resync_stale"}}`, "resync_stale", ""},
		{"error object with name", `{"error":{"name":"resync_stale"}}`, "resync_stale", ""},
		{"top-level code", `{"code":"resync_stale","message":"stale"}`, "resync_stale", "stale"},
		{"structured message", `{"error":"invalid_request","message":{"field":"x"}}`, "invalid_request", `{"field":"x"}`},
		{"html", "  <html><body>Bad Gateway</body></html>\n", "", "<html><body>Bad Gateway</body></html>"},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := parseAPIError("POST", "/v1/x", 502, "trace-1", []byte(tt.body))
			assert.Equal(t, tt.wantCode, e.Code)
			assert.Equal(t, tt.wantMessage, e.Message)
			assert.Equal(t, "trace-1", e.TraceID)
			assert.Equal(t, 502, e.StatusCode)
		})
	}
	long := parseAPIError("GET", "/v1/x", 500, "", []byte(strings.Repeat("é", 2000)))
	assert.LessOrEqual(t, len(long.Message), maxErrorMessage+len("…"))
	assert.True(t, strings.HasSuffix(long.Message, "…"))
}

func TestErrorMessages(t *testing.T) {
	e := &APIError{StatusCode: 404, Code: "not_found", Message: "no such blueprint", TraceID: "t1", Method: "GET", Path: "/blueprints/x"}
	assert.Equal(t, "port: GET /blueprints/x: 404 not_found: no such blueprint (trace t1)", e.Error())
	ee := &EntityError{Index: 3, Identifier: "a", StatusCode: 422, Code: "invalid", Message: "bad"}
	assert.Equal(t, "port: entity 3 (a): 422 invalid: bad", ee.Error())
}
