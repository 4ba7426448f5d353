package localport_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/ocean-go/ocean/localport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEntityValidation(t *testing.T) {
	_, c := start(t)
	catalog(c)
	upsert(c, "user", map[string]any{"identifier": "jane"})
	tests := []struct {
		name    string
		bp      string
		entity  map[string]any
		status  int
		code    string
		message string // substring
	}{
		{"unknown property", "service", map[string]any{"identifier": "a", "properties": map[string]any{"nope": 1}}, 422, "validation_failed", `property "nope" is not defined`},
		{"string expected", "service", map[string]any{"identifier": "a", "properties": map[string]any{"language": 3}}, 422, "validation_failed", "must be of type string, got number"},
		{"number expected", "service", map[string]any{"identifier": "a", "properties": map[string]any{"stars": "3"}}, 422, "validation_failed", "must be of type number"},
		{"boolean expected", "service", map[string]any{"identifier": "a", "properties": map[string]any{"archived": "yes"}}, 422, "validation_failed", "must be of type boolean"},
		{"object expected", "service", map[string]any{"identifier": "a", "properties": map[string]any{"meta": []any{}}}, 422, "validation_failed", "must be of type object"},
		{"array expected", "service", map[string]any{"identifier": "a", "properties": map[string]any{"tags": "x"}}, 422, "validation_failed", "must be of type array"},
		{"array items", "service", map[string]any{"identifier": "a", "properties": map[string]any{"tags": []any{"a", 1}}}, 422, "validation_failed", "item 1"},
		{"enum", "service", map[string]any{"identifier": "a", "properties": map[string]any{"language": "rust"}}, 422, "validation_failed", "not one of the enum values"},
		{"url format", "service", map[string]any{"identifier": "a", "properties": map[string]any{"url": "not a url"}}, 422, "validation_failed", "not a valid url"},
		{"date-time format", "service", map[string]any{"identifier": "a", "properties": map[string]any{"released": "yesterday"}}, 422, "validation_failed", "not a valid date-time"},
		{"email format", "user", map[string]any{"identifier": "a", "properties": map[string]any{"email": "nope"}}, 422, "validation_failed", "not a valid email"},
		{"ipv4 format", "service", map[string]any{"identifier": "a", "properties": map[string]any{"ip": "::1"}}, 422, "validation_failed", "not a valid ipv4"},
		{"identifier pattern", "service", map[string]any{"identifier": "has space"}, 422, "validation_failed", "does not match the pattern"},
		{"identifier dot", "service", map[string]any{"identifier": ".."}, 422, "validation_failed", "does not match the pattern"},
		{"identifier missing", "service", map[string]any{"title": "x"}, 422, "invalid_request", "identifier is required"},
		{"identifier wrong type", "service", map[string]any{"identifier": 5}, 422, "invalid_request", "identifier must be a string"},
		{"title wrong type", "service", map[string]any{"identifier": "a", "title": 5}, 422, "invalid_request", "title must be a string or null"},
		{"blueprint mismatch", "service", map[string]any{"identifier": "a", "blueprint": "user"}, 422, "invalid_request", "does not match blueprint"},
		{"unknown relation", "service", map[string]any{"identifier": "a", "relations": map[string]any{"nope": "x"}}, 422, "validation_failed", `relation "nope" is not defined`},
		{"single relation given array", "service", map[string]any{"identifier": "a", "relations": map[string]any{"owner": []any{"jane"}}}, 422, "validation_failed", "single relation"},
		{"many relation given string", "service", map[string]any{"identifier": "a", "relations": map[string]any{"deps": "b"}}, 422, "validation_failed", "many relation"},
		{"required property", "deployment", map[string]any{"identifier": "d", "relations": map[string]any{"service": "s"}}, 422, "validation_failed", `required property "env"`},
		{"required relation", "deployment", map[string]any{"identifier": "d", "properties": map[string]any{"env": "prod"}}, 422, "validation_failed", `required relation "service"`},
		{"missing related entity", "service", map[string]any{"identifier": "a", "relations": map[string]any{"owner": "ghost"}}, 404, "not_found", `Related entity "ghost" of blueprint "user" was not found`},
		{"missing blueprint", "nope", map[string]any{"identifier": "a"}, 404, "not_found", `Blueprint "nope" was not found`},
		{"team query unsupported", "service", map[string]any{"identifier": "a", "team": map[string]any{"combinator": "and", "rules": []any{}}}, 422, "invalid_request", "team as a search query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := c.call("POST", "/v1/blueprints/"+tt.bp+"/entities?upsert=true", tt.entity)
			assert.Equal(t, tt.status, status, "%v", body)
			assert.Equal(t, false, body["ok"])
			assert.Equal(t, tt.code, body["error"])
			assert.Contains(t, body["message"], tt.message)
		})
	}
	// Nothing above may have been written.
	status, body := c.call("GET", "/v1/blueprints/service/entities/a", nil)
	assert.Equal(t, 404, status, "%v", body)
}

