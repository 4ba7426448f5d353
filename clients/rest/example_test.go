package rest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/time/rate"

	"github.com/ocean-go/ocean/clients/rest"
	"github.com/ocean-go/ocean/clients/retry"
)

// A third-party API that is overloaded once, then answers.
func ExampleNew() {
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, `{"name":"ocean","stars":42}`)
	}))
	defer api.Close()

	client := rest.New(rest.Options{
		Retry:          retry.Policy{MaxRetries: 5, MaxDelay: 30 * time.Second},
		Limiter:        rate.NewLimiter(50, 10), // the API allows 50 requests/s
		Auth:           rest.Bearer("my-api-token"),
		AttemptTimeout: 10 * time.Second,
		UserAgent:      "my-integration/1.0",
	})
	var repo struct {
		Name  string
		Stars json.Number
	}
	if _, err := rest.GetJSON(context.Background(), client, api.URL+"/repos/ocean", &repo); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(repo.Name, repo.Stars, "after", calls.Load(), "calls")
	// Output: ocean 42 after 2 calls
}

// A resync handler that streams a paginated list: each page becomes one batch.
func ExamplePages() {
	const total = 5
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var results []map[string]any
		for i := offset; i < min(offset+limit, total); i++ {
			results = append(results, map[string]any{"id": i})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"results": results, "total": total})
	}))
	defer api.Close()

	pager := rest.Pager{
		Client:   rest.New(rest.Options{}),
		Strategy: rest.Offset{Limit: 2, Total: "total"},
		Items:    "results",
	}
	// The signature of handlers.ResyncHandler: register it with app.OnResync.
	resyncProjects := func(ctx context.Context, kind string) func(yield func([]any, error) bool) {
		return rest.Pages[any](ctx, pager, api.URL+"/projects")
	}
	for batch, err := range resyncProjects(context.Background(), "project") {
		fmt.Println(batch, err)
	}
	// Output:
	// [map[id:0] map[id:1]] <nil>
	// [map[id:2] map[id:3]] <nil>
	// [map[id:4]] <nil>
}

// OAuth2 client credentials: one token for every request, until it expires or
// the API answers 401.
func ExampleClientCredentials() {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"t-1","token_type":"Bearer","expires_in":3600}`)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"auth":%q}`, r.Header.Get("Authorization"))
	})
	api := httptest.NewServer(mux)
	defer api.Close()

	client := rest.New(rest.Options{Auth: rest.ClientCredentials(clientcredentials.Config{
		ClientID:     "my-client",
		ClientSecret: "my-secret",
		TokenURL:     api.URL + "/oauth/token",
		Scopes:       []string{"read"},
	})})
	var me struct{ Auth string }
	_, err := rest.GetJSON(context.Background(), client, api.URL+"/me", &me)
	fmt.Println(me.Auth, err)
	// Output: Bearer t-1 <nil>
}
