package config

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sensitiveSpec = `
configurations:
  - name: apiToken
    type: string
    sensitive: true
  - name: pin
    type: integer
    sensitive: true
  - name: credentials
    type: object
    sensitive: true
  - name: host
    type: url
`

func TestSecrets(t *testing.T) {
	s := setup{
		files: map[string]string{".port/spec.yaml": sensitiveSpec},
		env: []string{
			"OCEAN__PORT__CLIENT_ID=client-id-value",
			"OCEAN__PORT__CLIENT_SECRET=client-secret-value",
			"OCEAN__EVENT_LISTENER__TYPE=WEBHOOK",
			"OCEAN__EVENT_LISTENER__APP_HOST=https://app-host-value.example.com",
			"OCEAN__INTEGRATION__CONFIG__API_TOKEN=api-token-value",
			`OCEAN__INTEGRATION__CONFIG__CREDENTIALS={"user":"nested-user-value","keys":["nested-key-value"]}`,
			"OCEAN__INTEGRATION__CONFIG__HOST=https://user:url-password-value@host.example.com",
			"OCEAN__BASE_URL=https://client-secret-value.example.com",
		},
	}.mustLoad(t)
	secrets := []string{"client-id-value", "client-secret-value", "https://app-host-value.example.com",
		"api-token-value", "nested-user-value", "nested-key-value"}
	assert.ElementsMatch(t, secrets, s.Secrets())

	red, err := json.Marshal(s.Redacted())
	require.NoError(t, err)
	for _, sec := range append(secrets, "url-password-value") {
		assert.NotContains(t, string(red), sec)
	}
	r := s.Redacted()
	assert.Equal(t, Redaction, r["port"].(map[string]any)["client_secret"])
	assert.Equal(t, "https://[REDACTED].example.com", r["base_url"])
	assert.Equal(t, "https://user:[REDACTED]@host.example.com", r["integration"].(map[string]any)["config"].(map[string]any)["host"])
	assert.Equal(t, "1m0s", r["client_timeout"], "durations are shown as text")
}

func TestRedactedWithoutSpecGuessesSecretKeys(t *testing.T) {
	s := setup{env: []string{
		"OCEAN__INTEGRATION__CONFIG__GITHUB_TOKEN=ghp-value",
		"OCEAN__INTEGRATION__CONFIG__DB_PASSWORD=pw-value",
		"OCEAN__INTEGRATION__CONFIG__ORG=port-labs",
	}}.mustLoad(t)
	cfg := s.Redacted()["integration"].(map[string]any)["config"]
	assert.Equal(t, map[string]any{"githubToken": Redaction, "dbPassword": Redaction, "org": "port-labs"}, cfg)
	assert.ElementsMatch(t, []string{"ghp-value", "pw-value"}, s.Secrets(), "guessed secrets are masked in logs too")
}

func TestRedactedWithoutSpecGuessesNestedSecretKeys(t *testing.T) {
	s := setup{files: map[string]string{"config.yaml": `
integration:
  config:
    db:
      host: db.local
      password: nested-pw
      replicas:
        - apiKey: 4242
`}}.mustLoad(t)
	cfg := s.Redacted()["integration"].(map[string]any)["config"]
	assert.Equal(t, map[string]any{"db": map[string]any{
		"host": "db.local", "password": Redaction, "replicas": []any{map[string]any{"apiKey": Redaction}},
	}}, cfg)
	assert.ElementsMatch(t, []string{"nested-pw", "4242"}, s.Secrets())
}

// No error ever quotes a sensitive value, even a malformed one.
func TestErrorsHideSensitiveValues(t *testing.T) {
	spec := map[string]string{".port/spec.yaml": sensitiveSpec}
	withSpec := func(k, v string) map[string]string { return map[string]string{".port/spec.yaml": sensitiveSpec, k: v} }
	for _, tc := range []struct {
		name   string
		c      setup
		secret string
		want   string
	}{
		{"sensitive integer", setup{files: spec, env: []string{"OCEAN__INTEGRATION__CONFIG__PIN=pin-secret-value"}}, "pin-secret-value",
			"config: OCEAN__INTEGRATION__CONFIG__PIN (environment): expected an integer, got a value of the wrong type"},
		{"sensitive object", setup{files: spec, env: []string{"OCEAN__INTEGRATION__CONFIG__CREDENTIALS=creds-secret-value"}}, "creds-secret-value",
			"config: OCEAN__INTEGRATION__CONFIG__CREDENTIALS (environment): expected a JSON object, got a value of the wrong type"},
		{"sensitive string given a list", setup{files: withSpec("config.yaml", "integration:\n  config:\n    apiToken: [token-secret-value]\n")}, "token-secret-value",
			"config: integration.config.apiToken (config.yaml line 3): expected a string, got a value of the wrong type"},
		{"client secret given an object", setup{files: map[string]string{"config.yaml": "port:\n  clientId: a\n  clientSecret: {v: port-secret-value}\n"}}, "port-secret-value",
			"config: port.clientSecret (config.yaml line 3): expected a string, got a value of the wrong type"},
		{"app host not a URL", setup{env: []string{"OCEAN__EVENT_LISTENER__TYPE=WEBHOOK", "OCEAN__EVENT_LISTENER__APP_HOST=host-secret-value"}}, "host-secret-value",
			"config: OCEAN__EVENT_LISTENER__APP_HOST (environment): expected a URL, got a value of the wrong type"},
		{"malformed JSON object", setup{env: []string{`OCEAN__INTEGRATION__CONFIG={"apiToken": "json-secret-value",}`}}, "json-secret-value",
			"config: invalid JSON in OCEAN__INTEGRATION__CONFIG (environment): invalid character '}' looking for beginning of object key string (offset 34)"},
		{"sensitive object as malformed JSON", setup{files: spec, env: []string{`OCEAN__INTEGRATION__CONFIG__CREDENTIALS={"k": "creds-secret-value"`}}, "creds-secret-value",
			"config: invalid JSON in OCEAN__INTEGRATION__CONFIG__CREDENTIALS (environment): unexpected end of JSON input (offset 26)"},
		{"password in a malformed URL", setup{env: []string{"OCEAN__PORT__BASE_URL=https://user:url-secret-value@bad host/"}}, "url-secret-value",
			`config: OCEAN__PORT__BASE_URL (environment): expected a URL, got "https://user:[REDACTED]@bad host/"`},
		{".env syntax error on a secret line", setup{files: map[string]string{".env": "OCEAN__PORT__CLIENT_SECRET dotenv-secret-value\n"}}, "dotenv-secret-value",
			"config: .env line 1: expected KEY=value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.load(t)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			assert.NotContains(t, err.Error(), tc.secret)
		})
	}
}

// Sensitive numbers are secrets too: a PIN or account id must not show in logs.
func TestSecretsIncludeSensitiveNumbers(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  string
		want []string
	}{
		{"integer", "OCEAN__INTEGRATION__CONFIG__PIN=123456", []string{"123456"}},
		{"numbers inside an object", `OCEAN__INTEGRATION__CONFIG__CREDENTIALS={"account":98765,"rate":1.5}`, []string{"98765", "1.5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := setup{files: map[string]string{".port/spec.yaml": sensitiveSpec}, env: []string{tc.env}}.mustLoad(t)
			assert.ElementsMatch(t, tc.want, s.Secrets())
		})
	}
}