func TestUpsertSemantics(t *testing.T) {
	_, c := start(t)
	catalog(c)
	base := "/v1/blueprints/service/entities"

	created := c.must(201, "POST", base+"?upsert=true", map[string]any{
		"identifier": "svc", "title": "Svc", "icon": "Go", "team": "platform",
		"properties": map[string]any{"language": "go", "stars": json.Number("12345678901234567890"), "url": nil},
	})["entity"].(map[string]any)
	assert.Equal(t, "svc", created["identifier"])
	assert.Equal(t, []any{"platform"}, created["team"])
	assert.Equal(t, "tester", created["createdBy"])
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, created["createdAt"])

	// Big integers survive exactly.
	got := c.must(200, "GET", base+"/svc", nil)["entity"].(map[string]any)
	assert.Equal(t, json.Number("12345678901234567890"), got["properties"].(map[string]any)["stars"])

	// upsert=false on an existing entity is a conflict.
	conflict := c.must(409, "POST", base, map[string]any{"identifier": "svc"})
	assert.Equal(t, "conflict", conflict["error"])

	// merge keeps what was not sent.
	merged := c.must(200, "POST", base+"?upsert=true&merge=true", map[string]any{
		"identifier": "svc", "properties": map[string]any{"archived": true},
	})["entity"].(map[string]any)
	assert.Equal(t, "Svc", merged["title"])
	assert.Equal(t, map[string]any{"language": "go", "stars": json.Number("12345678901234567890"), "url": nil, "archived": true}, merged["properties"])
	assert.Equal(t, created["createdAt"], merged["createdAt"])

	// merge=false replaces the whole entity.
	replaced := c.must(200, "POST", base+"?upsert=true&merge=false", map[string]any{
		"identifier": "svc", "title": nil, "properties": map[string]any{"stars": 1},
	})["entity"].(map[string]any)
	assert.Nil(t, replaced["title"])
	assert.Nil(t, replaced["icon"])
	assert.Equal(t, []any{}, replaced["team"])
	assert.Equal(t, map[string]any{"stars": json.Number("1")}, replaced["properties"])
	assert.Equal(t, created["createdAt"], replaced["createdAt"])

	// validation_only persists nothing.
	c.must(200, "POST", base+"?upsert=true&validation_only=true", map[string]any{"identifier": "ghost"})
	c.must(404, "GET", base+"/ghost", nil)

	// Ocean's typical body: nulls everywhere, ocean_info_* parameters.
	c.must(201, "POST", base+"?upsert=true&merge=true&create_missing_related_entities=true&validation_only=false&ocean_info_event_type=resync&ocean_info_resync_id=x&run_id=",
		map[string]any{"identifier": "x", "blueprint": "service", "title": nil, "icon": nil, "team": nil, "properties": map[string]any{"language": nil}, "relations": map[string]any{"owner": nil}})
}

