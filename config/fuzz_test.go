package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary env values, .env and config.yaml text to Load: it
// must return settings or an error, never panic.
func FuzzLoad(f *testing.F) {
	f.Add("60", "port:\n  baseUrl: https://x\n", "OCEAN__A=1\n")
	f.Add(`{"type":"KAFKA","brokers":"[\"a\"]"}`, "eventListener:\n  type: WEBHOOK\n  appHost: \"{{ from env X }}\"\n", "export X='http://h'\n")
	f.Add("soon", "integration:\n  config: '{\"a\": [1, {\"b\": null}]}'\n", "OCEAN__INTEGRATION__CONFIG__A=\"x\n")
	f.Add("", "&a [*a]", "=")
	f.Add("-1", "port: &p {clientId: a}\nintegration: *p\n", "OCEAN__PORT__CLIENT_ID=x\nOCEAN__PORT=\"{}\"")
	dir := f.TempDir()
	spec := "configurations:\n  - {name: a, type: array}\n  - {name: n, type: number, default: 1}\n  - {name: o, type: object}\n"
	if err := os.MkdirAll(filepath.Join(dir, ".port"), 0o755); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".port", "spec.yaml"), []byte(spec), 0o600); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, envValue, configYAML, dotenv string) {
		for name, content := range map[string]string{"config.yaml": configYAML, ".env": dotenv} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		environ := []string{
			"OCEAN__EVENT_LISTENER=" + envValue,
			"OCEAN__EVENT_LISTENER__INTERVAL=" + envValue,
			"OCEAN__INTEGRATION__CONFIG=" + envValue,
			"OCEAN__INTEGRATION__CONFIG__O=" + envValue,
			"OCEAN__PORT__BASE_URL=" + envValue,
			"APPLICATION__PORT=" + envValue,
		}
		s, err := Load(LoadOptions{Dir: dir, Environ: environ, Listeners: testListeners, DefaultType: "fuzz", DefaultVersion: "0.1.0"})
		if err == nil {
			_ = s.Redacted()
			_ = s.Secrets()
		}
	})
}
