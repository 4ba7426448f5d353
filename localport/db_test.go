package localport_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// Writes reach the database file while the server runs, copied from the WAL
// in the background: the writer's own checkpoint is a backstop for a WAL far
// larger than these writes.
func TestCheckpointsCopyTheWALInTheBackground(t *testing.T) {
	path := filepath.Join(t.TempDir(), "port.db")
	_, c := start(t, func(o *localport.Options) { o.DBPath = path })
	catalog(c)
	before, err := os.Stat(path)
	require.NoError(t, err)
	filler := strings.Repeat("x", 1000)
	for n := range 50 {
		entities := make([]any, 20)
		for i := range entities {
			entities[i] = map[string]any{"identifier": fmt.Sprintf("svc-%d-%d", n, i), "properties": map[string]any{"meta": map[string]any{"description": filler}}}
		}
		c.must(200, "POST", "/v1/blueprints/service/entities/bulk?upsert=true", map[string]any{"entities": entities})
	}
	require.Eventually(t, func() bool {
		st, err := os.Stat(path)
		return err == nil && st.Size() >= before.Size()+1<<20
	}, 10*time.Second, 20*time.Millisecond, "1 MB of entities copied into the database file")
}

// A database whose entities key is (blueprint, identifier), as earlier
// versions created it, with their index of identifiers, serves the same routes.
func TestDatabaseWithTheEarlierKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "port.db")
	old, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	_, err = old.Exec(`CREATE TABLE entities (
	id         INTEGER PRIMARY KEY,
	blueprint  TEXT NOT NULL,
	identifier TEXT NOT NULL,
	datasource TEXT NOT NULL DEFAULT '',
	updated_us INTEGER NOT NULL,
	body       TEXT NOT NULL,
	UNIQUE (blueprint, identifier)
);
CREATE INDEX entities_by_identifier ON entities (identifier);`)
	require.NoError(t, err)
	require.NoError(t, old.Close())

	srv, c := start(t, func(o *localport.Options) { o.DBPath = path })
	catalog(c)
	for range 2 { // created, then updated in place
		c.must(200, "POST", "/v1/blueprints/service/entities/bulk?upsert=true", map[string]any{"entities": []any{
			map[string]any{"identifier": "a", "properties": map[string]any{"language": "go"}},
		}})
	}
	found := c.must(200, "POST", "/v1/entities/search", map[string]any{"combinator": "and", "rules": []any{rule("$identifier", "in", []any{"a"})}})
	assert.Equal(t, []string{"a"}, ids(found))
	plan, err := localport.QueryPlan(srv, localport.LookUpQuery(1), "service", "a")
	require.NoError(t, err)
	assert.Contains(t, plan, "USING INDEX sqlite_autoindex_entities_1 (blueprint=? AND identifier=?)")
}

// Writes validate against the blueprint as it is now, however often it
// changed since it was compiled last.
func TestWritesFollowBlueprintChanges(t *testing.T) {
	_, c := start(t)
	c.must(201, "POST", "/v1/blueprints", map[string]any{"identifier": "svc", "title": "Service",
		"schema": map[string]any{"properties": map[string]any{"a": map[string]any{"type": "string"}}}})
	n := 0
	// write reports whether an entity with prop is written, by one upsert and
	// by a bulk one (which builds new entities before it takes the writer).
	write := func(prop string) (one, bulk bool) {
		n++
		bulkStatus, _ := c.call("POST", "/v1/blueprints/svc/entities/bulk?upsert=true", map[string]any{"entities": []any{
			map[string]any{"identifier": fmt.Sprint("y", n), "properties": map[string]any{prop: "v"}},
		}})
		status, _ := c.call("POST", "/v1/blueprints/svc/entities?upsert=true", map[string]any{"identifier": fmt.Sprint("x", n), "properties": map[string]any{prop: "v"}})
		return status == 201, bulkStatus == 200
	}
	check := func(prop string, want bool) {
		t.Helper()
		one, bulk := write(prop)
		assert.Equal(t, want, one, "upsert of %s", prop)
		assert.Equal(t, want, bulk, "bulk upsert of %s", prop)
	}
	check("a", true)
	check("b", false)
	for range 2 { // first what the blueprint before the change accepted
		c.must(200, "PATCH", "/v1/blueprints/svc", map[string]any{"schema": map[string]any{"properties": map[string]any{"b": map[string]any{"type": "string"}}}})
		check("a", false)
		check("b", true)
		c.must(200, "PATCH", "/v1/blueprints/svc", map[string]any{"schema": map[string]any{"properties": map[string]any{"a": map[string]any{"type": "string"}}}})
		check("b", false)
		check("a", true)
	}
}