func TestRelations(t *testing.T) {
	srv, c := start(t)
	catalog(c)

	// Without create_missing_related_entities a missing target is a 404 not_found.
	c.must(404, "POST", "/v1/blueprints/service/entities?upsert=true", map[string]any{"identifier": "a", "relations": map[string]any{"owner": "jane"}})

	// With it, placeholders are created (owned by the writer).
	c.must(201, "POST", "/v1/blueprints/service/entities?upsert=true&create_missing_related_entities=true",
		map[string]any{"identifier": "a", "relations": map[string]any{"owner": "jane", "deps": []any{"b", "c"}}})
	for _, k := range [][2]string{{"user", "jane"}, {"service", "b"}, {"service", "c"}} {
		e, ds, err := srv.Entity(k[0], k[1])
		require.NoError(t, err)
		require.NotNil(t, e, "placeholder %v", k)
		assert.Equal(t, testUA, ds)
	}

	// Search relation: resolves to the matching target identifiers.
	upsert(c, "user", map[string]any{"identifier": "bob", "properties": map[string]any{"email": "bob@example.com"}})
	e := c.must(200, "POST", "/v1/blueprints/service/entities?upsert=true&merge=true", map[string]any{
		"identifier": "a",
		"relations": map[string]any{
			"owner": map[string]any{"combinator": "and", "rules": []any{map[string]any{"property": "email", "operator": "=", "value": "bob@example.com"}}},
			"deps":  map[string]any{"combinator": "and", "rules": []any{map[string]any{"property": "$identifier", "operator": "in", "value": []any{"b", "c", "zzz"}}}},
		},
	})["entity"].(map[string]any)
	assert.Equal(t, map[string]any{"owner": "bob", "deps": []any{"b", "c"}}, e["relations"])

	// A single relation whose query matches several entities is rejected.
	resp := c.must(422, "POST", "/v1/blueprints/service/entities?upsert=true&merge=true", map[string]any{
		"identifier": "a",
		"relations":  map[string]any{"owner": map[string]any{"combinator": "and", "rules": []any{}}},
	})
	assert.Contains(t, resp["message"], "exactly one")
}

func TestSearchIdentifier(t *testing.T) {
	_, c := start(t)
	catalog(c)
	upsert(c, "service", map[string]any{"identifier": "svc-1", "properties": map[string]any{"url": "https://example.com/one"}})
	upsert(c, "service", map[string]any{"identifier": "svc-2", "properties": map[string]any{"url": "https://example.com/two"}})
	byURL := func(u string) map[string]any {
		return map[string]any{"combinator": "and", "rules": []any{map[string]any{"property": "url", "operator": "=", "value": u}}}
	}

	e := c.must(200, "POST", "/v1/blueprints/service/entities?upsert=true&merge=true",
		map[string]any{"identifier": byURL("https://example.com/two"), "title": "Two"})["entity"].(map[string]any)
	assert.Equal(t, "svc-2", e["identifier"])
	assert.Equal(t, "Two", e["title"])

	// Nothing matched: 404 on the single route, "unknown" in bulk, nothing created.
	c.must(404, "POST", "/v1/blueprints/service/entities?upsert=true", map[string]any{"identifier": byURL("https://nope")})
	bulk := c.must(207, "POST", "/v1/blueprints/service/entities/bulk?upsert=true&merge=true", map[string]any{"entities": []any{
		map[string]any{"identifier": byURL("https://nope")},
		map[string]any{"identifier": byURL("https://example.com/one"), "title": "One"},
	}})
	assert.Equal(t, []any{map[string]any{"index": json.Number("1"), "identifier": "svc-1", "created": false}}, bulk["entities"])
	errs := bulk["errors"].([]any)
	require.Len(t, errs, 1)
	assert.Equal(t, "unknown", errs[0].(map[string]any)["identifier"])
	assert.Equal(t, json.Number("404"), errs[0].(map[string]any)["statusCode"])

	// Several matches: 422.
	c.must(422, "POST", "/v1/blueprints/service/entities?upsert=true", map[string]any{"identifier": map[string]any{
		"combinator": "and", "rules": []any{map[string]any{"property": "url", "operator": "beginsWith", "value": "https://example.com"}},
	}})
}

