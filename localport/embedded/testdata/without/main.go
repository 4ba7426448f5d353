// Command without is an integration that always syncs into Port: it does not
// import the embedded local Port.
package main

import (
	"context"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/handlers"
)

func main() {
	app := ocean.New(ocean.WithType("tiny"), ocean.WithVersion("0.1.0"))
	app.OnResync("item", handlers.List(func(context.Context, string) ([]map[string]any, error) {
		return []map[string]any{{"id": "one"}}, nil
	}))
	app.Run()
}
