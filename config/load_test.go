package config

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrecedence(t *testing.T) {
	yaml := map[string]string{"config.yaml": "port:\n  baseUrl: https://yaml.example.com\n"}
	withDotenv := map[string]string{
		"config.yaml": yaml["config.yaml"],
		".env":        "OCEAN__PORT__BASE_URL=https://dotenv.example.com\n",
	}
	for _, tc := range []struct {
		name string
		c    setup
		want string
	}{
		{"default", setup{}, "https://api.getport.io"},
		{"config.yaml over default", setup{files: yaml}, "https://yaml.example.com"},
		{".env over config.yaml", setup{files: withDotenv}, "https://dotenv.example.com"},
		{"environment over .env", setup{files: withDotenv, env: []string{"OCEAN__PORT__BASE_URL=https://env.example.com"}}, "https://env.example.com"},
		{"environment over .env whatever the case", setup{files: withDotenv, env: []string{"ocean__port__base_url=https://env.example.com"}}, "https://env.example.com"},
		{"override over environment", setup{
			files:     withDotenv,
			env:       []string{"OCEAN__PORT__BASE_URL=https://env.example.com"},
			overrides: map[string]any{"port": map[string]any{"base_url": "https://override.example.com/"}},
		}, "https://override.example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.c.mustLoad(t).Port.BaseURL)
		})
	}
}

func TestDeepMerge(t *testing.T) {
	s := setup{
		files: map[string]string{"config.yaml": `
eventListener:
  type: POLLING
  interval: 30
  resyncOnStart: false
port:
  clientId: from-yaml
  clientSecret: secret-from-yaml
`},
		env:       []string{"OCEAN__EVENT_LISTENER__INTERVAL=10", "OCEAN__PORT__CLIENT_SECRET=secret-from-env"},
		overrides: map[string]any{"event_listener": map[string]any{"resync_on_start": true}},
	}.mustLoad(t)
	assert.Equal(t, ListenerPolling, s.EventListener.Type)
	assert.Equal(t, 10*time.Second, options(t, s).Interval)
	assert.True(t, options(t, s).ResyncOnStart)
	assert.Equal(t, "from-yaml", s.Port.ClientID)
	assert.Equal(t, "secret-from-env", s.Port.ClientSecret)
}