func TestBulkUpsert(t *testing.T) {
	_, c := start(t)
	catalog(c)
	path := "/v1/blueprints/service/entities/bulk?upsert=true&merge=true"

	var all []any
	for i := range 20 {
		all = append(all, map[string]any{"identifier": fmt.Sprintf("s%d", i), "properties": map[string]any{"stars": i}})
	}
	ok := c.must(200, "POST", path, map[string]any{"entities": all})
	assert.Len(t, ok["entities"], 20)
	assert.Empty(t, ok["errors"])
	first := ok["entities"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"index": json.Number("0"), "identifier": "s0", "created": true}, first)

	partial := c.must(207, "POST", path, map[string]any{"entities": []any{
		map[string]any{"identifier": "s0", "properties": map[string]any{"stars": 100}},
		map[string]any{"identifier": "bad", "properties": map[string]any{"stars": "x"}},
		map[string]any{"identifier": "s1", "relations": map[string]any{"owner": "ghost"}},
	}})
	assert.Equal(t, []any{map[string]any{"index": json.Number("0"), "identifier": "s0", "created": false}}, partial["entities"])
	errs := partial["errors"].([]any)
	require.Len(t, errs, 2)
	assert.Equal(t, map[string]any{"index": json.Number("1"), "identifier": "bad", "statusCode": json.Number("422"), "error": "validation_failed",
		"message": `property "stars": must be of type number, got string`}, errs[0])
	assert.Equal(t, "not_found", errs[1].(map[string]any)["error"])

	allFailed := c.must(207, "POST", path, map[string]any{"entities": []any{map[string]any{"identifier": "x y"}}})
	assert.Empty(t, allFailed["entities"])

	resp := c.must(422, "POST", path, map[string]any{"entities": append(all, map[string]any{"identifier": "one-too-many"})})
	assert.Contains(t, resp["message"], "at most 20")
	c.must(422, "POST", path, map[string]any{"entities": []any{}})
	c.must(422, "POST", path, map[string]any{"nope": 1})
	c.must(400, "POST", path, []byte(`{"entities": [`))

	tooLarge := c.must(413, "POST", path, bigBody(1<<20))
	assert.Equal(t, "Request body is too large (limit is 1MiB)", tooLarge["message"])
}

func TestPathEscaping(t *testing.T) {
	_, c := start(t)
	catalog(c)
	for _, id := range []string{"org/repo", "a+b", "x:y=z", "ünï"} {
		t.Run(id, func(t *testing.T) {
			upsert(c, "service", map[string]any{"identifier": id})
			got := c.must(200, "GET", "/v1/blueprints/service/entities/"+url.PathEscape(id), nil)["entity"].(map[string]any)
			assert.Equal(t, id, got["identifier"])
			c.must(200, "DELETE", "/v1/blueprints/service/entities/"+url.PathEscape(id), nil)
			c.must(404, "GET", "/v1/blueprints/service/entities/"+url.PathEscape(id), nil)
		})
	}
	// Unknown routes still answer with the JSON envelope.
	c.must(404, "GET", "/v1/nothing-here", nil)
	c.must(405, "PUT", "/v1/entities/search", nil)
}

// maxLength counts characters, not UTF-8 bytes: identifiers may hold any letter.
func TestIdentifierLengthInCharacters(t *testing.T) {
	_, c := start(t)
	catalog(c)
	tests := []struct {
		name   string
		method string
		path   string
		body   map[string]any
		status int
	}{
		{"entity: 1000 two-byte letters", "POST", "/v1/blueprints/service/entities?upsert=true", map[string]any{"identifier": strings.Repeat("é", 1000)}, 201},
		{"entity: 1001 letters", "POST", "/v1/blueprints/service/entities?upsert=true", map[string]any{"identifier": strings.Repeat("é", 1001)}, 422},
		{"blueprint: 100 two-byte letters", "POST", "/v1/blueprints", map[string]any{"identifier": strings.Repeat("ü", 100), "title": "U", "schema": map[string]any{}}, 201},
		{"blueprint: 101 letters", "POST", "/v1/blueprints", map[string]any{"identifier": strings.Repeat("ü", 101), "title": "U", "schema": map[string]any{}}, 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.with(t).must(tt.status, tt.method, tt.path, tt.body)
		})
	}
}

