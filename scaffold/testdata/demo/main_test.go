package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/ocean-go/ocean/oceantest"
)

// fakeAPI serves n items as the API does, per_page at a time.
func fakeAPI(t *testing.T, n int) *httptest.Server {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		size, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		items := []map[string]any{}
		for i := (page-1)*size + 1; i <= min(page*size, n); i++ {
			items = append(items, map[string]any{"id": fmt.Sprintf("api-%d", i), "name": fmt.Sprintf("API item %d", i), "status": "open", "score": i})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"items": items})
	}))
	t.Cleanup(api.Close)
	return api
}

// A resync reads every page of the API and writes one entity per item; the
// next one, on the same data, changes nothing.
func TestResyncSyncsEveryPage(t *testing.T) {
	h := oceantest.New(t, setup, oceantest.IntegrationConfig(map[string]any{"apiUrl": fakeAPI(t, 250).URL}))
	res, err := h.Resync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Kind(kind).Created; got != 250 {
		t.Errorf("%d entities created, want 250", got)
	}
	if e := h.Entity("demo-item", "api-42"); e == nil || e.Title == nil || *e.Title != "API item 42" {
		t.Errorf("api-42 is %+v, want the title API item 42", e)
	}
	again, err := h.Resync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(again.Created) + len(again.Updated) + len(again.Deleted); n != 0 {
		t.Errorf("the same data again changed %d entities", n)
	}
}

const secret = "test-webhook-secret"

func sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return SignatureHeader + ": sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Signed events upsert and delete items; unsigned or malformed ones are
// refused and write nothing.
func TestWebhookEvents(t *testing.T) {
	h := oceantest.New(t, setup, oceantest.IntegrationConfig(map[string]any{"webhookSecret": secret}))
	upsert := []byte(`{"action": "upsert", "item": {"id": "w-1", "name": "From a webhook", "status": "open", "score": 1}}`)
	for _, tc := range []struct {
		name   string
		body   []byte
		header []string
		status int
	}{
		{"unsigned", upsert, nil, http.StatusUnauthorized},
		{"malformed", []byte(`{"action": "rename"}`), []string{sign([]byte(`{"action": "rename"}`))}, http.StatusBadRequest},
		{"signed", upsert, []string{sign(upsert)}, http.StatusAccepted},
	} {
		if got := h.PostWebhook("/webhook", tc.body, tc.header...).Status; got != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.status)
		}
	}
	h.WaitWebhooks()
	if e := h.Entity("demo-item", "w-1"); e == nil {
		t.Fatal("the signed event's item is not in Port")
	}

	remove := []byte(`{"action": "delete", "item": {"id": "w-1"}}`)
	if got := h.PostWebhook("/webhook", remove, sign(remove)).Status; got != http.StatusAccepted {
		t.Fatalf("delete: status %d", got)
	}
	h.WaitWebhooks()
	if e := h.Entity("demo-item", "w-1"); e != nil {
		t.Errorf("w-1 is still in Port after its deletion: %+v", e)
	}
}
