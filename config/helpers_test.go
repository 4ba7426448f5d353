package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// setup is an integration directory and environment for one Load.
type setup struct {
	files     map[string]string // path relative to the dir → content
	env       []string
	overrides map[string]any
}

func (c setup) load(t testing.TB) (*Settings, error) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range c.files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := c.env
	if env == nil {
		env = []string{}
	}
	return Load(LoadOptions{Dir: dir, Environ: env, Overrides: c.overrides, Listeners: testListeners, DefaultType: "fake", DefaultVersion: "1.2.3"})
}

func (c setup) mustLoad(t testing.TB) *Settings {
	t.Helper()
	s, err := c.load(t)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

// testOptions are the own keys of the listeners in testListeners, read
// through ListenerKeys as package ocean's listeners read theirs.
type testOptions struct {
	ResyncOnStart bool          `json:"resync_on_start"`
	Interval      time.Duration `json:"interval"`
	Brokers       []string      `json:"brokers"`
	PollTimeout   time.Duration `json:"consumer_poll_timeout"`
	AppHost       string        `json:"app_host"`
}

var testListeners = map[ListenerType]ListenerReader{
	ListenerPolling: func(k ListenerKeys) any {
		return testOptions{ResyncOnStart: k.Bool("resync_on_start", true), Interval: k.Seconds("interval", time.Minute)}
	},
	ListenerKafka: func(k ListenerKeys) any {
		return testOptions{Brokers: k.List("brokers", "host:port", []string{"default:1"}), PollTimeout: k.Seconds("consumer_poll_timeout", time.Second)}
	},
	ListenerWebhook: func(k ListenerKeys) any { return testOptions{AppHost: k.Sensitive().URL("app_host", true)} },
	ListenerOnce:    nil,
}

// options are the listener's own settings as testListeners read them.
func options(t testing.TB, s *Settings) testOptions {
	t.Helper()
	o, ok := s.EventListener.Options.(testOptions)
	if !ok {
		t.Fatalf("event listener %s: options %#v", s.EventListener.Type, s.EventListener.Options)
	}
	return o
}
