package oceantest_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/oceantest"
)

// A resync of the tiny integration, then another with one repository fewer:
// what each created and deleted. In a test, t is the test's *testing.T; an
// Example has none, so a stand-in runs the body here.
func Example() {
	rt := &recordingT{}
	rt.run(func(t testing.TB) {
		ctx := context.Background()
		h := oceantest.New(t, setupTiny, oceantest.Dir("testdata/tiny"),
			oceantest.IntegrationConfig(map[string]any{"repos": 3, "token": "example-token-0123456789"}))
		res, err := h.Resync(ctx)
		if err != nil {
			t.Fatalf("resync: %v", err)
		}
		repo := res.Kind("repo")
		fmt.Println(res.Status, "- extracted", repo.Extracted, "filtered out", repo.FilteredOut, "created", repo.Created)
		fmt.Println("created:", res.Created)
		fmt.Println("stars of repo-2:", h.Entity("repo", "repo-2").Properties["stars"])
		if err := h.Stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}

		fewer := oceantest.New(t, setupTiny, oceantest.Dir("testdata/tiny"), oceantest.WithPort(h.Port()),
			oceantest.IntegrationConfig(map[string]any{"repos": 2, "token": "example-token-0123456789"}))
		res, err = fewer.Resync(ctx)
		if err != nil {
			t.Fatalf("resync: %v", err)
		}
		fmt.Println("deleted:", res.Deleted)
	})
	fmt.Println("failures:", rt.failures)
	// Output:
	// completed - extracted 4 filtered out 1 created 3
	// created: [repo/repo-1 repo/repo-2 repo/repo-3]
	// stars of repo-2: 20
	// deleted: [repo/repo-3]
	// failures: []
}

// A signed webhook event, refused without its signature, processed with it.
func ExampleHarness_PostWebhook() {
	rt := &recordingT{}
	rt.run(func(t testing.TB) {
		const token = "example-token-0123456789"
		h := oceantest.New(t, setupTiny, oceantest.Dir("testdata/tiny"),
			oceantest.IntegrationConfig(map[string]any{"token": token}))
		body := []byte(`{"repo": {"name": "live", "stars": 7, "archived": false}}`)

		unsigned := h.PostWebhook("/push", body)
		fmt.Println(unsigned.Status, unsigned.Error)
		signed := h.PostWebhook("/push", body, sign(token, body)) // "X-Tiny-Signature: sha256=..."
		fmt.Println(signed.Status, signed.EventID != "")

		h.WaitWebhooks()
		fmt.Println("stars of live:", h.Entity("repo", "live").Properties["stars"])
	})
	fmt.Println("failures:", rt.failures)
	// Output:
	// 401 unauthorized
	// 202 true
	// stars of live: 7
	// failures: []
}

// The next 3 bulk upserts answer 503: the Port client retries, the resync
// completes.
func ExampleHarness_InjectFault() {
	rt := &recordingT{}
	rt.run(func(t testing.TB) {
		h := oceantest.New(t, setupTiny, oceantest.Dir("testdata/tiny"),
			oceantest.IntegrationConfig(map[string]any{"repos": 3}))
		h.InjectFault(localport.Fault{Method: http.MethodPost, Path: oceantest.RouteBulkUpsert,
			Status: http.StatusServiceUnavailable, Count: 3})
		res, err := h.Resync(context.Background())
		fmt.Println(res.Status, err, "- created", res.Kind("repo").Created)
	})
	fmt.Println("failures:", rt.failures)
	// Output:
	// completed <nil> - created 3
	// failures: []
}
