package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	framework "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/internal/kafkatest"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
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
	assert.Equal(t, framework.Version, currentVersion(), "built inside the framework's checkout, Go records no version: ocean.Version")
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

func TestKafkaOptions(t *testing.T) {
	for _, tt := range []struct {
		name        string
		brokers     []string
		credentials string
		want        localport.KafkaOptions
		wantErr     string
	}{
		{name: "none"},
		{name: "brokers", brokers: []string{"10.0.0.1:1", " kafka:2"}, want: localport.KafkaOptions{Brokers: []string{"10.0.0.1:1", "kafka:2"}}},
		{name: "ipv6", brokers: []string{"[::1]:1"}, want: localport.KafkaOptions{Brokers: []string{"[::1]:1"}}},
		{name: "credentials", brokers: []string{"k:1"}, credentials: "ocean:pa:ss", want: localport.KafkaOptions{Brokers: []string{"k:1"}, Username: "ocean", Password: "pa:ss"}},
		{name: "no port", brokers: []string{"kafka"}, wantErr: `--kafka-brokers: "kafka" is not HOST:PORT`},
		{name: "no host", brokers: []string{":1"}, wantErr: "is not HOST:PORT"},
		{name: "bad port", brokers: []string{"k:http"}, wantErr: "is not HOST:PORT"},
		{name: "port out of range", brokers: []string{"k:70000"}, wantErr: "is not HOST:PORT"},
		{name: "credentials without brokers", credentials: "u:p", wantErr: "--kafka-credentials needs --kafka-brokers"},
		{name: "no colon", brokers: []string{"k:1"}, credentials: "secret-no-colon", wantErr: "USER:PASS"},
		{name: "no user", brokers: []string{"k:1"}, credentials: ":secret-pw", wantErr: "USER:PASS"},
		{name: "no password", brokers: []string{"k:1"}, credentials: "user:", wantErr: "USER:PASS"},
	} {
		got, err := kafkaOptions(tt.brokers, tt.credentials)
		if tt.wantErr != "" {
			require.Error(t, err, tt.name)
			assert.Contains(t, err.Error(), tt.wantErr, tt.name)
			assert.NotContains(t, err.Error(), "secret", "%s: the credentials are not repeated", tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, got, tt.name)
	}
}

// syncBuffer is a bytes.Buffer the server may log to while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// `port serve --kafka-*` refuses bad values before serving, and otherwise
// publishes the change log of its org, serving the credentials it was given.
func TestServePortKafkaFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--kafka-brokers", "broker.invalid:1", "--kafka-credentials", "no-colon-secret"},
		{"--kafka-brokers", "broker.invalid:1", "--kafka-credentials", "user:"},
		{"--kafka-credentials", "user:pass"},
		{"--kafka-brokers", "nohost"},
	} {
		_, stderr, err := runOcean(t, "", append([]string{"port", "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "port.db")}, args...)...)
		require.Error(t, err, args)
		assert.NotContains(t, err.Error()+stderr, "secret", args)
	}

	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		org := c.Unique("org")
		args := []string{"port", "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "port.db"),
			"--org-id", org, "--kafka-brokers", strings.Join(c.Brokers, ",")}
		if c.SASL() {
			args = append(args, "--kafka-credentials", c.Username+":"+c.Password)
		}
		root := newRootCmd()
		var logs syncBuffer
		root.SetOut(&logs)
		root.SetErr(&logs)
		root.SetArgs(args)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ready, done := make(chan string, 1), make(chan error, 1)
		go func() { done <- root.ExecuteContext(withServeReady(ctx, ready)) }()
		var base string
		select {
		case base = <-ready:
		case err := <-done:
			t.Fatalf("port serve exited before listening: %v", err)
		}

		o := &ocean{base: base}
		o.fetchToken(t, "any").success(t)
		o.api(t, http.MethodPost, "/v1/integration", obj{"installationId": "flags", "changelogDestination": obj{"type": "KAFKA"}}).success(t)
		if c.SASL() {
			creds := o.api(t, http.MethodGet, "/v1/kafka-credentials", nil).success(t).body["credentials"]
			assert.Equal(t, obj{"username": c.Username, "password": c.Password}, creds)
		}
		msgs := localporttest.ReadChangeLog(t, c, org+".change.log", 1)
		assert.Equal(t, "CREATE", msgs[0]["action"])
		assert.Equal(t, map[string]any{"integrationId": "flags"}, msgs[0]["context"])

		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Fatal("port serve did not stop")
		}
		assert.Contains(t, logs.String(), "Publishing Port's change log to "+org+".change.log on "+strings.Join(c.Brokers, ","))
		if c.SASL() {
			assert.NotContains(t, logs.String(), c.Password)
		}
	})
}
