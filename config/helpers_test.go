package config

import (
	"os"
	"path/filepath"
	"testing"
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
	return Load(LoadOptions{Dir: dir, Environ: env, Overrides: c.overrides, DefaultType: "fake", DefaultVersion: "1.2.3"})
}

func (c setup) mustLoad(t testing.TB) *Settings {
	t.Helper()
	s, err := c.load(t)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}
