package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// misspelt is testdata/misspelt: a config.yaml, .env and spec.yaml with a
// slip in one key each, and one key close to nothing known.
var misspeltWarnings = []string{
	"APPLICATION__LOG_LEVL (.env line 2): unknown setting; did you mean APPLICATION__LOG_LEVEL?",
	"OCEAN__EVENT_LISTNER__TYPE (.env line 1): unknown setting; did you mean OCEAN__EVENT_LISTENER__TYPE?",
	"colour (config.yaml line 8): unknown setting",
	"eventListener.intreval (config.yaml line 3): unknown setting; did you mean eventListener.interval?",
	"integration.config.entityAmont (config.yaml line 7): unknown setting; did you mean integration.config.entityAmount?",
	"descripton (.port/spec.yaml line 3): unknown setting; did you mean description?",
	"features[0].resources[0].knid (.port/spec.yaml line 8): unknown setting; did you mean features[0].resources[0].kind?",
	"configurations[0].requried (.port/spec.yaml line 12): unknown setting; did you mean configurations[0].required?",
}

func TestUnknownKeysWarn(t *testing.T) {
	s, err := Load(LoadOptions{Dir: "testdata/misspelt", Environ: []string{}, Listeners: testListeners, DefaultVersion: "1.0.0"})
	require.NoError(t, err)
	assert.Equal(t, misspeltWarnings, s.Warnings)
	assert.Equal(t, ListenerPolling, s.EventListener.Type, "a misspelt key is ignored")
}

func TestUnknownKeysStrict(t *testing.T) {
	for _, tc := range []struct {
		name      string
		env       []string
		overrides map[string]any
	}{
		{"--strict", []string{}, map[string]any{"strict": true}},
		{"OCEAN__STRICT", []string{"OCEAN__STRICT=true"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(LoadOptions{Dir: "testdata/misspelt", Environ: tc.env, Overrides: tc.overrides, Listeners: testListeners, DefaultVersion: "1.0.0"})
			var errs Errors
			require.True(t, errors.As(err, &errs), "%T: %v", err, err)
			require.Len(t, errs, len(misspeltWarnings), "every unknown key at once: %v", err)
			for i, e := range errs {
				assert.True(t, e.Unknown)
				assert.Equal(t, "config: "+misspeltWarnings[i], e.Error())
			}
			var one *Error
			assert.True(t, errors.As(err, &one), "errors.As finds each *Error")
		})
	}
}

