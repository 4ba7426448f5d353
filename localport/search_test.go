package localport_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// searchFixture: a -> b -> c through deps, a -> jane through owner.
func searchFixture(t testing.TB) *client {
	_, c := start(t)
	catalog(c)
	upsert(c, "user", map[string]any{"identifier": "jane"})
	upsert(c, "service", map[string]any{"identifier": "c", "properties": map[string]any{
		"stars": json.Number("12345678901234567890"), "tags": []any{"y"}, "released": "2999-01-01T00:00:00Z",
	}})
	upsert(c, "service", map[string]any{"identifier": "b", "title": "Beta", "properties": map[string]any{
		"language": "python", "stars": 20, "archived": true, "tags": []any{}, "released": "2024-06-01T00:00:00Z",
	}, "relations": map[string]any{"deps": []any{"c"}}})
	upsert(c, "service", map[string]any{"identifier": "a", "title": "Alpha", "team": []any{"platform"}, "properties": map[string]any{
		"language": "go", "stars": 10, "archived": false, "tags": []any{"x", "y"}, "released": "2024-01-10T00:00:00Z",
	}, "relations": map[string]any{"owner": "jane", "deps": []any{"b"}}})
	return c
}

func rule(property, op string, value any) map[string]any {
	return map[string]any{"property": property, "operator": op, "value": value}
}

