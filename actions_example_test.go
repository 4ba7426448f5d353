package ocean_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ocean-go/ocean"
)

// An executor for Port's "restart" integration action: it executes the
// action's runs and the runs of workflow nodes that invoke it. With
// OCEAN__EVENT_LISTENER__TYPE=ACTIONS_ONLY the integration only executes
// action runs; with another listener it also does when
// OCEAN__ACTIONS_PROCESSOR__ENABLED is true.
func ExampleApp_OnAction() {
	app := ocean.New(ocean.WithType("deployer"), ocean.WithVersion("1.0.0"))
	app.OnAction("restart", func(ctx context.Context, run ocean.ActionRun) error {
		var props struct {
			Service string `json:"service"`
		}
		if err := json.Unmarshal(run.Properties, &props); err != nil {
			return fmt.Errorf("bad properties: %w", err)
		}
		// Shown to the user in Port; returning nil reports the run SUCCESS.
		return run.Log(ctx, "restarting "+props.Service)
	})
	_ = app.Sail(context.Background(), ocean.SailOptions{})
}
