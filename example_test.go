package ocean_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/handlers"
	// The embedded local Port, the target without Port credentials.
	_ "github.com/ocean-go/ocean/localport/embedded"
)

// An integration with one kind, synced once into the embedded local Port (no
// Port credentials are configured). Its default blueprint and mapping live in
// .port/resources, as in Ocean.
func Example() {
	dir, _ := os.MkdirTemp("", "example-integration")
	defer os.RemoveAll(dir)
	resources := filepath.Join(dir, ".port", "resources")
	_ = os.MkdirAll(resources, 0o755)
	_ = os.WriteFile(filepath.Join(resources, "blueprints.json"), []byte(`[
	  {"identifier": "team", "title": "Team", "schema": {"properties": {"size": {"type": "number"}}}}
	]`), 0o644)
	_ = os.WriteFile(filepath.Join(resources, "port-app-config.yml"), []byte(`
resources:
  - kind: team
    selector: {query: '.size > 0'}
    port:
      entity:
        mappings: {identifier: .id, title: .name, blueprint: '"team"', properties: {size: .size}}
`), 0o644)

	type Team struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Size int    `json:"size"`
	}
	app := ocean.New(ocean.WithType("teams"), ocean.WithVersion("0.1.0"), ocean.WithDir(dir),
		ocean.WithEnviron([]string{"OCEAN__LOCAL_PORT__DIR=" + filepath.Join(dir, ".ocean")}),
		ocean.WithLogOutput(io.Discard))
	app.OnResync("team", handlers.List(func(ctx context.Context, kind string) ([]Team, error) {
		return []Team{{"red", "Red", 3}, {"blue", "Blue", 5}, {"empty", "Empty", 0}}, nil
	}))

	// Once, the integration's HTTP server takes a free port of 127.0.0.1.
	err := app.Sail(context.Background(), ocean.SailOptions{Once: true, SummaryOut: io.Discard})
	if err != nil {
		fmt.Println(err)
		return
	}
	t := app.LastSummary().Totals()
	fmt.Printf("extracted %d, filtered out %d, created %d\n", t.Extracted, t.FilteredOut, t.Created)
	// Output: extracted 3, filtered out 1, created 2
}
