package cache_test

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/cache"
	"github.com/ocean-go/ocean/clients/rest"
	_ "github.com/ocean-go/ocean/localport/embedded" // the target without Port credentials
)

// Two kinds built from one third-party list: the resync fetches it once.
func ExampleBatches() {
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		fmt.Fprint(w, `[{"id":"red","members":["ann","bob"]},{"id":"blue","members":["cy"]}]`)
	}))
	defer api.Close()

	// Every team, fetched at most once per resync.
	teams := func(ctx context.Context) iter.Seq2[[]any, error] {
		return cache.Batches(ctx, "teams", rest.Pages[any](ctx, rest.Pager{Client: rest.New(rest.Options{})}, api.URL+"/teams"))
	}
	dir, _ := os.MkdirTemp("", "example-cache")
	defer os.RemoveAll(dir)
	writeResources(dir)
	app := ocean.New(ocean.WithType("teams"), ocean.WithVersion("0.1.0"), ocean.WithDir(dir),
		ocean.WithEnviron([]string{"OCEAN__LOCAL_PORT__DIR=" + filepath.Join(dir, ".ocean")}),
		ocean.WithLogOutput(io.Discard))
	app.OnResync("team", func(ctx context.Context, kind string) iter.Seq2[[]any, error] { return teams(ctx) })
	app.OnResync("member", func(ctx context.Context, kind string) iter.Seq2[[]any, error] {
		return func(yield func([]any, error) bool) {
			for batch, err := range teams(ctx) {
				var members []any
				for _, t := range batch {
					team := t.(map[string]any)
					for _, m := range team["members"].([]any) {
						members = append(members, map[string]any{"name": m, "team": team["id"]})
					}
				}
				if !yield(members, err) {
					return
				}
			}
		}
	})

	if err := app.Sail(context.Background(), ocean.SailOptions{Once: true, SummaryOut: io.Discard}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("created %d entities with %d call to the API\n", app.LastSummary().Totals().Created, calls.Load())
	// Output: created 5 entities with 1 call to the API
}

func writeResources(dir string) {
	resources := filepath.Join(dir, ".port", "resources")
	_ = os.MkdirAll(resources, 0o755)
	_ = os.WriteFile(filepath.Join(resources, "blueprints.json"), []byte(`[
	  {"identifier": "team", "title": "Team", "schema": {"properties": {}}},
	  {"identifier": "member", "title": "Member", "schema": {"properties": {"team": {"type": "string"}}}}
	]`), 0o644)
	_ = os.WriteFile(filepath.Join(resources, "port-app-config.yml"), []byte(`
resources:
  - kind: team
    selector: {query: 'true'}
    port:
      entity:
        mappings: {identifier: .id, title: .id, blueprint: '"team"'}
  - kind: member
    selector: {query: 'true'}
    port:
      entity:
        mappings: {identifier: .name, title: .name, blueprint: '"member"', properties: {team: .team}}
`), 0o644)
}
