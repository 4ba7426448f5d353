package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersionCmd(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"version"}, "ocean " + currentVersion() + "\n"},
		{[]string{"version", "-s"}, currentVersion() + "\n"},
		{[]string{"version", "--short"}, currentVersion() + "\n"},
	} {
		stdout, _, err := runOcean(t, "", tt.args...)
		require.NoError(t, err, tt.args)
		assert.Equal(t, tt.want, stdout, tt.args)
	}
}

// servePort serves until its context ends, persists, and checks credentials when asked.
func TestServePort(t *testing.T) {
	var logs bytes.Buffer
	log := logrus.New()
	log.SetOutput(&logs)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	dbPath := filepath.Join(t.TempDir(), "port.db")
	go func() {
		done <- servePort(withServeReady(ctx, ready), log, "127.0.0.1:0", localport.Options{DBPath: dbPath, ClientID: "id", ClientSecret: "secret"})
	}()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatalf("servePort exited before listening: %v", err)
	}

	token := func(secret string) int {
		body, _ := json.Marshal(map[string]string{"clientId": "id", "clientSecret": secret})
		resp, err := http.Post(base+"/v1/auth/access_token", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, 200, token("secret"))
	assert.Equal(t, 401, token("wrong"))

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("servePort did not stop")
	}
	assert.Contains(t, logs.String(), "checks client credentials")
	assert.Contains(t, logs.String(), dbPath)
	assert.NotContains(t, logs.String(), "level=warn", "a loopback address with credentials is nothing to warn about")
	assert.FileExists(t, dbPath)

	require.Error(t, servePort(context.Background(), log, "127.0.0.1:0", localport.Options{ClientID: "only-id"}))
}

// The admin API needs a token with credentials, and --admin=false removes it.
func TestServePortAdminFlags(t *testing.T) {
	status := func(base, token string) int {
		req, err := http.NewRequest(http.MethodGet, base+"/_admin/sinks", nil)
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, 200, status(startPortServe(t), ""), "no credentials: nothing to ask for")
	assert.Equal(t, 404, status(startPortServe(t, "--admin=false"), ""))

	base := startPortServe(t, "--client-id", oceanClientID, "--client-secret", "secret")
	assert.Equal(t, 401, status(base, ""))
	o := &ocean{base: base}
	o.fetchToken(t, "secret").success(t)
	assert.Equal(t, 200, status(base, o.token))
}

// Only a loopback address keeps a server without credentials to this machine.
func TestLoopback(t *testing.T) {
	for url, want := range map[string]bool{
		"http://127.0.0.1:5555": true,
		"http://127.0.0.9:5555": true,
		"http://[::1]:5555":     true,
		"http://0.0.0.0:5555":   false,
		"http://[::]:5555":      false,
		"http://192.168.1.4:80": false,
		"http://example.com:80": false,
		"http://127.0.0.1":      false, // not an address a server listens on
	} {
		assert.Equal(t, want, loopback(url), url)
	}
}