func TestSearchOperators(t *testing.T) {
	c := searchFixture(t)
	tests := []struct {
		name string
		rule map[string]any
		want []string // in creation order: c, b, a
	}{
		{"= identifier", rule("$identifier", "=", "a"), []string{"a"}},
		{"!= identifier", rule("$identifier", "!=", "a"), []string{"c", "b"}},
		{"in", rule("$identifier", "in", []any{"a", "c", "zz"}), []string{"c", "a"}},
		{"in empty", rule("$identifier", "in", []any{}), nil},
		{"notIn", rule("$identifier", "notIn", []any{"a"}), []string{"c", "b"}},
		{"contains string", rule("language", "contains", "pyt"), []string{"b"}},
		{"contains array", rule("tags", "contains", "x"), []string{"a"}},
		{"doesNotContains", rule("language", "doesNotContains", "pyt"), []string{"c", "a"}},
		{"containsAny", rule("tags", "containsAny", []any{"y", "q"}), []string{"c", "a"}},
		{"beginsWith", rule("$title", "beginsWith", "Al"), []string{"a"}},
		{"doesNotBeginsWith", rule("$title", "doesNotBeginsWith", "Al"), []string{"c", "b"}},
		{"endsWith", rule("$title", "endsWith", "ta"), []string{"b"}},
		{"doesNotEndsWith", rule("$title", "doesNotEndsWith", "ta"), []string{"c", "a"}},
		{"isEmpty absent", map[string]any{"property": "language", "operator": "isEmpty"}, []string{"c"}},
		{"isEmpty array", map[string]any{"property": "tags", "operator": "isEmpty"}, []string{"b"}},
		{"isNotEmpty", map[string]any{"property": "language", "operator": "isNotEmpty"}, []string{"b", "a"}},
		{"> number (big int)", rule("stars", ">", 10), []string{"c", "b"}},
		{">= number", rule("stars", ">=", 20), []string{"c", "b"}},
		{"< number", rule("stars", "<", 20), []string{"a"}},
		{"<= number", rule("stars", "<=", 10), []string{"a"}},
		{"= big int exact", rule("stars", "=", json.Number("12345678901234567890")), []string{"c"}},
		{"= big int off by one", rule("stars", "=", json.Number("12345678901234567891")), nil},
		{"= boolean", rule("archived", "=", true), []string{"b"}},
		{"> date", rule("released", ">", "2024-03-01T00:00:00Z"), []string{"c", "b"}},
		{"< date with offset", rule("released", "<", "2024-03-01T00:00:00.000000+00:00"), []string{"a"}},
		{"between dates", rule("released", "between", map[string]any{"from": "2024-01-01T00:00:00Z", "to": "2024-02-01T00:00:00Z"}), []string{"a"}},
		{"notBetween dates", rule("released", "notBetween", map[string]any{"from": "2024-01-01T00:00:00Z", "to": "2024-02-01T00:00:00Z"}), []string{"c", "b"}},
		{"isExpired", map[string]any{"property": "released", "operator": "isExpired"}, []string{"b", "a"}},
		{"isNotExpired", map[string]any{"property": "released", "operator": "isNotExpired"}, []string{"c"}},
		{"isNotExpired without a value", map[string]any{"property": "language", "operator": "isNotExpired"}, []string{"c", "b", "a"}},
		{"between numbers", rule("stars", "between", map[string]any{"from": 5, "to": 15}), []string{"a"}},
		{"between preset", rule("$createdAt", "between", map[string]any{"preset": "lastWeek"}), []string{"c", "b", "a"}},
		{"$updatedAt >", rule("$updatedAt", ">", "2000-01-01T00:00:00Z"), []string{"c", "b", "a"}},
		{"$team =", rule("$team", "=", "platform"), []string{"a"}},
		{"$team in", rule("$team", "in", []any{"platform", "other"}), []string{"a"}},
		{"in on an array", rule("tags", "in", []any{"x", "q"}), []string{"a"}},
		{"in mixed values", rule("stars", "in", []any{"x", 20}), []string{"b"}},
		{"notIn on an array", rule("tags", "notIn", []any{"y"}), []string{"b"}},
		{"$datasource contains", rule("$datasource", "contains", "/my-integration/"), []string{"c", "b", "a"}},
		{"$datasource beginsWith", rule("$datasource", "beginsWith", "port-ocean/gitlab/"), nil},
		{"relation =", rule("owner", "=", "jane"), []string{"a"}},
		{"many relation contains", rule("deps", "contains", "c"), []string{"b"}},
		{"relatedTo upstream", map[string]any{"operator": "relatedTo", "blueprint": "service", "value": "a", "direction": "upstream"}, []string{"c", "b"}},
		{"relatedTo downstream", map[string]any{"operator": "relatedTo", "blueprint": "service", "value": []any{"c"}, "direction": "downstream"}, []string{"b", "a"}},
		{"relatedTo both", map[string]any{"operator": "relatedTo", "blueprint": "user", "value": "jane"}, []string{"a"}},
		{"relatedTo required", map[string]any{"operator": "relatedTo", "blueprint": "service", "value": "a", "required": true}, nil},
		{"nested or", map[string]any{"combinator": "or", "rules": []any{
			map[string]any{"combinator": "and", "rules": []any{rule("$identifier", "=", "a")}},
			rule("language", "=", "python"),
		}}, []string{"b", "a"}},
		{"empty or", map[string]any{"combinator": "or", "rules": []any{}}, nil},
		{"empty and", map[string]any{"combinator": "and", "rules": []any{}}, []string{"c", "b", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := c.must(200, "POST", "/v1/entities/search", map[string]any{"combinator": "and", "rules": []any{
				rule("$blueprint", "=", "service"), tt.rule,
			}})
			assert.Equal(t, tt.want, ids(body))
		})
	}
}

func TestSearchOceanQueries(t *testing.T) {
	c := searchFixture(t)
	// The diff query Ocean sends before upserting a batch.
	body := c.must(200, "POST", "/v1/entities/search?exclude_calculated_properties=true&include=blueprint&include=identifier", map[string]any{
		"combinator": "and", "rules": []any{
			rule("$identifier", "in", []any{"a", "b", "jane"}),
			rule("$blueprint", "=", "service"),
			rule("$datasource", "contains", "port-ocean/github/"),
			rule("$datasource", "contains", "/my-integration/exporter"),
		},
	})
	assert.Equal(t, []any{"service"}, body["matchingBlueprints"])
	assert.Equal(t, []any{
		map[string]any{"identifier": "b", "blueprint": "service"},
		map[string]any{"identifier": "a", "blueprint": "service"},
	}, body["entities"])

	// search_batch_entities: an or of (identifier and blueprint) pairs.
	body = c.must(200, "POST", "/v1/entities/search", map[string]any{"combinator": "and", "rules": []any{
		map[string]any{"combinator": "or", "rules": []any{
			map[string]any{"combinator": "and", "rules": []any{rule("$identifier", "=", "a"), rule("$blueprint", "=", "service")}},
			map[string]any{"combinator": "and", "rules": []any{rule("$identifier", "=", "jane"), rule("$blueprint", "=", "user")}},
		}},
		rule("$datasource", "contains", "port-ocean/github/"),
	}})
	assert.ElementsMatch(t, []string{"a", "jane"}, ids(body))
}