func TestUnknownKey(t *testing.T) {
	kafka := "OCEAN__EVENT_LISTENER__BROKERS (environment): ignored: only the KAFKA event listener reads it"
	for _, tc := range []struct {
		name string
		c    setup
		want []string // the warnings; and errors too when strict, but for ignored keys
	}{
		{"env var", setup{env: []string{"OCEAN__EVENT_LISTNER__TYPE=ONCE"}},
			[]string{"OCEAN__EVENT_LISTNER__TYPE (environment): unknown setting; did you mean OCEAN__EVENT_LISTENER__TYPE?"}},
		{"env var in lower case", setup{env: []string{"ocean__initialise_port_resources=false"}},
			[]string{"ocean__initialise_port_resources (environment): unknown setting; did you mean OCEAN__INITIALIZE_PORT_RESOURCES?"}},
		{"group of settings", setup{env: []string{"OCEAN__ACTIONS_PROCESSOR__WORKER_COUNT=2"}},
			[]string{"OCEAN__ACTIONS_PROCESSOR__WORKER_COUNT (environment): unknown setting; did you mean OCEAN__ACTIONS_PROCESSOR__WORKERS_COUNT?"}},
		{"nothing close", setup{env: []string{"OCEAN__SOMETHING=1"}},
			[]string{"OCEAN__SOMETHING (environment): unknown setting"}},
		{"key inside a JSON object", setup{env: []string{`OCEAN__EVENT_LISTENER={"tpye":"ONCE"}`}},
			[]string{"OCEAN__EVENT_LISTENER.tpye (environment): unknown setting; did you mean OCEAN__EVENT_LISTENER__TYPE?"}},
		{"override", setup{overrides: map[string]any{"event_listener": map[string]any{"tpye": "ONCE"}}},
			[]string{"event_listener.tpye (override): unknown setting; did you mean event_listener.type?"}},
		{"config.yaml object", setup{files: map[string]string{"config.yaml": "prot:\n  baseUrl: https://x.example.com\n  rateLimit: 5\n"}},
			[]string{
				"prot.baseUrl (config.yaml line 2): unknown setting; did you mean port.baseUrl?",
				"prot.rateLimit (config.yaml line 3): unknown setting; did you mean port.rateLimit?",
			}},
		{"key of another listener", setup{env: []string{"OCEAN__EVENT_LISTENER__BROKERS=a:1"}}, []string{kafka}},
		{"key of the listener in use", setup{env: []string{"OCEAN__EVENT_LISTENER__TYPE=KAFKA", "OCEAN__EVENT_LISTENER__BROKERS=a:1"}}, nil},
		{"listener key misspelt", setup{env: []string{"OCEAN__EVENT_LISTENER__INTERVALS=5"}},
			[]string{"OCEAN__EVENT_LISTENER__INTERVALS (environment): unknown setting; did you mean OCEAN__EVENT_LISTENER__INTERVAL?"}},
		{"free-form integration config", setup{env: []string{"OCEAN__INTEGRATION__CONFIG__ANYTHING=1"}}, nil},
		{"integration config of the spec", setup{
			files: map[string]string{".port/spec.yaml": "type: fake\nconfigurations:\n  - name: apiToken\n    type: string\n"},
			env:   []string{"OCEAN__INTEGRATION__CONFIG__API_TOKN=t"},
		}, []string{"OCEAN__INTEGRATION__CONFIG__API_TOKN (environment): unknown setting; did you mean OCEAN__INTEGRATION__CONFIG__API_TOKEN?"}},
		{"known keys", setup{
			files: map[string]string{"config.yaml": "port:\n  baseUrl: https://x.example.com\neventListener:\n  type: POLLING\n  interval: 5\n"},
			env:   []string{"OCEAN__METRICS__ENABLED=false", "APPLICATION__LOG_LEVEL=DEBUG", "OCEAN__LOCAL_PORT__DIR=x"},
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.c.mustLoad(t)
			assert.Equal(t, tc.want, s.Warnings)

			strict := tc.c
			strict.overrides = map[string]any{"strict": true}
			for k, v := range tc.c.overrides {
				strict.overrides[k] = v
			}
			_, err := strict.load(t)
			var want []string
			for _, w := range tc.want {
				if w != kafka {
					want = append(want, "config: "+w)
				}
			}
			if want == nil {
				assert.NoError(t, err)
				return
			}
			var errs Errors
			require.True(t, errors.As(err, &errs), "%v", err)
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestEveryErrorAtOnce(t *testing.T) {
	_, err := setup{
		files: map[string]string{
			".env":        "OCEAN__PORT__BASE_URL=https://ok.example.com\nnot a variable\nOCEAN__CLIENT_TIMEOUT=soon\n1BAD=x\n",
			"config.yaml": "runtime: Elsewhere\nsendRawDataExamples: maybe\n",
		},
		env: []string{"OCEAN__EVENT_WORKERS_COUNT=0", "APPLICATION__PORT=http"},
	}.load(t)
	var errs Errors
	require.True(t, errors.As(err, &errs), "%v", err)
	assert.Equal(t, []string{
		"config: .env line 2: expected KEY=value",
		"config: .env line 4: expected KEY=value",
		"config: APPLICATION__PORT (environment): expected a port number (0-65535), got \"http\"",
		"config: sendRawDataExamples (config.yaml line 2): expected a boolean (true/false, yes/no, on/off, 1/0), got \"maybe\"",
		"config: OCEAN__CLIENT_TIMEOUT (.env line 3): expected an integer number of seconds, got \"soon\"",
		"config: OCEAN__EVENT_WORKERS_COUNT (environment): expected an integer of at least 1, got \"0\"",
		"config: runtime (config.yaml line 1): expected one of OnPrem, Saas, got \"Elsewhere\"",
	}, errorLines(errs))
}

func TestSpecErrorsAtOnce(t *testing.T) {
	_, err := setup{files: map[string]string{".port/spec.yaml": `type: fake
configurations:
  - name: a
    type: strin
  - name: ""
    type: string
  - name: A
    type: integer
`}}.load(t)
	var errs Errors
	require.True(t, errors.As(err, &errs), "%v", err)
	assert.Equal(t, []string{
		`config: configurations[0].type (.port/spec.yaml line 4): expected one of string, url, integer, number, boolean, object, array, got "strin"`,
		`config: configurations[1].name (.port/spec.yaml line 5): expected a non-empty name`,
		`config: configurations[2].name (.port/spec.yaml line 7): expected a name used once, got "A"`,
	}, errorLines(errs))
}

func TestYAMLErrorLines(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    setup
		want []string
	}{
		{"config.yaml", setup{files: map[string]string{"config.yaml": "port:\n  baseUrl: https://x.example.com\n  rateLimit: 5\n rateBurst: 2\n"}},
			[]string{`config: config.yaml line 4: expected valid YAML, got "did not find expected key"`}},
		{"config.yaml duplicate keys", setup{files: map[string]string{"config.yaml": "runtime: OnPrem\nclientTimeout: 5\nruntime: Saas\nclientTimeout: 6\n"}},
			[]string{
				`config: config.yaml line 3: expected valid YAML, got "mapping key \"runtime\" already defined at line 1"`,
				`config: config.yaml line 4: expected valid YAML, got "mapping key \"clientTimeout\" already defined at line 2"`,
			}},
		{"spec.yaml", setup{files: map[string]string{".port/spec.yaml": "type: fake\nconfigurations:\n  - name: a\n    type: string\n  required: true\n"}},
			[]string{`config: .port/spec.yaml line 5: expected valid YAML or JSON, got "did not find expected '-' indicator"`}},
		{"spec.yaml layout", setup{files: map[string]string{".port/spec.yaml": "type: fake\nconfigurations:\n  - name: a\n    type: string\n    required: perhaps\n"}},
			[]string{"config: .port/spec.yaml line 5: expected the spec.yaml layout, got \"cannot unmarshal !!str `perhaps` into bool\""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.load(t)
			var errs Errors
			require.True(t, errors.As(err, &errs), "%v", err)
			assert.Equal(t, tc.want, errorLines(errs))
		})
	}
}

func errorLines(errs Errors) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}