func TestEnvMapping(t *testing.T) {
	for _, tc := range []struct {
		name  string
		c     setup
		check func(t *testing.T, s *Settings)
	}{
		{"nested keys", setup{env: []string{"OCEAN__PORT__CLIENT_ID=id", "OCEAN__PORT__CLIENT_SECRET=sec", "OCEAN__INITIALIZE_PORT_RESOURCES=false"}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, "id", s.Port.ClientID)
				assert.True(t, s.Port.HasCredentials())
				assert.False(t, s.InitializePortResources)
			}},
		{"JSON object", setup{env: []string{`OCEAN__EVENT_LISTENER={"type":"KAFKA","brokers":["a:1","b:2"]}`}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, ListenerKafka, s.EventListener.Type)
				assert.Equal(t, []string{"a:1", "b:2"}, options(t, s).Brokers)
			}},
		{"JSON object refined by a nested var", setup{env: []string{`OCEAN__EVENT_LISTENER={"type":"POLLING","interval":5}`, "OCEAN__EVENT_LISTENER__INTERVAL=7"}},
			func(t *testing.T, s *Settings) { assert.Equal(t, 7*time.Second, options(t, s).Interval) }},
		{"JSON object keeps its keys when refined by a nested var", setup{env: []string{`OCEAN__EVENT_LISTENER={"type":"KAFKA"}`, "OCEAN__EVENT_LISTENER__CONSUMER_POLL_TIMEOUT=5"}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, ListenerKafka, s.EventListener.Type)
				assert.Equal(t, 5*time.Second, options(t, s).PollTimeout)
			}},
		{"JSON integration config refined by a nested var", setup{env: []string{`OCEAN__INTEGRATION__CONFIG={"jiraHost":"https://jira"}`, "OCEAN__INTEGRATION__CONFIG__TOKEN=t"}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, map[string]any{"jiraHost": "https://jira", "token": "t"}, s.Integration.Config)
			}},
		{"JSON object merges with config.yaml", setup{
			files: map[string]string{"config.yaml": "eventListener:\n  type: POLLING\n  interval: 30\n"},
			env:   []string{`OCEAN__EVENT_LISTENER={"resync_on_start":false}`},
		}, func(t *testing.T, s *Settings) {
			assert.Equal(t, 30*time.Second, options(t, s).Interval)
			assert.False(t, options(t, s).ResyncOnStart)
		}},
		{"JSON integration config", setup{env: []string{`OCEAN__INTEGRATION__CONFIG={"jiraHost":"https://jira","n":2}`}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, map[string]any{"jiraHost": "https://jira", "n": float64(2)}, s.Integration.Config)
			}},
		{"case-insensitive names and values", setup{env: []string{"Ocean__Event_Listener__Type=once", "ocean__send_raw_data_examples=OFF"}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, ListenerOnce, s.EventListener.Type)
				assert.False(t, s.SendRawDataExamples)
			}},
		{"config keys from env become camelCase without a spec", setup{env: []string{"OCEAN__INTEGRATION__CONFIG__JIRA_HOST=h", "OCEAN__INTEGRATION__CONFIG__TOKEN=t"}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, map[string]any{"jiraHost": "h", "token": "t"}, s.Integration.Config)
			}},
		{"application settings", setup{env: []string{"APPLICATION__LOG_LEVEL=debug", "APPLICATION__PORT=9000"}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, "DEBUG", s.Application.LogLevel)
				assert.Equal(t, 9000, s.Application.Port)
			}},
		{"request body limit", setup{env: []string{"OCEAN__MAX_REQUEST_BODY_SIZE_IN_BYTES=1024"}},
			func(t *testing.T, s *Settings) { assert.Equal(t, 1024, s.MaxRequestBodySizeInBytes) }},
		{"WARN is WARNING", setup{env: []string{"APPLICATION__LOG_LEVEL=warn"}},
			func(t *testing.T, s *Settings) { assert.Equal(t, "WARNING", s.Application.LogLevel) }},
		{"obsolete setting warns", setup{env: []string{"OCEAN__PROCESS_EXECUTION_MODE=multi_process"}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, []string{"OCEAN__PROCESS_EXECUTION_MODE is obsolete and ignored"}, s.Warnings)
			}},
		{"empty value means default", setup{env: []string{"OCEAN__CLIENT_TIMEOUT=", "OCEAN__EVENT_LISTENER="}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, 60*time.Second, s.ClientTimeout)
				assert.Equal(t, ListenerPolling, s.EventListener.Type)
			}},
		{"durations accept Go syntax", setup{env: []string{"OCEAN__CLIENT_TIMEOUT=2m", "OCEAN__SCHEDULED_RESYNC_INTERVAL=90", "OCEAN__MAX_WAIT_SECONDS_BEFORE_SHUTDOWN=1.5"}},
			func(t *testing.T, s *Settings) {
				assert.Equal(t, 2*time.Minute, s.ClientTimeout)
				assert.Equal(t, 90*time.Minute, s.ScheduledResyncInterval)
				assert.Equal(t, 1500*time.Millisecond, s.MaxWaitBeforeShutdown)
			}},
		{"unknown keys are kept for Lookup", setup{env: []string{"OCEAN__SOME__FUTURE_SETTING=x"}},
			func(t *testing.T, s *Settings) {
				v, ok := s.Lookup("some.future_setting")
				assert.True(t, ok)
				assert.Equal(t, "x", v)
			}},
		{"allowed env vars as a comma list", setup{env: []string{"OCEAN__ALLOWED_ENV_VARS= REGION, MY_* ,"}},
			func(t *testing.T, s *Settings) { assert.Equal(t, []string{"REGION", "MY_*"}, s.AllowedEnvVars) }},
		{"allowed env vars as a JSON list", setup{env: []string{`OCEAN__ALLOWED_ENV_VARS=["REGION","MY_*"]`}},
			func(t *testing.T, s *Settings) { assert.Equal(t, []string{"REGION", "MY_*"}, s.AllowedEnvVars) }},
		{"allowed env vars from config.yaml", setup{files: map[string]string{"config.yaml": "allowedEnvVars: [REGION, 'MY_*']\n"}},
			func(t *testing.T, s *Settings) { assert.Equal(t, []string{"REGION", "MY_*"}, s.AllowedEnvVars) }},
		{"a rate limit set, even to the default", setup{env: []string{"OCEAN__PORT__RATE_LIMIT=100"}},
			func(t *testing.T, s *Settings) { assert.True(t, s.Port.RateLimitSet) }},
		{"other variables are ignored", setup{env: []string{"HOME=/root", "OCEANX=1", "PATH=/bin"}},
			func(t *testing.T, s *Settings) { assert.Empty(t, s.Warnings) }},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, tc.c.mustLoad(t)) })
	}
}

