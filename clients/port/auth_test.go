package port

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func withTTL(ttl time.Duration) func(*localport.Options) {
	return func(o *localport.Options) { o.TokenTTL = ttl }
}

func withCredentials(o *localport.Options) {
	o.ClientID, o.ClientSecret = testClientID, testSecret
}

func TestTokenReusedAndSharedByConcurrentCallers(t *testing.T) {
	env := newEnv(t, []func(*localport.Options){withCredentials})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() { _, errs[i] = env.c.ProvisionEnabled(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, env.rec.count("POST", "/auth/access_token", 200), "concurrent callers share one token request")
	env.noSecretsLogged(t)
}

func TestTokenRefresh(t *testing.T) {
	tests := []struct {
		name string
		// skew makes the client believe its token lives longer than the server's.
		skew        bool
		wantTokens  int
		want401     int
		wantReplays int
	}{
		{name: "renewed before it expires", wantTokens: 2},
		{name: "server-side expiry: 401, refresh once, replay", skew: true, wantTokens: 2, want401: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, []func(*localport.Options){withCredentials, withTTL(time.Second)})
			ctx := context.Background()
			_, err := env.c.ProvisionEnabled(ctx)
			require.NoError(t, err)
			if tt.skew {
				env.c.auth.mu.Lock()
				env.c.auth.cur.renewAt = time.Now().Add(time.Hour)
				env.c.auth.mu.Unlock()
			}
			time.Sleep(1100 * time.Millisecond) // past the server's expiry
			_, err = env.c.ProvisionEnabled(ctx)
			require.NoError(t, err)
			assert.Equal(t, tt.wantTokens, env.rec.count("POST", "/auth/access_token", 200))
			assert.Equal(t, tt.want401, env.rec.count("GET", "/integration/provision-enabled", 401))
			assert.Equal(t, 2, env.rec.count("GET", "/integration/provision-enabled", 200))
			env.noSecretsLogged(t)
		})
	}
}

func TestUnauthorizedReplayedOnceForAnyMethod(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	_, err := env.c.CreateIntegration(ctx, CreateIntegrationRequest{InstallationAppType: "fake", Version: "0.1.0"})
	require.NoError(t, err)

	// A PATCH (never retried) answered 401 once is still replayed after a refresh.
	env.srv.InjectFault(localport.Fault{Method: "PATCH", Path: "/v1/integration/*", Status: 401, Count: 1})
	_, err = env.c.PatchIntegration(ctx, map[string]any{"version": "0.2.0"})
	require.NoError(t, err)
	assert.Equal(t, 2, env.rec.count("POST", "/auth/access_token", 200))

	// A second 401 in a row is the caller's error: no loop.
	env.srv.InjectFault(localport.Fault{Method: "GET", Path: "/v1/organization", Status: 401})
	_, err = env.c.Organization(ctx)
	require.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, 2, env.rec.count("GET", "/organization", 401))
}

func TestBadCredentials(t *testing.T) {
	env := newEnv(t, []func(*localport.Options){withCredentials}, func(c *Config) { c.ClientSecret = "wrong-secret" })
	ctx := context.Background()
	mustCreate := func() error { _, err := env.c.GetIntegration(ctx); return err }

	start := time.Now()
	err := mustCreate()
	require.ErrorIs(t, err, ErrBadCredentials)
	require.ErrorIs(t, err, ErrUnauthorized)
	assert.Contains(t, err.Error(), "Port rejected the client credentials")
	assert.NotContains(t, err.Error(), "wrong-secret")
	assert.Less(t, time.Since(start), time.Second, "no retries on the token call")
	assert.Equal(t, 1, env.rec.count("POST", "/auth/access_token", 401))

	// A bulk call stops at once instead of failing every batch the same way.
	res, err := env.c.UpsertEntities(ctx, makeEntities("service", "e", 400, 50), UpsertOptions{})
	require.ErrorIs(t, err, ErrBadCredentials)
	for _, r := range res {
		require.True(t, errors.Is(r.Err, ErrBadCredentials))
	}
	assert.LessOrEqual(t, env.rec.count("POST", "/auth/access_token", 401), 1+DefaultBulkConcurrency, "no retry storm")
	assert.Zero(t, env.rec.count("POST", "/entities/bulk", 0))
	for _, e := range env.logs.AllEntries() {
		line, _ := e.String()
		assert.NotContains(t, line, "wrong-secret")
	}
}
