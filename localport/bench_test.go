package localport_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ocean-go/ocean/localport"
)

// benchClient is a raw net/http client that keeps enough connections alive
// for parallel benchmarks.
var benchClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

func post(b *testing.B, url, token string, body []byte, want ...int) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", testUA)
	resp, err := benchClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, w := range want {
		if resp.StatusCode == w {
			return
		}
	}
	b.Fatalf("status %d: %s", resp.StatusCode, data)
}

// BenchmarkBulkUpsert: 20-entity batches through real HTTP, from parallel clients.
func BenchmarkBulkUpsert(b *testing.B) {
	_, c := start(b)
	catalog(c)
	url := c.base + "/v1/blueprints/service/entities/bulk?upsert=true&merge=true"
	var seq atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			entities := make([]any, 20)
			for i := range entities {
				entities[i] = map[string]any{
					"identifier": fmt.Sprintf("svc-%d-%d", n, i), "title": "Service", "team": []any{"platform"},
					"properties": map[string]any{"language": "go", "stars": i, "url": "https://example.com/x", "tags": []any{"a", "b"}},
					"relations":  map[string]any{},
				}
			}
			body, _ := json.Marshal(map[string]any{"entities": entities})
			post(b, url, c.token, body, http.StatusOK)
		}
	})
	b.ReportMetric(float64(b.N*20)/b.Elapsed().Seconds(), "entities/s")
}

// BenchmarkSearch100k: searches over 100,000 entities (half owned by testUA).
func BenchmarkSearch100k(b *testing.B) {
	const total = 100_000
	srv, c := start(b)
	catalog(c)
	seed(b, srv, total)
	ids := make([]any, 50)
	for i := range ids {
		ids[i] = fmt.Sprintf("svc-%d", i*1999)
	}
	queries := []struct {
		name    string
		query   map[string]any
		results int
	}{
		{"identifier-in-50+blueprint+datasource", map[string]any{"combinator": "and", "rules": []any{
			rule("$identifier", "in", ids), rule("$blueprint", "=", "service"),
			rule("$datasource", "contains", "port-ocean/github/"), rule("$datasource", "contains", "/my-integration/exporter"),
		}}, 25},
		{"property-equals-full-scan", map[string]any{"combinator": "and", "rules": []any{
			rule("$blueprint", "=", "service"), rule("stars", "=", 77777),
		}}, 1},
		{"column-only-full-scan", map[string]any{"combinator": "and", "rules": []any{
			rule("$blueprint", "=", "service"), rule("$identifier", "endsWith", "-77777"),
		}}, 1},
		{"property-range-1000-results", map[string]any{"combinator": "and", "rules": []any{
			rule("$blueprint", "=", "service"), rule("stars", "<", 1000), rule("language", "=", "go"),
		}}, 500},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			body, _ := json.Marshal(q.query)
			resp := c.must(200, "POST", "/v1/entities/search", q.query)
			if got := len(resp["entities"].([]any)); got != q.results {
				b.Fatalf("%d results, want %d", got, q.results)
			}
			url := c.base + "/v1/entities/search?exclude_calculated_properties=true&include=blueprint&include=identifier"
			for b.Loop() {
				post(b, url, c.token, body, http.StatusOK)
			}
		})
	}
}

func seed(b testing.TB, srv *localport.Server, total int) {
	const chunk = 10_000
	for start := 0; start < total; start += chunk {
		for _, owner := range []struct {
			ua     string
			parity int
		}{{testUA, 0}, {"port-ocean/gitlab/0.1.0/other/exporter", 1}} {
			var entities []map[string]any
			for i := start; i < start+chunk; i++ {
				if i%2 != owner.parity {
					continue
				}
				lang := "go"
				if i%4 >= 2 {
					lang = "python"
				}
				entities = append(entities, map[string]any{
					"identifier": fmt.Sprintf("svc-%d", i),
					"properties": map[string]any{"language": lang, "stars": json.Number(fmt.Sprint(i)), "url": "https://example.com/" + fmt.Sprint(i), "tags": []any{"a", "b"}},
				})
			}
			if err := srv.SeedEntities("service", owner.ua, entities); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkResyncLoad is a first resync's load on the write path: parallel
// bulk upserts of 20 entities of about 1 KB, each relating to a shared user,
// then the reads of an unchanged resync over 20,000 such entities:
// change-detection searches of 20 identifiers and pages of the datasource
// listing.
func BenchmarkResyncLoad(b *testing.B) {
	_, c := start(b)
	catalog(c)
	upsert(c, "user", map[string]any{"identifier": "owner"})
	const perBulk = 20
	filler := strings.Repeat("x", 800)
	bulk := func(n int64) []byte {
		entities := make([]any, perBulk)
		for i := range entities {
			entities[i] = map[string]any{
				"identifier": fmt.Sprintf("svc-%d-%d", n, i), "title": "Service", "team": []any{"platform"},
				"properties": map[string]any{
					"language": "go", "stars": i, "url": "https://example.com/x", "tags": []any{"a", "b"},
					"meta": map[string]any{"description": filler, "n": n},
				},
				"relations": map[string]any{"owner": "owner"},
			}
		}
		body, _ := json.Marshal(map[string]any{"entities": entities})
		return body
	}
	const seeded = 1000 // bulks the reads find, written before any sub-benchmark
	url := c.base + "/v1/blueprints/service/entities/bulk?upsert=true&merge=true&create_missing_related_entities=true"
	var written atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for n := written.Add(1); n <= seeded; n = written.Add(1) {
				post(b, url, c.token, bulk(n), http.StatusOK)
			}
		})
	}
	wg.Wait()
	b.Run("bulk-upsert-20x1KB", func(b *testing.B) {
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				post(b, url, c.token, bulk(written.Add(1)), http.StatusOK)
			}
		})
		b.ReportMetric(float64(b.N*perBulk)/b.Elapsed().Seconds(), "entities/s")
	})
	b.Run("search-20-identifiers", func(b *testing.B) {
		url := c.base + "/v1/entities/search?exclude_calculated_properties=true&include=blueprint&include=identifier&include=title&include=properties&include=relations"
		var seq atomic.Int64
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				n := 1 + seq.Add(1)%seeded
				ids := make([]any, perBulk)
				for i := range ids {
					ids[i] = fmt.Sprintf("svc-%d-%d", n, i)
				}
				body, _ := json.Marshal(map[string]any{"combinator": "and", "rules": []any{
					rule("$identifier", "in", ids), rule("$blueprint", "=", "service"),
					rule("$datasource", "contains", "port-ocean/github/"), rule("$datasource", "contains", "/my-integration/exporter"),
				}})
				post(b, url, c.token, body, http.StatusOK)
			}
		})
		b.ReportMetric(float64(b.N*perBulk)/b.Elapsed().Seconds(), "entities/s")
	})
	b.Run("datasource-page-1000", func(b *testing.B) {
		url := c.base + "/v1/blueprints/entities/datasource-entities?include=identifier&include=blueprint&include=relations"
		body, _ := json.Marshal(map[string]any{"datasource_prefix": "port-ocean/github/", "datasource_suffix": "/my-integration/exporter", "limit": 1000})
		for b.Loop() {
			post(b, url, c.token, body, http.StatusOK)
		}
		b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "entities/s")
	})
}
