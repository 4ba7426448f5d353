package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The flags every listener type has default to the type's own job.
func TestListenerCommonFlags(t *testing.T) {
	for _, tc := range []struct {
		env                       []string
		resync, webhooks, actions bool
	}{
		{env: nil, resync: true, webhooks: true, actions: true},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=ONCE"}, resync: true},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=ONCE", "OCEAN__EVENT_LISTENER__SHOULD_PROCESS_WEBHOOKS=true"}, resync: true, webhooks: true},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY"}, webhooks: true},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=ACTIONS_ONLY"}, actions: true},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=KAFKA"}, resync: true, webhooks: true, actions: true},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=WEBHOOK", "OCEAN__EVENT_LISTENER__APP_HOST=https://app.example.com/"}, resync: true, webhooks: true, actions: true},
	} {
		t.Run(string(setup{env: tc.env}.mustLoad(t).EventListener.Type), func(t *testing.T) {
			l := setup{env: tc.env}.mustLoad(t).EventListener
			assert.Equal(t, tc.resync, l.ShouldResync, "should_resync")
			assert.Equal(t, tc.webhooks, l.ShouldProcessWebhooks, "should_process_webhooks")
			assert.Equal(t, tc.actions, l.ShouldRunActions, "should_run_actions")
		})
	}
}

func TestOnceOverride(t *testing.T) {
	// What `sail --once` does.
	s := setup{
		env:       []string{"OCEAN__EVENT_LISTENER__TYPE=POLLING"},
		overrides: map[string]any{"event_listener": map[string]any{"type": "ONCE"}},
	}.mustLoad(t)
	assert.Equal(t, ListenerOnce, s.EventListener.Type)
	assert.False(t, s.EventListener.ShouldProcessWebhooks)
	assert.Nil(t, s.EventListener.Options, "ONCE has no keys of its own")
}

// keysOptions hold one value of each kind ListenerKeys reads.
type keysOptions struct {
	Flag   bool          `json:"flag"`
	Every  time.Duration `json:"every"`
	Name   string        `json:"name"`
	Host   string        `json:"host"`
	Hosts  []string      `json:"hosts"`
	Token  string        `json:"token"`
	Remote string        `json:"remote"`
}

// A listener type Ocean does not know, registered with its reader.
const listenerCustom ListenerType = "CUSTOM"

var customListeners = map[ListenerType]ListenerReader{
	ListenerPolling: nil, // registered without keys of its own
	listenerCustom: func(k ListenerKeys) any {
		return keysOptions{
			Flag:   k.Bool("flag", true),
			Every:  k.Seconds("every", 5*time.Second),
			Name:   k.String("name", "n"),
			Host:   k.URL("host", false),
			Hosts:  k.List("hosts", "host:port", []string{"h:1"}),
			Token:  k.Sensitive().String("token", ""),
			Remote: k.Sensitive().URL("remote", true),
		}
	},
}

func loadCustom(t *testing.T, env ...string) (*Settings, error) {
	t.Helper()
	return Load(LoadOptions{Dir: t.TempDir(), Environ: append([]string{"OCEAN__EVENT_LISTENER__TYPE=CUSTOM"}, env...),
		Listeners: customListeners, DefaultType: "fake", DefaultVersion: "1"})
}