// A bulk error names the entity it is about: the resolved identifier of a
// search identifier too; only an unresolved one is "unknown" (Ocean drops
// those items instead of retrying them).
func TestBulkErrorIdentifiers(t *testing.T) {
	_, c := start(t)
	catalog(c)
	upsert(c, "service", map[string]any{"identifier": "svc-1", "properties": map[string]any{"url": "https://example.com/one"}})
	byURL := map[string]any{"combinator": "and", "rules": []any{map[string]any{"property": "url", "operator": "=", "value": "https://example.com/one"}}}
	nothing := map[string]any{"combinator": "and", "rules": []any{map[string]any{"property": "url", "operator": "=", "value": "https://nope"}}}
	tests := []struct {
		name   string
		entity map[string]any
		id     string
		status json.Number
	}{
		{"string identifier", map[string]any{"identifier": "svc-2", "properties": map[string]any{"stars": "x"}}, "svc-2", "422"},
		{"resolved search identifier, invalid property", map[string]any{"identifier": byURL, "properties": map[string]any{"stars": "x"}}, "svc-1", "422"},
		{"resolved search identifier, missing related entity", map[string]any{"identifier": byURL, "relations": map[string]any{"owner": "ghost"}}, "svc-1", "404"},
		{"unresolved search identifier", map[string]any{"identifier": nothing}, "unknown", "404"},
		{"not an object", nil, "unknown", "422"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var item any = tt.entity
			if tt.entity == nil {
				item = "x"
			}
			body := c.with(t).must(207, "POST", "/v1/blueprints/service/entities/bulk?upsert=true&merge=true", map[string]any{"entities": []any{item}})
			errs := body["errors"].([]any)
			require.Len(t, errs, 1)
			assert.Equal(t, tt.id, errs[0].(map[string]any)["identifier"])
			assert.Equal(t, tt.status, errs[0].(map[string]any)["statusCode"])
		})
	}
}

// Enum values compare as JSON Schema says: numbers by value.
func TestNumberEnum(t *testing.T) {
	_, c := start(t)
	c.must(201, "POST", "/v1/blueprints", map[string]any{"identifier": "tier", "title": "Tier", "schema": map[string]any{
		"properties": map[string]any{"level": map[string]any{"type": "number", "enum": []any{1, 2.5}}},
	}})
	for _, tt := range []struct {
		level  json.Number
		status int
	}{{"1", 201}, {"1.0", 201}, {"2.50", 201}, {"3", 422}} {
		c.with(t).must(tt.status, "POST", "/v1/blueprints/tier/entities?upsert=true",
			map[string]any{"identifier": "t-" + strings.ReplaceAll(string(tt.level), ".", "_"), "properties": map[string]any{"level": tt.level}})
	}
}