func TestSearchIncludeExclude(t *testing.T) {
	c := searchFixture(t)
	q := map[string]any{"combinator": "and", "rules": []any{rule("$identifier", "=", "a")}}
	tests := []struct {
		name  string
		query string
		want  map[string]any
	}{
		{"include top-level and dotted", "?include=identifier&include=properties.language&include=relations.owner&include=properties.nope",
			map[string]any{"identifier": "a", "properties": map[string]any{"language": "go"}, "relations": map[string]any{"owner": "jane"}}},
		{"exclude", "?exclude=properties&exclude=relations.deps&exclude=createdAt&exclude=updatedAt&exclude=createdBy&exclude=updatedBy",
			map[string]any{"identifier": "a", "title": "Alpha", "icon": nil, "blueprint": "service", "team": []any{"platform"}, "relations": map[string]any{"owner": "jane"}}},
		{"include and exclude", "?include=properties&exclude=properties.tags&exclude=properties.released",
			map[string]any{"properties": map[string]any{"language": "go", "stars": json.Number("10"), "archived": false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := c.must(200, "POST", "/v1/entities/search"+tt.query, q)
			require.Len(t, body["entities"], 1)
			assert.Equal(t, tt.want, body["entities"].([]any)[0])
		})
	}
	got := c.must(200, "GET", "/v1/blueprints/service/entities/a?include=identifier", nil)
	assert.Equal(t, map[string]any{"identifier": "a"}, got["entity"])
}

func TestSearchMalformed(t *testing.T) {
	_, c := start(t)
	tests := []struct {
		name    string
		body    any
		status  int
		message string
	}{
		{"invalid JSON", []byte(`{"combinator":`), 400, "not valid JSON"},
		{"not an object", []any{}, 422, "must be an object"},
		{"missing combinator", map[string]any{"rules": []any{}}, 422, "combinator: required"},
		{"bad combinator", map[string]any{"combinator": "xor", "rules": []any{}}, 422, `combinator: must be "and" or "or"`},
		{"rules not array", map[string]any{"combinator": "and", "rules": "x"}, 422, "rules: required, must be an array"},
		{"extra key", map[string]any{"combinator": "and", "rules": []any{}, "limit": 5}, 422, `unknown key "limit"`},
		{"unknown operator", map[string]any{"combinator": "and", "rules": []any{rule("a", "=", 1), rule("b", "like", "x")}}, 422, `rules[1].operator: unknown operator "like"`},
		{"nested path", map[string]any{"combinator": "and", "rules": []any{map[string]any{"combinator": "or", "rules": []any{rule("b", "in", "x")}}}}, 422, `rules[0].rules[0].value: operator "in" needs an array`},
		{"missing property", map[string]any{"combinator": "and", "rules": []any{map[string]any{"operator": "=", "value": 1}}}, 422, "rules[0].property: required"},
		{"missing value", map[string]any{"combinator": "and", "rules": []any{map[string]any{"property": "a", "operator": "="}}}, 422, `rules[0].value: required`},
		{"bad date", map[string]any{"combinator": "and", "rules": []any{rule("d", ">", "soon")}}, 422, "needs a number or a date-time string"},
		{"between without to", map[string]any{"combinator": "and", "rules": []any{rule("d", "between", map[string]any{"from": "2024-01-01"})}}, 422, `needs both "from" and "to"`},
		{"unknown preset", map[string]any{"combinator": "and", "rules": []any{rule("d", "between", map[string]any{"preset": "someday"})}}, 422, "unknown preset"},
		{"relatedTo without blueprint", map[string]any{"combinator": "and", "rules": []any{map[string]any{"operator": "relatedTo", "value": "x"}}}, 422, "rules[0].blueprint: required"},
		{"relatedTo bad direction", map[string]any{"combinator": "and", "rules": []any{map[string]any{"operator": "relatedTo", "blueprint": "b", "value": "x", "direction": "sideways"}}}, 422, "direction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := c.call("POST", "/v1/entities/search", tt.body)
			assert.Equal(t, tt.status, status, "%v", body)
			assert.Equal(t, false, body["ok"])
			assert.Contains(t, body["message"], tt.message)
		})
	}
}