// ListenerKeys reads a listener's own keys with the rules, and the error
// lines, of every other setting.
func TestListenerKeys(t *testing.T) {
	const remote = "OCEAN__EVENT_LISTENER__REMOTE=https://remote-secret.example.com/"
	s, err := loadCustom(t, remote)
	require.NoError(t, err)
	assert.Equal(t, keysOptions{Flag: true, Every: 5 * time.Second, Name: "n", Hosts: []string{"h:1"},
		Remote: "https://remote-secret.example.com"}, s.EventListener.Options, "the defaults")

	s, err = loadCustom(t, remote, "OCEAN__EVENT_LISTENER__FLAG=off", "OCEAN__EVENT_LISTENER__EVERY=2m",
		"OCEAN__EVENT_LISTENER__NAME=x", "OCEAN__EVENT_LISTENER__HOST=http://h/", `OCEAN__EVENT_LISTENER__HOSTS=["a:1","b:2"]`,
		"OCEAN__EVENT_LISTENER__TOKEN=token-secret")
	require.NoError(t, err)
	assert.Equal(t, keysOptions{Every: 2 * time.Minute, Name: "x", Host: "http://h", Hosts: []string{"a:1", "b:2"},
		Token: "token-secret", Remote: "https://remote-secret.example.com"}, s.EventListener.Options)
	assert.ElementsMatch(t, []string{"token-secret", "https://remote-secret.example.com"}, s.Secrets())
	red := s.Redacted()["event_listener"].(map[string]any)
	assert.Equal(t, Redaction, red["token"])
	assert.Equal(t, Redaction, red["remote"])
	assert.Equal(t, "x", red["name"], "the listener's keys sit next to the common ones")
	assert.Equal(t, "2m0s", red["every"])
	assert.Equal(t, "CUSTOM", red["type"])

	for _, tc := range []struct {
		name, env, want string
	}{
		{"boolean", "OCEAN__EVENT_LISTENER__FLAG=maybe",
			`config: OCEAN__EVENT_LISTENER__FLAG (environment): expected a boolean (true/false, yes/no, on/off, 1/0), got "maybe"`},
		{"seconds", "OCEAN__EVENT_LISTENER__EVERY=1.5",
			`config: OCEAN__EVENT_LISTENER__EVERY (environment): expected an integer number of seconds, got "1.5"`},
		{"positive seconds", "OCEAN__EVENT_LISTENER__EVERY=-1",
			`config: OCEAN__EVENT_LISTENER__EVERY (environment): expected a positive integer number of seconds, got "-1"`},
		{"URL", "OCEAN__EVENT_LISTENER__HOST=not a url",
			`config: OCEAN__EVENT_LISTENER__HOST (environment): expected a URL, got "not a url"`},
		{"empty list", "OCEAN__EVENT_LISTENER__HOSTS=[]",
			`config: OCEAN__EVENT_LISTENER__HOSTS (environment): expected a comma-separated list of host:port, got "[]"`},
		{"list of numbers", "OCEAN__EVENT_LISTENER__HOSTS=[1]",
			`config: OCEAN__EVENT_LISTENER__HOSTS (environment): expected a comma-separated list of host:port, got "[1]"`},
		{"sensitive value never quoted", `OCEAN__EVENT_LISTENER={"token":["token-secret"]}`,
			`config: OCEAN__EVENT_LISTENER.token (environment): expected a string, got a value of the wrong type`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadCustom(t, remote, tc.env)
			assert.EqualError(t, err, tc.want)
		})
	}
	_, err = loadCustom(t)
	assert.EqualError(t, err, "config: event_listener.remote: required by the CUSTOM event listener, set OCEAN__EVENT_LISTENER__REMOTE to a URL")
}

// Any of Ocean's types is accepted, registered or not; a registered type
// Ocean does not know is accepted too and listed after Ocean's.
func TestListenerTypes(t *testing.T) {
	for _, typ := range []string{"POLLING", "ONCE", "KAFKA", "WEBHOOK", "WEBHOOKS_ONLY", "ACTIONS_ONLY"} {
		s, err := Load(LoadOptions{Dir: t.TempDir(), Environ: []string{"OCEAN__EVENT_LISTENER__TYPE=" + typ},
			Listeners: customListeners, DefaultType: "fake", DefaultVersion: "1"})
		require.NoError(t, err, typ)
		assert.Equal(t, ListenerType(typ), s.EventListener.Type)
		assert.Nil(t, s.EventListener.Options, "%s has no reader registered", typ)
	}
	_, err := loadCustom(t, "OCEAN__EVENT_LISTENER__TYPE=SOMETIMES")
	assert.EqualError(t, err, `config: OCEAN__EVENT_LISTENER__TYPE (environment): expected one of POLLING, ONCE, KAFKA, WEBHOOK, WEBHOOKS_ONLY, ACTIONS_ONLY, CUSTOM, got "SOMETIMES"`)
	_, err = Load(LoadOptions{Dir: t.TempDir(), Environ: []string{"OCEAN__EVENT_LISTENER__TYPE=CUSTOM"}, DefaultType: "fake", DefaultVersion: "1"})
	assert.ErrorContains(t, err, "expected one of POLLING, ONCE, KAFKA, WEBHOOK, WEBHOOKS_ONLY, ACTIONS_ONLY, got", "not registered, not known")
}