// Entity text is stored as sent, so what cannot be stored as text is refused:
// invalid UTF-8 and half of a surrogate pair are a 422, not a quiet U+FFFD;
// data after the JSON value is a 400, not ignored.
func TestBodiesMustBeOneJSONValueOfUnicodeText(t *testing.T) {
	_, c := start(t)
	catalog(c)
	single := "/v1/blueprints/service/entities?upsert=true"
	bulk := "/v1/blueprints/service/entities/bulk?upsert=true"
	refused := []struct {
		name, path, body string
		status           int
		message          string
	}{
		{"invalid UTF-8 in a title", single, "{\"identifier\":\"x\",\"title\":\"caf\xe9\"}", 422, "not valid UTF-8: byte 0xe9 at offset 30"},
		{"invalid UTF-8 in a bulk item", bulk, "{\"entities\":[{\"identifier\":\"x\",\"properties\":{\"url\":\"\xff\"}}]}", 422, "not valid UTF-8: byte 0xff"},
		{"a lone high surrogate", single, `{"identifier":"x","title":"\ud83d"}`, 422, `half of a UTF-16 surrogate pair (\ud83d) at offset 27`},
		{"a lone low surrogate", single, `{"identifier":"x","title":"a\ude00b"}`, 422, `(\ude00)`},
		{"a high surrogate before a non-surrogate", single, `{"identifier":"x","title":"\ud83d\u0041"}`, 422, `(\ud83d)`},
		{"a closing brace too many", single, `{"identifier":"x"}}`, 400, "data after the JSON value at offset 18"},
		{"a second value", bulk, `{"entities":[{"identifier":"x"}]} {"entities":[]}`, 400, "data after the JSON value"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			resp := c.with(t).must(tt.status, "POST", tt.path, []byte(tt.body))
			assert.Contains(t, resp["message"], tt.message)
		})
	}
	got := c.must(404, "GET", "/v1/blueprints/service/entities/x", nil)
	assert.Equal(t, "not_found", got["error"], "a refused body wrote nothing")

	// What is valid text is kept exactly: a surrogate pair, an escaped backslash before "u".
	c.must(201, "POST", single, []byte(`{"identifier":"x","title":"\ud83d\ude00 \\ud800"}`+"\n"))
	e := c.must(200, "GET", "/v1/blueprints/service/entities/x", nil)["entity"].(map[string]any)
	assert.Equal(t, "😀 \\ud800", e["title"])
}

// A bulk sees its own writes: an entity written twice is created once, a
// placeholder an earlier item created is updated by a later one, and an item
// that fails leaves nothing behind (not even the placeholders it needed).
func TestBulkSeesItsOwnWrites(t *testing.T) {
	srv, c := start(t)
	catalog(c)
	path := "/v1/blueprints/service/entities/bulk?upsert=true&merge=true&create_missing_related_entities=true"
	resp := c.must(207, "POST", path, map[string]any{"entities": []any{
		map[string]any{"identifier": "a", "properties": map[string]any{"stars": 1}},
		map[string]any{"identifier": "a", "properties": map[string]any{"language": "go"}},
		map[string]any{"identifier": "b", "relations": map[string]any{"deps": []any{"c", "c"}}},
		map[string]any{"identifier": "c", "properties": map[string]any{"stars": 3}},
		map[string]any{"identifier": "d", "relations": map[string]any{"deps": []any{"ghost"}, "owner": "u"}, "properties": map[string]any{"stars": "x"}},
	}})
	created := func(i int, id string, was bool) map[string]any {
		return map[string]any{"index": json.Number(fmt.Sprint(i)), "identifier": id, "created": was}
	}
	assert.Equal(t, []any{created(0, "a", true), created(1, "a", false), created(2, "b", true), created(3, "c", false)}, resp["entities"])
	require.Len(t, resp["errors"], 1)

	entities, err := srv.Entities("service")
	require.NoError(t, err)
	byID := map[string]map[string]any{}
	for _, e := range entities {
		byID[e["identifier"].(string)] = e
	}
	assert.Len(t, byID, 3, "a, b and c; neither d nor its placeholder ghost")
	assert.Equal(t, map[string]any{"stars": json.Number("1"), "language": "go"}, byID["a"]["properties"])
	assert.Equal(t, map[string]any{"stars": json.Number("3")}, byID["c"]["properties"])
	users, err := srv.Entities("user")
	require.NoError(t, err)
	assert.Empty(t, users, "no placeholder of d's owner")
}

// A bulk's look-up of its entities goes by the (blueprint, identifier) key,
// never through every entity of the blueprint.
func TestLookUpUsesTheKey(t *testing.T) {
	srv, c := start(t)
	catalog(c)
	plan, err := localport.QueryPlan(srv, localport.LookUpQuery(3), "service", "a", "b", "c")
	require.NoError(t, err)
	assert.Contains(t, plan, "USING INDEX sqlite_autoindex_entities_1 (identifier=? AND blueprint=?)")
	assert.NotContains(t, plan, "SCAN")
}
