package localport_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Parallel bulk writers: every entity lands intact, and merges of one shared
// entity by all writers lose nothing (read-modify-write is serialized).
func TestConcurrentBulkWrites(t *testing.T) {
	const writers, batches = 8, 12
	srv, c := start(t)
	props := map[string]any{"n": map[string]any{"type": "number"}, "writer": map[string]any{"type": "string"}}
	for w := range writers {
		props[fmt.Sprintf("p%d", w)] = map[string]any{"type": "number"}
	}
	c.must(201, "POST", "/v1/blueprints", map[string]any{"identifier": "conc", "title": "Conc", "schema": map[string]any{"properties": props}})

	var wg sync.WaitGroup
	errs := make(chan error, writers*batches)
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				entities := []any{map[string]any{"identifier": "shared", "properties": map[string]any{fmt.Sprintf("p%d", w): b}}}
				for i := range 19 {
					entities = append(entities, map[string]any{
						"identifier": fmt.Sprintf("w%d-b%d-%d", w, b, i),
						"properties": map[string]any{"n": b*100 + i, "writer": fmt.Sprint(w)},
					})
				}
				status, body := c.call("POST", "/v1/blueprints/conc/entities/bulk?upsert=true&merge=true", map[string]any{"entities": entities})
				if status != 200 {
					errs <- fmt.Errorf("writer %d batch %d: %d %v", w, b, status, body)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	all, err := srv.Entities("conc")
	require.NoError(t, err)
	require.Len(t, all, writers*batches*19+1)
	for _, e := range all {
		id := e["identifier"].(string)
		p := e["properties"].(map[string]any)
		if id == "shared" {
			for w := range writers {
				assert.Equal(t, json.Number(fmt.Sprint(batches-1)), p[fmt.Sprintf("p%d", w)], "merge of writer %d lost", w)
			}
			continue
		}
		var w, b, i int
		_, err := fmt.Sscanf(id, "w%d-b%d-%d", &w, &b, &i)
		require.NoError(t, err, id)
		assert.Equal(t, json.Number(fmt.Sprint(b*100+i)), p["n"], id)
		assert.Equal(t, fmt.Sprint(w), p["writer"], id)
	}
}

// More concurrent searches than the read pool has connections all complete:
// a search holds one connection and never waits for a second.
func TestConcurrentSearches(t *testing.T) {
	_, c := start(t)
	catalog(c)
	upsert(c, "service", map[string]any{"identifier": "a"})
	var wg sync.WaitGroup
	done := make(chan struct{})
	for range 64 {
		wg.Go(func() {
			status, body := c.call("POST", "/v1/entities/search", map[string]any{"combinator": "and", "rules": []any{
				rule("$identifier", "in", []any{"a"}), rule("$blueprint", "=", "service"),
			}})
			assert.Equal(t, 200, status, "%v", body)
		})
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("concurrent searches are stuck")
	}
}
