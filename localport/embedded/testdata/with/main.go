// Command with is an integration that syncs into the embedded local Port
// when no Port credentials are configured.
package main

import (
	"context"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/handlers"
	_ "github.com/ocean-go/ocean/localport/embedded"
)

func main() {
	app := ocean.New(ocean.WithType("tiny"), ocean.WithVersion("0.1.0"))
	app.OnResync("item", handlers.List(func(context.Context, string) ([]map[string]any, error) {
		return []map[string]any{{"id": "one"}}, nil
	}))
	app.Run()
}
