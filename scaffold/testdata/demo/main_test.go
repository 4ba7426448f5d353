package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/localport/localporttest"
)

// fakeAPI serves n items as the API does, per_page at a time.
func fakeAPI(t *testing.T, n int) *httptest.Server {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		size, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		var items []map[string]any
		for i := (page-1)*size + 1; i <= min(page*size, n); i++ {
			items = append(items, map[string]any{"id": fmt.Sprintf("api-%d", i), "name": fmt.Sprintf("API item %d", i), "status": "open", "score": i})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"items": items})
	}))
	t.Cleanup(api.Close)
	return api
}

// A resync reads every page of the API and writes one entity per item.
func TestResyncSyncsEveryPage(t *testing.T) {
	api := fakeAPI(t, 250)
	port := localporttest.Start(t)
	app := ocean.New(ocean.WithType("demo"), ocean.WithVersion(version), ocean.WithDir("."),
		ocean.WithLogOutput(io.Discard), ocean.WithEnviron([]string{
			"OCEAN__PORT__BASE_URL=" + port.URL(), "OCEAN__PORT__CLIENT_ID=test", "OCEAN__PORT__CLIENT_SECRET=test",
			"OCEAN__INTEGRATION__CONFIG__API_URL=" + api.URL,
		}))
	setup(app)
	zero := 0
	if err := app.Sail(context.Background(), ocean.SailOptions{Once: true, Port: &zero, SummaryOut: io.Discard}); err != nil {
		t.Fatal(err)
	}
	entities, err := port.Entities("demo-item")
	if err != nil {
		t.Fatal(err)
	}
	if len(entities) != 250 {
		t.Errorf("%d entities, want 250", len(entities))
	}
}
