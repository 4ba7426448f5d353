// Package localporttest starts a local Port server for tests: a real listener
// on 127.0.0.1 with a private database, closed when the test ends.
package localporttest

import (
	"testing"

	"github.com/ocean-go/ocean/localport"
)

// Start starts a server on 127.0.0.1:0 and registers its Close as cleanup.
// Options default to accept-all credentials and a private database; opts may
// change them. The base URL is srv.URL() (clients append /v1).
func Start(t testing.TB, opts ...func(*localport.Options)) *localport.Server {
	t.Helper()
	var o localport.Options
	for _, opt := range opts {
		opt(&o)
	}
	srv, err := localport.New(o)
	if err != nil {
		t.Fatalf("localporttest: new server: %v", err)
	}
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		_ = srv.Close()
		t.Fatalf("localporttest: start server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("localporttest: close server: %v", err)
		}
	})
	return srv
}
