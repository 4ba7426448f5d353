package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every wrong or missing value fails with one line naming the key as the user
// wrote it, where it came from and what was expected.
func TestErrorMessages(t *testing.T) {
	spec := map[string]string{".port/spec.yaml": `
type: example
configurations:
  - name: apiToken
    type: string
    required: true
    sensitive: true
  - name: entityAmount
    type: integer
  - name: apiUrl
    type: url
`}
	withSpec := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range spec {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name string
		c    setup
		want string
	}{
		{"integer seconds from env", setup{env: []string{"OCEAN__EVENT_LISTENER__INTERVAL=soon"}},
			`config: OCEAN__EVENT_LISTENER__INTERVAL (environment): expected an integer number of seconds, got "soon"`},
		{"non-positive seconds", setup{env: []string{"OCEAN__EVENT_LISTENER__INTERVAL=0"}},
			`config: OCEAN__EVENT_LISTENER__INTERVAL (environment): expected a positive integer number of seconds, got "0"`},
		{"URL from config.yaml", setup{files: map[string]string{"config.yaml": "# Port\n\nport:\n  baseUrl: not a url\n"}},
			`config: port.baseUrl (config.yaml line 4): expected a URL, got "not a url"`},
		{"required by spec", setup{files: spec},
			`config: integration.config.apiToken: required by .port/spec.yaml, set OCEAN__INTEGRATION__CONFIG__API_TOKEN to a string`},
		{"spec type from env", setup{files: spec, env: []string{"OCEAN__INTEGRATION__CONFIG__API_TOKEN=t", "OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=many"}},
			`config: OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT (environment): expected an integer, got "many"`},
		{"spec url from config.yaml", setup{files: withSpec(map[string]string{"config.yaml": "integration:\n  config:\n    apiToken: t\n    apiUrl: example.com\n"})},
			`config: integration.config.apiUrl (config.yaml line 4): expected a URL, got "example.com"`},
		{"boolean from .env", setup{files: map[string]string{".env": "# comment\nOCEAN__SEND_RAW_DATA_EXAMPLES=maybe\n"}},
			`config: OCEAN__SEND_RAW_DATA_EXAMPLES (.env line 2): expected a boolean (true/false, yes/no, on/off, 1/0), got "maybe"`},
		{"listener type from override", setup{overrides: map[string]any{"event_listener": map[string]any{"type": "SOMETIMES"}}},
			`config: event_listener.type (override): expected one of POLLING, ONCE, KAFKA, WEBHOOK, WEBHOOKS_ONLY, ACTIONS_ONLY, got "SOMETIMES"`},
		{"value inside a JSON env var", setup{env: []string{`OCEAN__EVENT_LISTENER={"type":"POLLING","interval":"often"}`}},
			`config: OCEAN__EVENT_LISTENER.interval (environment): expected an integer number of seconds, got "often"`},
		{"object that is not JSON", setup{env: []string{"OCEAN__EVENT_LISTENER=KAFKA"}},
			`config: OCEAN__EVENT_LISTENER (environment): expected an object (JSON when given as a string), got a value of the wrong type`},
		{"object as invalid JSON", setup{env: []string{`OCEAN__EVENT_LISTENER={"type":`}},
			`config: invalid JSON in OCEAN__EVENT_LISTENER (environment): unexpected end of JSON input (offset 8)`},
		{"object as invalid JSON in .env", setup{files: map[string]string{".env": "# listener\nOCEAN__EVENT_LISTENER='{\"type\": \"ONCE\",}'\n"}},
			`config: invalid JSON in OCEAN__EVENT_LISTENER (.env line 2): invalid character '}' looking for beginning of object key string (offset 17)`},
		{"integration config as invalid JSON", setup{env: []string{`OCEAN__INTEGRATION__CONFIG={"token": "s3cr3t" "x": 1}`}},
			`config: invalid JSON in OCEAN__INTEGRATION__CONFIG (environment): invalid character '"' after object key:value pair (offset 20)`},
		{"spec object as invalid JSON", setup{files: map[string]string{".port/spec.yaml": "configurations:\n  - {name: labels, type: object}\n"},
			env: []string{`OCEAN__INTEGRATION__CONFIG__LABELS={"team": a}`}},
			`config: invalid JSON in OCEAN__INTEGRATION__CONFIG__LABELS (environment): invalid character 'a' looking for beginning of value (offset 10)`},
		{"list as invalid JSON", setup{env: []string{`OCEAN__ALLOWED_ENV_VARS=["A",`}},
			`config: invalid JSON in OCEAN__ALLOWED_ENV_VARS (environment): unexpected end of JSON input (offset 5)`},
		{"object given a scalar in config.yaml", setup{files: map[string]string{"config.yaml": "port: 5\n"}},
			`config: port (config.yaml line 1): expected an object (JSON when given as a string), got a value of the wrong type`},
		{"unknown provider", setup{files: map[string]string{"config.yaml": "port:\n  clientId: \"{{ from vault port/id }}\"\n"}},
			`config: port.clientId (config.yaml line 2): expected a value or "{{ from env NAME }}" (the only provider is env), got "{{ from vault port/id }}"`},
		{"invalid YAML", setup{files: map[string]string{"config.yaml": "port:\n  clientId: a\n bad: [\n"}},
			`config: config.yaml line 3: expected valid YAML, got "did not find expected key"`},
		{"alias bomb", setup{files: map[string]string{"config.yaml": aliasBomb()}},
			`config: config.yaml: expected valid YAML, got "document contains excessive aliasing"`},
		{"config.yaml not a mapping", setup{files: map[string]string{"config.yaml": "- a\n- b\n"}},
			`config: config.yaml line 1: expected a mapping of settings`},
		{".env syntax", setup{files: map[string]string{".env": "OCEAN__A=1\nthis is not a line\n"}},
			`config: .env line 2: expected KEY=value`},
		{".env open quote", setup{files: map[string]string{".env": "OCEAN__A=\"abc\n"}},
			`config: OCEAN__A (.env line 1): expected a closing " quote`},
		{"webhook without app_host", setup{env: []string{"OCEAN__EVENT_LISTENER__TYPE=WEBHOOK"}},
			`config: event_listener.app_host: required by the WEBHOOK event listener, set OCEAN__EVENT_LISTENER__APP_HOST to a URL`},
		{"only one Port credential", setup{env: []string{"OCEAN__PORT__CLIENT_ID=id"}},
			`config: port.client_secret: required by port.client_id, set OCEAN__PORT__CLIENT_SECRET to a string`},
		{"application port", setup{env: []string{"APPLICATION__PORT=80000"}},
			`config: APPLICATION__PORT (environment): expected a port number (0-65535), got "80000"`},
		{"request body limit", setup{env: []string{"OCEAN__MAX_REQUEST_BODY_SIZE_IN_BYTES=4MB"}},
			`config: OCEAN__MAX_REQUEST_BODY_SIZE_IN_BYTES (environment): expected an integer, got "4MB"`},
		{"log level", setup{env: []string{"APPLICATION__LOG_LEVEL=LOUD"}},
			`config: APPLICATION__LOG_LEVEL (environment): expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got "LOUD"`},
		{"batch size", setup{env: []string{"OCEAN__UPSERT_ENTITIES_BATCH_MAX_LENGTH=0"}},
			`config: OCEAN__UPSERT_ENTITIES_BATCH_MAX_LENGTH (environment): expected an integer of at least 1, got "0"`},
		{"incremental interval", setup{env: []string{"OCEAN__INTEGRATION__INCREMENTAL_SYNC_INTERVAL=20"}},
			`config: OCEAN__INTEGRATION__INCREMENTAL_SYNC_INTERVAL (environment): expected 15, 30 or 60 minutes, got "20"`},
		{"saas runtime without spec", setup{env: []string{"OCEAN__RUNTIME=saas"}},
			`config: OCEAN__RUNTIME (environment): expected OnPrem: .port/spec.yaml does not enable saas, got "saas"`},
		{"string given a list", setup{files: map[string]string{"config.yaml": "integration:\n  identifier: [a, b]\n"}},
			`config: integration.identifier (config.yaml line 2): expected a string, got a list`},
		{"spec type", setup{files: map[string]string{".port/spec.yaml": "configurations:\n  - name: a\n    type: string\n  - name: b\n    type: float\n"}},
			`config: configurations[1].type (.port/spec.yaml line 5): expected one of string, url, integer, number, boolean, object, array, got "float"`},
		{"allowed env var glob", setup{env: []string{"OCEAN__ALLOWED_ENV_VARS=REGION,MY_[A"}},
			`config: OCEAN__ALLOWED_ENV_VARS (environment): expected a comma-separated list of variable names or globs (MY_*), got "MY_[A"`},
		{"allowed env vars not a list", setup{files: map[string]string{"config.yaml": "allowedEnvVars: {a: 1}\n"}},
			`config: allowedEnvVars (config.yaml line 1): expected a comma-separated list of variable names or globs (MY_*), got an object`},
		{"spec not a mapping", setup{files: map[string]string{".port/spec.yaml": "[]"}},
			`config: .port/spec.yaml: expected a mapping (type, configurations, …)`},
		{"spec default of the wrong type", setup{files: map[string]string{".port/spec.yaml": "configurations:\n  - name: n\n    type: integer\n    default: ten\n"}},
			`config: configurations[0].default (.port/spec.yaml line 4): expected an integer, got "ten"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.load(t)
			require.Error(t, err)
			var cerr *Error
			require.True(t, errors.As(err, &cerr), "%T is not a *config.Error", err)
			assert.Equal(t, tc.want, err.Error())
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestErrorFields(t *testing.T) {
	_, err := setup{env: []string{"OCEAN__EVENT_LISTENER__INTERVAL=soon"}}.load(t)
	var cerr *Error
	require.True(t, errors.As(err, &cerr))
	assert.Equal(t, Error{Key: "OCEAN__EVENT_LISTENER__INTERVAL", Source: "environment", Expected: "an integer number of seconds", Got: `"soon"`}, *cerr)
}

// aliasBomb is a YAML document that expands to 9^10 values through aliases.
func aliasBomb() string {
	y, prev := "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n", "a"
	for _, n := range strings.Split("bcdefghij", "") {
		y += n + ": &" + n + " {"
		for i := range 9 {
			if i > 0 {
				y += ", "
			}
			y += fmt.Sprintf("k%d: *%s", i, prev)
		}
		y += "}\n"
		prev = n
	}
	return y
}
