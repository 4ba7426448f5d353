package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProviders(t *testing.T) {
	yaml := `
port:
  clientId: "{{ from env MY_ID }}"
  clientSecret: "{{from env MY_SECRET}}"
integration:
  identifier: "{{ from env MISSING }}"
  config:
    host: "{{ from env HOST_FROM_DOTENV }}"
`
	for _, tc := range []struct {
		name  string
		c     setup
		check func(t *testing.T, s *Settings)
	}{
		{"present, spacing-insensitive", setup{files: map[string]string{"config.yaml": yaml}, env: []string{"MY_ID=id", "MY_SECRET=sec"}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, "id", s.Port.ClientID)
				assert.Equal(t, "sec", s.Port.ClientSecret)
			}},
		{"missing env var omits the key", setup{files: map[string]string{"config.yaml": yaml}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, "my-fake-integration", s.Integration.Identifier)
				assert.False(t, s.Port.HasCredentials())
				assert.Empty(t, s.Integration.Config)
			}},
		{"resolved from .env too", setup{files: map[string]string{"config.yaml": yaml, ".env": "HOST_FROM_DOTENV=h\n"}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, map[string]any{"host": "h"}, s.Integration.Config)
			}},
		{"env setting wins over the reference", setup{files: map[string]string{"config.yaml": yaml}, env: []string{"MY_ID=id", "MY_SECRET=sec", "OCEAN__PORT__CLIENT_ID=direct"}},
			func(t *testing.T, s *Settings) { assert.Equal(t, "direct", s.Port.ClientID) }},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, tc.c.mustLoad(t)) })
	}
}

func TestConfigYAMLKeys(t *testing.T) {
	s := setup{files: map[string]string{"config.yaml": `
initializePortResources: false
sendRawDataExamples: no
port:
  baseURL: https://port.example.com/
  portAppConfigCacheTTL: 5
eventListener: &listener
  type: ONCE
integration:
  identifier: my-id
  config:
    someKey: v
    Other_Key: w
`}}.mustLoad(t)
	assert.False(t, s.InitializePortResources)
	assert.False(t, s.SendRawDataExamples)
	assert.Equal(t, "https://port.example.com", s.Port.BaseURL)
	assert.Equal(t, int64(5), int64(s.Port.PortAppConfigCacheTTL.Seconds()))
	assert.Equal(t, ListenerOnce, s.EventListener.Type)
	assert.Equal(t, "my-id", s.Integration.Identifier)
	assert.Equal(t, map[string]any{"someKey": "v", "Other_Key": "w"}, s.Integration.Config)
}

func TestParseDotenv(t *testing.T) {
	vars, err := parseDotenv(`# a comment
export OCEAN__A=plain
OCEAN__B = spaced   # trailing comment
OCEAN__C='single # not a comment \n'
OCEAN__D="double\n\"quoted\""
OCEAN__E="multi
line"
OCEAN__F=
OCEAN__G=a#b
`)
	require.Nil(t, err)
	got := map[string]string{}
	for _, v := range vars {
		got[v.name] = v.value
	}
	assert.Equal(t, map[string]string{
		"OCEAN__A": "plain",
		"OCEAN__B": "spaced",
		"OCEAN__C": `single # not a comment \n`,
		"OCEAN__D": "double\n\"quoted\"",
		"OCEAN__E": "multi\nline",
		"OCEAN__F": "",
		"OCEAN__G": "a#b",
	}, got)
	assert.Equal(t, ".env line 6", vars[4].where)
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"baseUrl":               "base_url",
		"baseURL":               "base_url",
		"PortAppConfigCacheTTL": "port_app_config_cache_ttl",
		"EVENT_LISTENER":        "event_listener",
		"event_listener":        "event_listener",
		"clientID":              "client_id",
		"ttl2Seconds":           "ttl2_seconds",
		"path-prefix":           "path_prefix",
	} {
		assert.Equal(t, want, snake(in), in)
	}
}

// YAML merge keys (<<: *base) bring in the keys of the mappings they name.
func TestConfigYAMLMergeKeys(t *testing.T) {
	const base = "a: &a\n  interval: 30\n  resyncOnStart: false\nb: &b\n  interval: 40\n"
	for _, tc := range []struct {
		name, yaml    string
		interval      time.Duration
		resyncOnStart bool
	}{
		{"one mapping", "eventListener:\n  <<: *a\n", 30 * time.Second, false},
		{"written keys win", "eventListener:\n  interval: 10\n  <<: *a\n", 10 * time.Second, false},
		{"earlier mappings win", "eventListener:\n  <<: [*b, *a]\n", 40 * time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := setup{files: map[string]string{"config.yaml": base + tc.yaml}}.mustLoad(t)
			assert.Equal(t, tc.interval, options(t, s).Interval)
			assert.Equal(t, tc.resyncOnStart, options(t, s).ResyncOnStart)
		})
	}
}
