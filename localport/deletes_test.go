package localport_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeleteDependents(t *testing.T) {
	srv, c := start(t)
	catalog(c)
	upsert(c, "user", map[string]any{"identifier": "jane"})
	upsert(c, "service", map[string]any{"identifier": "svc", "relations": map[string]any{"owner": "jane"}})
	upsert(c, "service", map[string]any{"identifier": "other", "relations": map[string]any{"deps": []any{"svc"}}})
	upsert(c, "deployment", map[string]any{"identifier": "d1", "properties": map[string]any{"env": "prod"}, "relations": map[string]any{"service": "svc"}})

	// d1 requires svc: the delete is blocked and nothing changes.
	blocked := c.must(409, "DELETE", "/v1/blueprints/service/entities/svc?delete_dependents=false", nil)
	assert.Equal(t, "has_dependents", blocked["error"])
	assert.Contains(t, blocked["message"], "deployment/d1")
	c.must(200, "GET", "/v1/blueprints/deployment/entities/d1", nil)

	// With delete_dependents it deletes d1 too and clears optional references.
	c.must(200, "DELETE", "/v1/blueprints/service/entities/svc?delete_dependents=true", nil)
	c.must(404, "GET", "/v1/blueprints/deployment/entities/d1", nil)
	other := c.must(200, "GET", "/v1/blueprints/service/entities/other", nil)["entity"].(map[string]any)
	assert.Equal(t, map[string]any{"deps": []any{}}, other["relations"])

	// Optional relations never block: jane can go, svc's owner... is gone already; other keeps working.
	c.must(200, "DELETE", "/v1/blueprints/user/entities/jane", nil)
	c.must(404, "DELETE", "/v1/blueprints/user/entities/jane", nil)
	c.must(404, "DELETE", "/v1/blueprints/nope/entities/jane", nil)

	left, err := srv.Entities("")
	require.NoError(t, err)
	require.Len(t, left, 1)
	assert.Equal(t, "other", left[0]["identifier"])
}

func TestBulkDelete(t *testing.T) {
	_, c := start(t)
	catalog(c)
	var entities []any
	for i := range 5 {
		entities = append(entities, map[string]any{"identifier": fmt.Sprintf("s%d", i)})
	}
	c.must(200, "POST", "/v1/blueprints/service/entities/bulk?upsert=true", map[string]any{"entities": entities})
	upsert(c, "deployment", map[string]any{"identifier": "d", "properties": map[string]any{"env": "x"}, "relations": map[string]any{"service": "s0"}})

	path := "/v1/blueprints/service/bulk/entities/delete?delete_dependents=false&ocean_info_event_type=resync"
	blocked := c.must(409, "POST", path, map[string]any{"entities": []any{"s1", "s0"}})
	assert.Equal(t, "has_dependents", blocked["error"])
	c.must(200, "GET", "/v1/blueprints/service/entities/s1", nil) // all or nothing

	got := c.must(200, "POST", path, map[string]any{"entities": []any{"s1", "s2", "missing", "s2"}})
	assert.Equal(t, []any{"s1", "s2"}, got["deletedEntities"])

	got = c.must(200, "POST", "/v1/blueprints/service/bulk/entities/delete?delete_dependents=true", map[string]any{"entities": []any{"s0"}})
	assert.Equal(t, []any{"s0"}, got["deletedEntities"])
	c.must(404, "GET", "/v1/blueprints/deployment/entities/d", nil)

	tooMany := make([]any, 101)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("x%d", i)
	}
	c.must(422, "POST", path, map[string]any{"entities": tooMany})
	c.must(422, "POST", path, map[string]any{"entities": []any{}})
	c.must(422, "POST", path, map[string]any{"entities": []any{1}})
	c.must(404, "POST", "/v1/blueprints/nope/bulk/entities/delete", map[string]any{"entities": []any{"a"}})
}

