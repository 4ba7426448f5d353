package port

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUserAgentString(t *testing.T) {
	ua := UserAgent{Type: "GitHub", Version: "0.1.9", Identifier: "my-github-integration"}
	tests := []struct {
		feature, want string
	}{
		{"", "port-ocean/github/0.1.9/my-github-integration"},
		{"exporter", "port-ocean/github/0.1.9/my-github-integration/exporter"},
		{"gitops", "port-ocean/github/0.1.9/my-github-integration/gitops"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ua.String(tt.feature))
	}
}

func validConfig() Config {
	return Config{ClientID: "id", ClientSecret: "secret", UserAgent: UserAgent{Type: "fake", Version: "1.0.0", Identifier: "my-fake"}}
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr string
	}{
		{"valid", func(*Config) {}, ""},
		{"no secret", func(c *Config) { c.ClientSecret = "" }, "client id and client secret are required"},
		{"no identifier", func(c *Config) { c.UserAgent.Identifier = "" }, "user agent type, version and identifier are required"},
		{"relative base url", func(c *Config) { c.BaseURL = "api.getport.io" }, `base url "api.getport.io" must be an absolute http(s) URL`},
		{"ftp base url", func(c *Config) { c.BaseURL = "ftp://x" }, "must be an absolute http(s) URL"},
		{"feature with slash", func(c *Config) { c.Feature = "a/b" }, "must not contain '/'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validConfig()
			tt.mod(&cfg)
			c, err := New(cfg)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.NotNil(t, c)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
			assert.NotContains(t, err.Error(), "secret\"", "the secret must not leak into errors")
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := New(validConfig())
	require.NoError(t, err)
	assert.Equal(t, "https://api.getport.io/v1", c.apiURL)
	assert.Equal(t, "exporter", c.cfg.Feature)
	assert.Equal(t, "port-ocean/fake/1.0.0/my-fake", c.UserAgent(false))
	assert.Equal(t, "port-ocean/fake/1.0.0/my-fake/exporter", c.UserAgent(true))
	assert.Equal(t, DefaultRateLimit, c.limiter.Limit())
	other, err := New(validConfig())
	require.NoError(t, err)
	assert.NotSame(t, other.limiter, c.limiter, "each client has its own budget unless given one")
	assert.Equal(t, 20, c.cfg.UpsertBatchMaxLength)
	assert.Equal(t, 1<<20, c.cfg.UpsertBatchMaxBytes)
	assert.Equal(t, 100, c.cfg.DeleteBatchMaxLength)
	assert.Equal(t, 5000, c.cfg.OwnedEntitiesPage)
	assert.Equal(t, 120*time.Second, c.cfg.BlueprintCacheTTL)
	assert.Equal(t, 300*time.Second, c.cfg.FeatureFlagsCacheTTL)
	assert.Equal(t, 60*time.Second, c.http.Timeout)
	assert.Equal(t, 10, c.retry.MaxRetries)
}

func TestNormalizeBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                            "https://api.getport.io",
		"https://api.port.io/":        "https://api.port.io",
		"https://api.us.port.io/v1":   "https://api.us.port.io",
		"https://api.us.port.io/v1/":  "https://api.us.port.io",
		"http://127.0.0.1:5555":       "http://127.0.0.1:5555",
		" http://localhost:1/prefix ": "http://localhost:1/prefix",
	} {
		got, err := normalizeBaseURL(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

func TestRenewAt(t *testing.T) {
	t0 := time.Unix(1000, 0)
	assert.Equal(t, t0.Add(3*time.Hour-time.Minute), renewAt(t0, 3*time.Hour))
	assert.Equal(t, t0.Add(1500*time.Millisecond), renewAt(t0, 2*time.Second), "short tokens keep three quarters")
	assert.True(t, renewAt(t0, 0).After(t0.Add(24*time.Hour)), "no expiry: kept until a 401")
}