// More identifiers than one SQL lookup takes still come back in creation order.
func TestSearchManyIdentifiersInCreationOrder(t *testing.T) {
	_, c := start(t)
	catalog(c)
	var created, asked []any
	for i := range 1200 {
		id := fmt.Sprintf("svc-%04d", 1199-i) // created in reverse name order
		created = append(created, id)
		asked = append(asked, id)
	}
	for chunk := range slices.Chunk(created, 20) {
		var es []any
		for _, id := range chunk {
			es = append(es, map[string]any{"identifier": id})
		}
		c.must(200, "POST", "/v1/blueprints/service/entities/bulk?upsert=true", map[string]any{"entities": es})
	}
	body := c.must(200, "POST", "/v1/entities/search?include=identifier", map[string]any{"combinator": "and", "rules": []any{
		rule("$identifier", "in", asked), rule("$blueprint", "=", "service"),
	}})
	got := ids(body)
	require.Len(t, got, len(created))
	for i := range got {
		require.Equal(t, created[i], got[i], "position %d", i)
	}
}

// A search's work is bounded: a query of too many rules or values is refused
// before any entity is read, and one that would check too many entities is
// refused within its budget, both with what to change.
func TestSearchIsBounded(t *testing.T) {
	srv, c := start(t)
	catalog(c)
	seed(t, srv, 6000)

	many := func(n int, mk func(i int) any) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = mk(i)
		}
		return out
	}
	needles := many(10_000, func(i int) any { return fmt.Sprintf("needle-%d", i) })
	tests := []struct {
		name    string
		query   map[string]any
		message string
	}{
		{"12,000 contains rules", map[string]any{"combinator": "or", "rules": many(12_000, func(i int) any {
			return rule("url", "contains", fmt.Sprintf("needle-%d", i))
		})}, "rules[1000]: a search holds at most 1000 rules and nested groups"},
		{"rules counted through groups", map[string]any{"combinator": "and", "rules": many(2, func(int) any {
			return map[string]any{"combinator": "or", "rules": many(600, func(i int) any { return rule("url", "=", i) })}
		})}, "rules[1].rules[398]: a search holds at most 1000"},
		{"a list too long", map[string]any{"combinator": "and", "rules": []any{rule("$identifier", "in", append(needles, "one-more"))}},
			`rules[0].value: operator "in" accepts at most 10000 values, got 10001`},
		{"relatedTo too many identifiers", map[string]any{"combinator": "and", "rules": []any{
			map[string]any{"operator": "relatedTo", "blueprint": "service", "value": append(needles, "one-more")},
		}}, `operator "relatedTo" accepts at most 10000 values`},
		{"over the check budget", map[string]any{"combinator": "and", "rules": []any{
			rule("$blueprint", "=", "service"), rule("url", "containsAny", needles),
		}}, "search too costly: its 10001 checks per entity on at least 5000 entities exceed the local Port's budget of 50000000 checks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := c.with(t).must(422, "POST", "/v1/entities/search", tt.query)
			assert.Equal(t, "invalid_request", resp["error"])
			assert.Contains(t, resp["message"], tt.message)
		})
	}

	// 1000 rules are allowed, and a long in list is a set lookup, not a scan per entity.
	c.must(200, "POST", "/v1/entities/search?include=identifier", map[string]any{"combinator": "or", "rules": many(1000, func(i int) any {
		return rule("url", "contains", fmt.Sprintf("needle-%d", i))
	})})
	asked := append(needles[:9000:9000], "svc-10", "svc-5998")
	body := c.must(200, "POST", "/v1/entities/search?include=identifier", map[string]any{"combinator": "and", "rules": []any{
		rule("$blueprint", "=", "service"), rule("url", "notIn", []any{"https://example.com/10"}), rule("$identifier", "in", asked),
	}})
	assert.Equal(t, []string{"svc-5998"}, ids(body))
}