func TestBlueprintLifecycle(t *testing.T) {
	_, c := start(t)
	catalog(c)

	bp := c.must(200, "GET", "/v1/blueprints/service", nil)["blueprint"].(map[string]any)
	assert.Equal(t, map[string]any{"target": "user", "many": false, "required": false}, bp["relations"].(map[string]any)["owner"])
	assert.Equal(t, []any{}, bp["schema"].(map[string]any)["required"])
	assert.Equal(t, map[string]any{}, bp["mirrorProperties"])

	tests := []struct {
		name    string
		body    map[string]any
		status  int
		message string
	}{
		{"exists", map[string]any{"identifier": "user", "title": "U", "schema": map[string]any{}}, 409, "already exists"},
		{"no title", map[string]any{"identifier": "x", "schema": map[string]any{}}, 422, "title is required"},
		{"no schema", map[string]any{"identifier": "x", "title": "X"}, 422, "schema is required"},
		{"bad identifier", map[string]any{"identifier": "a=b", "title": "X", "schema": map[string]any{}}, 422, "blueprint identifier"},
		{"bad property type", map[string]any{"identifier": "x", "title": "X", "schema": map[string]any{"properties": map[string]any{"p": map[string]any{"type": "text"}}}}, 422, "schema.properties.p.type"},
		{"bad format", map[string]any{"identifier": "x", "title": "X", "schema": map[string]any{"properties": map[string]any{"p": map[string]any{"type": "string", "format": "zip"}}}}, 422, "format"},
		{"unknown required", map[string]any{"identifier": "x", "title": "X", "schema": map[string]any{"required": []any{"p"}}}, 422, "schema.required[0]"},
		{"missing target", map[string]any{"identifier": "x", "title": "X", "schema": map[string]any{}, "relations": map[string]any{"r": map[string]any{"target": "ghost"}}}, 404, `targets blueprint "ghost"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := c.must(tt.status, "POST", "/v1/blueprints", tt.body)
			assert.Contains(t, resp["message"], tt.message)
		})
	}

	// Staged creation as Ocean does it: bare, then relations, then the rest.
	c.must(201, "POST", "/v1/blueprints", map[string]any{"identifier": "team", "title": "Team", "schema": map[string]any{"properties": map[string]any{}}})
	patched := c.must(200, "PATCH", "/v1/blueprints/team", map[string]any{"relations": map[string]any{"lead": map[string]any{"target": "user", "required": false, "many": false}}, "ownership": map[string]any{"type": "Direct"}})["blueprint"].(map[string]any)
	assert.Equal(t, "Team", patched["title"])
	assert.Equal(t, map[string]any{"type": "Direct"}, patched["ownership"])
	c.must(422, "PATCH", "/v1/blueprints/team", map[string]any{"identifier": "other"})

	// Deleting: blocked by entities, then by incoming relations.
	upsert(c, "team", map[string]any{"identifier": "t1"})
	c.must(409, "DELETE", "/v1/blueprints/team", nil)
	mig := c.must(200, "DELETE", "/v1/blueprints/team/all-entities?delete_blueprint=true", nil)
	m := c.must(200, "GET", "/v1/migrations/"+mig["migrationId"].(string), nil)["migration"].(map[string]any)
	assert.Equal(t, "COMPLETE", m["status"])
	assert.Equal(t, "team", m["sourceBlueprint"])
	c.must(404, "GET", "/v1/blueprints/team", nil)
	c.must(404, "GET", "/v1/migrations/nope", nil)
	c.must(409, "DELETE", "/v1/blueprints/user", nil) // service.owner targets it

	// Defaults that are stored as-is.
	c.must(201, "POST", "/v1/blueprints/service/scorecards", map[string]any{"identifier": "sc", "title": "SC", "rules": []any{}})
	c.must(404, "POST", "/v1/blueprints/nope/scorecards", map[string]any{"identifier": "sc"})
	c.must(201, "POST", "/v1/pages", map[string]any{"identifier": "p1", "title": "P"})
	c.must(200, "DELETE", "/v1/pages/p1", nil)
	c.must(404, "DELETE", "/v1/pages/p1", nil)
	c.must(201, "POST", "/v1/actions", map[string]any{"identifier": "a1", "trigger": map[string]any{}})
}