func TestDefaults(t *testing.T) {
	// Dir "" is the current directory: this package's, which has no settings files.
	s, err := Load(LoadOptions{Environ: []string{}, DefaultType: "Fake", DefaultVersion: "1.2.3"})
	require.NoError(t, err)
	assert.Equal(t, "fake", s.Integration.Type)
	assert.Equal(t, "my-fake-integration", s.Integration.Identifier)
	assert.Equal(t, "1.2.3", s.Integration.Version)
	assert.Equal(t, "https://api.getport.io", s.Port.BaseURL)
	assert.False(t, s.Port.HasCredentials())
	assert.Equal(t, 60*time.Second, s.Port.PortAppConfigCacheTTL)
	assert.Equal(t, 100.0, s.Port.RateLimit)
	assert.False(t, s.Port.RateLimitSet, "a default rate limit adapts to what answers")
	assert.True(t, s.InitializePortResources)
	assert.True(t, s.SendRawDataExamples)
	assert.True(t, s.AllowEnvironmentVariablesJQAccess)
	assert.Empty(t, s.AllowedEnvVars, "mappings see no environment variable unless allowed")
	assert.Zero(t, s.ScheduledResyncInterval)
	assert.Equal(t, RuntimeOnPrem, s.Runtime)
	assert.Equal(t, 20, s.UpsertEntitiesBatchMaxLength)
	assert.Equal(t, 1<<20, s.UpsertEntitiesBatchMaxSizeInBytes)
	assert.Equal(t, 1000, s.DeleteEntitiesMaxBatchSize)
	assert.Equal(t, 100, s.DeleteBatchSize())
	assert.Equal(t, 200, s.YieldItemsToParseBatchSize)
	assert.Equal(t, 120*time.Second, s.ProcessInQueueTimeout)
	assert.GreaterOrEqual(t, s.ProcessInQueueMaxWorkers, 1)
	assert.Equal(t, "INFO", s.Application.LogLevel)
	assert.Equal(t, 8000, s.Application.Port)
	assert.Equal(t, 4<<20, s.MaxRequestBodySizeInBytes)
	assert.Equal(t, ".port/resources", s.ResourcesPath)
	assert.Equal(t, ".ocean", s.LocalPort.Dir)
	assert.Equal(t, map[string]any{}, s.Integration.Config)
}

// A ONCE run needs no fixed address: without a port given it takes a free
// one, so that it never collides with another process on 8000.
func TestApplicationPortDefaults(t *testing.T) {
	once := map[string]any{"event_listener": map[string]any{"type": "ONCE"}}
	for _, tc := range []struct {
		name string
		c    setup
		want int
	}{
		{"POLLING", setup{}, 8000},
		{"WEBHOOKS_ONLY", setup{env: []string{"OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY"}}, 8000},
		{"ONCE: a free port", setup{overrides: once}, 0},
		{"ONCE from the environment", setup{env: []string{"OCEAN__EVENT_LISTENER__TYPE=ONCE"}}, 0},
		{"ONCE with APPLICATION__PORT", setup{overrides: once, env: []string{"APPLICATION__PORT=8000"}}, 8000},
		{"ONCE with an empty APPLICATION__PORT", setup{overrides: once, env: []string{"APPLICATION__PORT="}}, 0},
		{"ONCE with a port from config.yaml", setup{overrides: once, files: map[string]string{"config.yaml": "application:\n  port: 9000\n"}}, 9000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.c.mustLoad(t).Application.Port)
		})
	}
}

func TestTypeFallsBackToSpec(t *testing.T) {
	s, err := Load(LoadOptions{Dir: "testdata/integration", DefaultVersion: "0.1.0", Environ: []string{"OCEAN__INTEGRATION__CONFIG__API_TOKEN=t"}})
	require.NoError(t, err)
	assert.Equal(t, "example", s.Integration.Type)
	assert.Equal(t, "my-example-integration", s.Integration.Identifier)
}

func TestMissingType(t *testing.T) {
	_, err := Load(LoadOptions{Dir: t.TempDir(), Environ: []string{}})
	var cerr *Error
	require.True(t, errors.As(err, &cerr))
	// Both at once: the version is missing too.
	assert.Equal(t, "config: integration.type: required by the integration (ocean.WithType), set OCEAN__INTEGRATION__TYPE to a string\n"+
		"config: integration.version: required by the integration (ocean.WithVersion), set OCEAN__INTEGRATION__VERSION to a string", err.Error())
}

func TestMissingVersion(t *testing.T) {
	_, err := Load(LoadOptions{Dir: t.TempDir(), Environ: []string{}, DefaultType: "fake"})
	assert.EqualError(t, err, "config: integration.version: required by the integration (ocean.WithVersion), set OCEAN__INTEGRATION__VERSION to a string")
	s, err := Load(LoadOptions{Dir: t.TempDir(), Environ: []string{"OCEAN__INTEGRATION__VERSION=2.0.0"}, DefaultType: "fake"})
	require.NoError(t, err)
	assert.Equal(t, "2.0.0", s.Integration.Version)
}

func TestCPULimit(t *testing.T) {
	for _, tc := range []struct {
		file string
		want int
	}{
		{"testdata/cpu.max/two", 2},
		{"testdata/cpu.max/half", 1},
		{"testdata/cpu.max/one-and-a-half", 2},
	} {
		assert.Equal(t, tc.want, cpuLimit(tc.file), tc.file)
	}
	assert.GreaterOrEqual(t, cpuLimit("testdata/cpu.max/unlimited"), 1)
	assert.GreaterOrEqual(t, cpuLimit("testdata/cpu.max/absent"), 1)
}
