package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	var logs bytes.Buffer
	log := logrus.New()
	log.SetOutput(&logs)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	dbPath := filepath.Join(t.TempDir(), "port.db")
	go func() {
		done <- servePort(ctx, log, addr, localport.Options{DBPath: dbPath, ClientID: "id", ClientSecret: "secret"})
	}()

	token := func(secret string) int {
		body, _ := json.Marshal(map[string]string{"clientId": "id", "clientSecret": secret})
		resp, err := http.Post("http://"+addr+"/v1/auth/access_token", "application/json", bytes.NewReader(body))
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Eventually(t, func() bool { return token("secret") == 200 }, 5*time.Second, 20*time.Millisecond)
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
	assert.FileExists(t, dbPath)

	require.Error(t, servePort(context.Background(), log, addr, localport.Options{ClientID: "only-id"}))
}
