package localport_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ocean-go/ocean/localport"
)

// Every answer says it comes from a local Port: successes, errors, faults.
func TestEveryAnswerNamesTheLocalPort(t *testing.T) {
	srv, c := start(t)
	srv.InjectFault(localport.Fault{Method: http.MethodGet, Path: "/v1/blueprints/faulty", Status: http.StatusServiceUnavailable})
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/v1/organization", http.StatusOK},
		{http.MethodGet, "/v1/blueprints/missing", http.StatusNotFound},
		{http.MethodGet, "/v1/blueprints/faulty", http.StatusServiceUnavailable},
	} {
		r := c.do(tc.method, tc.path, nil)
		assert.Equal(t, tc.status, r.status, tc.path)
		assert.Equal(t, "1", r.header.Get(localport.LocalPortHeader), tc.path)
	}
}
