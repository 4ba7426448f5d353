package config_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/ocean-go/ocean/config"
)

func Example() {
	// An event listener reads its own keys, under event_listener.
	listeners := map[config.ListenerType]config.ListenerReader{
		config.ListenerOnce:    nil, // no keys of its own
		config.ListenerPolling: func(k config.ListenerKeys) any { return k.Seconds("interval", time.Minute) },
	}
	// testdata/integration holds config.yaml and .port/spec.yaml.
	s, err := config.Load(config.LoadOptions{
		Dir: "testdata/integration",
		Environ: []string{
			"PORT_CLIENT_ID=my-client-id", // read by {{ from env PORT_CLIENT_ID }}
			"PORT_CLIENT_SECRET=my-client-secret",
			"OCEAN__INTEGRATION__CONFIG__API_TOKEN=my-api-token",
			"OCEAN__EVENT_LISTENER__INTERVAL=30",
		},
		Overrides:      map[string]any{"event_listener": map[string]any{"type": "ONCE"}},
		DefaultVersion: "0.1.0",
		Listeners:      listeners,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	type exampleConfig struct {
		APIToken     string `json:"apiToken"`
		APIURL       string `json:"apiUrl"`
		EntityAmount int    `json:"entityAmount"`
	}
	cfg, _ := config.DecodeIntegrationConfig[exampleConfig](s)
	fmt.Println(s.Integration.Identifier, s.EventListener.Type, s.Port.HasCredentials())
	fmt.Println(cfg.APIURL, cfg.EntityAmount)
	fmt.Println(s.Redacted()["port"].(map[string]any)["client_secret"])

	_, err = config.Load(config.LoadOptions{
		Dir:            "testdata/integration",
		DefaultVersion: "0.1.0",
		Environ:        []string{"OCEAN__INTEGRATION__CONFIG__API_TOKEN=t", "OCEAN__EVENT_LISTENER__INTERVAL=soon"},
		Listeners:      listeners,
	})
	var cerr *config.Error
	fmt.Println(errors.As(err, &cerr), err)
	// Output:
	// my-example-integration ONCE true
	// https://example.internal/api 5
	// [REDACTED]
	// true config: OCEAN__EVENT_LISTENER__INTERVAL (environment): expected an integer number of seconds, got "soon"
}
