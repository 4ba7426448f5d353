package processor

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/core/appconfig"
)

const basicMappings = `        identifier: .id
        blueprint: '"bp"'
`

func TestSelector(t *testing.T) {
	tests := []struct {
		query    string
		passed   int
		filtered int
		errMsg   string // of the item error, if any
	}{
		{"true", 1, 0, ""},
		{"false", 0, 1, ""},
		{".ok", 1, 0, ""},
		{".id == \"other\"", 0, 1, ""},
		{"null", 0, 0, "must return true or false, got null"},
		{`"yes"`, 0, 0, "must return true or false, got string"},
		{"1", 0, 0, "must return true or false, got number"},
		{"empty", 0, 0, "produced no output"},
		{`error("boom")`, 0, 0, "boom"},
		{".id.x", 0, 0, "expected an object"},
		{"true, false", 1, 0, ""}, // first output decides
	}
	p := New(Options{})
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			m := compileYAML(t, p, resource(tt.query, basicMappings))
			r := process(t, m, false, `{"id": "a", "ok": true}`)
			assert.Len(t, r.Passed, tt.passed)
			assert.Equal(t, tt.filtered, r.FilteredOut)
			if tt.errMsg == "" {
				assert.Empty(t, r.Errors)
				return
			}
			require.Len(t, r.Errors, 1)
			assert.Equal(t, "selector", r.Errors[0].Stage)
			assert.Equal(t, 0, r.Errors[0].Index)
			assert.ErrorContains(t, r.Errors[0], tt.errMsg)
		})
	}
}

func TestSelectorCompileError(t *testing.T) {
	assert.ErrorContains(t, compileErr(t, resource(".a ==", basicMappings)), "selector.query")
}

func compileErr(t *testing.T, doc string) error {
	t.Helper()
	c, err := appconfig.Parse([]byte(doc))
	require.NoError(t, err)
	_, err = New(Options{}).Compile(&c.Resources[0])
	require.Error(t, err)
	return err
}

func TestMappingFields(t *testing.T) {
	m := compileYAML(t, New(Options{}), resource("true", `
        identifier: .id | tostring
        title: .name
        icon: '"Github"'
        blueprint: '"service"'
        team: .team
        properties:
          url: .url
          stars: .stars
          missing: .nope
          topics: .topics
          ratio: .stars / 4
        relations:
          owner: .owner.login
          members: '[.members[].login]'
          repo:
            combinator: '"and"'
            rules:
              - property: '"$identifier"'
                operator: '"="'
                value: .repo
              - combinator: '"or"'
                rules:
                  - {property: '"name"', operator: '"="', value: .name}
`))
	r := process(t, m, false, `{"id": 7, "name": "Svc", "team": ["a"], "url": "https://x", "stars": 10,
		"topics": ["go"], "owner": {"login": "me"}, "members": [{"login": "a"}, {"login": "b"}], "repo": "r1"}`)
	require.Empty(t, r.Errors)
	require.Len(t, r.Passed, 1)
	assert.Equal(t, port.Entity{
		Identifier: "7",
		Title:      new("Svc"),
		Icon:       new("Github"),
		Blueprint:  "service",
		Team:       []any{"a"},
		Properties: map[string]any{
			"url": "https://x", "stars": json.Number("10"), "missing": nil,
			"topics": []any{"go"}, "ratio": 2.5,
		},
		Relations: map[string]any{
			"owner":   "me",
			"members": []any{"a", "b"},
			"repo": map[string]any{"combinator": "and", "rules": []any{
				map[string]any{"property": "$identifier", "operator": "=", "value": "r1"},
				map[string]any{"combinator": "or", "rules": []any{
					map[string]any{"property": "name", "operator": "=", "value": "Svc"},
				}},
			}},
		},
	}, r.Passed[0])
	assert.Equal(t, map[string]string{"properties.missing": ".nope"}, r.Misconfigured, "nulls are kept and reported")
}

func TestSearchQueryIdentifierAndTeam(t *testing.T) {
	m := compileYAML(t, New(Options{}), resource("true", `
        identifier:
          combinator: '"and"'
          rules:
            - {property: '"email"', operator: '"="', value: .email}
            - {property: '"name"', operator: '"="', value: .nope}
        blueprint: '"user"'
        team:
          combinator: '"and"'
          rules:
            - {property: '"$identifier"', operator: '"in"', value: .teams}
`))
	r := process(t, m, false, `{"email": "a@b", "teams": ["x", "y"]}`)
	require.Len(t, r.Passed, 1)
	e := r.Passed[0]
	assert.True(t, e.HasSearchIdentifier())
	assert.Equal(t, map[string]any{"combinator": "and", "rules": []any{
		map[string]any{"property": "email", "operator": "=", "value": "a@b"},
		map[string]any{"property": "name", "operator": "=", "value": nil},
	}}, e.Identifier)
	assert.Equal(t, map[string]any{"combinator": "and", "rules": []any{
		map[string]any{"property": "$identifier", "operator": "in", "value": []any{"x", "y"}},
	}}, e.Team)
	assert.Equal(t, map[string]string{"identifier.rules.value": ".nope"}, r.Misconfigured)

	// The entity marshals in the shape of port.Query.
	data, err := json.Marshal(e.Identifier)
	require.NoError(t, err)
	var q port.Query
	require.NoError(t, json.Unmarshal(data, &q))
	assert.Equal(t, "and", q.Combinator)
	assert.Equal(t, "email", q.Rules[0].Property)
}

func TestNumericIdentifierIsText(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`{"id": 42}`, "42"},
		{`{"id": 12345678901234567891}`, "12345678901234567891"},
		{`{"id": "a"}`, "a"},
	}
	m := compileYAML(t, New(Options{}), resource("true", basicMappings))
	for _, tt := range tests {
		r := process(t, m, false, tt.raw)
		require.Len(t, r.Passed, 1, tt.raw)
		assert.Equal(t, tt.want, r.Passed[0].Identifier, tt.raw)
	}
}

func TestKeptOnlyWithIdentifierAndBlueprint(t *testing.T) {
	tests := []struct {
		name, identifier, blueprint string
		kept                        bool
	}{
		{"both", ".id", `"bp"`, true},
		{"null identifier", ".nope", `"bp"`, false},
		{"empty identifier", `""`, `"bp"`, false},
		{"zero identifier", "0", `"bp"`, false},
		{"zero decimal identifier", ".zero", `"bp"`, false},
		{"empty list identifier", "[]", `"bp"`, false},
		{"number identifier", ".n", `"bp"`, true},
		{"empty blueprint", ".id", `""`, false},
		{"false blueprint", ".id", `false`, false},
		{"erroring identifier", `error("x")`, `"bp"`, false},
		{"number blueprint", ".id", `5`, true},
	}
	p := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := compileYAML(t, p, resource("true", "        identifier: '"+tt.identifier+"'\n        blueprint: '"+tt.blueprint+"'\n"))
			r := process(t, m, false, `{"id": "a", "n": 3, "zero": 0.0}`)
			assert.Empty(t, r.Errors)
			if tt.kept {
				assert.Len(t, r.Passed, 1)
				assert.Zero(t, r.Skipped)
			} else {
				assert.Empty(t, r.Passed)
				assert.Equal(t, 1, r.Skipped)
			}
		})
	}
}

// Ocean maps every field before it checks identifier and blueprint, so the
// fields of a skipped item are reported too, and a field that only a kept
// entity could not hold (an object title) does not fail a skipped item.
func TestSkippedItemsStillReportFields(t *testing.T) {
	tests := []struct {
		name, identifier string
		want             map[string]string
	}{
		{"null identifier", ".id", map[string]string{"identifier": ".id", "properties.url": ".url", "relations.owner": ".owner"}},
		{"empty identifier", `""`, map[string]string{"properties.url": ".url", "relations.owner": ".owner"}},
		{"kept", `"a"`, map[string]string{"properties.url": ".url", "relations.owner": ".owner"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := compileYAML(t, New(Options{}), resource("true", "        identifier: '"+tt.identifier+`'
        blueprint: '"bp"'
        title: .t
        properties: {url: .url}
        relations: {owner: .owner}
`))
			r := process(t, m, false, `{"t": "x"}`)
			assert.Empty(t, r.Errors)
			assert.Equal(t, tt.want, r.Misconfigured)
		})
	}

	t.Run("object title of a skipped item", func(t *testing.T) {
		m := compileYAML(t, New(Options{}), resource("true", basicMappings+"        title: .t\n"))
		r := process(t, m, false, `{"t": {"x": 1}}`) // no id
		assert.Empty(t, r.Errors)
		assert.Equal(t, 1, r.Skipped)
	})
}

func TestTextFields(t *testing.T) {
	p := New(Options{})
	m := compileYAML(t, p, resource("true", basicMappings+"        title: .t\n"))
	r := process(t, m, false, `{"id": "a", "t": 12.50}`, `{"id": "b", "t": true}`, `{"id": "c"}`, `{"id": "d", "t": {"x": 1}}`)
	require.Len(t, r.Passed, 3)
	assert.Equal(t, "12.50", *r.Passed[0].Title, "numbers keep their text")
	assert.Equal(t, "true", *r.Passed[1].Title)
	assert.Nil(t, r.Passed[2].Title, "a null title is not sent")
	require.Len(t, r.Errors, 1)
	assert.Equal(t, ItemError{Index: 3, Stage: "title", Err: r.Errors[0].Err}, r.Errors[0])
	assert.ErrorContains(t, r.Errors[0], "must be a string, got object")
}

func TestMisconfigured(t *testing.T) {
	m := compileYAML(t, New(Options{}), resource("true", basicMappings+`        title: .name
        properties:
          fails: .name | tonumber
          absent: .nope
          ok: .name
          pathErr: .name.x
          literal: 'null'
        relations:
          owner: .owner
`))
	r := process(t, m, false, `{"id": "a", "name": "x"}`, `{"id": "b", "name": "y", "owner": "o"}`)
	require.Len(t, r.Passed, 2)
	assert.Equal(t, map[string]string{
		"properties.fails":   ".name | tonumber",
		"properties.absent":  ".nope",
		"properties.pathErr": ".name.x",
		"properties.literal": "null",
		"relations.owner":    ".owner",
	}, r.Misconfigured)
	assert.Contains(t, r.FieldErrors["properties.pathErr"], "expected an object")
	assert.Equal(t, "x", r.Passed[0].Properties["ok"], "a failing plain path does not affect the others")
	assert.Equal(t, "o", r.Passed[1].Relations["owner"])
	assert.Contains(t, r.FieldErrors["properties.fails"], "tonumber")
	assert.NotContains(t, r.FieldErrors, "properties.absent", "plain nulls are not errors")
}

// A field that does not compile fails the whole mapping, naming every such
// field: mapping it to null would write nulls over Port's values.
func TestFieldThatDoesNotCompile(t *testing.T) {
	c, err := appconfig.Parse([]byte(resource("true", `        identifier: .id | tostrin
        blueprint: '"bp"'
        properties:
          lang: .language | ascii_upcase(
          ok: .name
`)))
	require.NoError(t, err)
	_, err = New(Options{}).Compile(&c.Resources[0])
	require.Error(t, err)
	// One line per field; the caller names the kind.
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 2, err.Error())
	assert.Equal(t, `identifier ".id | tostrin": compile: function not defined: tostrin/0`, lines[0])
	assert.True(t, strings.HasPrefix(lines[1], `properties.lang ".language | ascii_upcase(": parse: `), lines[1])
}

func TestReportMisconfigured(t *testing.T) {
	log, hook := test.NewNullLogger()
	r := Result{
		Misconfigured: map[string]string{"properties.url": ".url", "properties.extra": ".x", "relations.owner": ".o", "title": ".t"},
		FieldErrors:   map[string]string{"properties.url": "boom"},
		Skipped:       2,
	}
	bp := &port.Blueprint{
		Schema:    port.BlueprintSchema{Required: []string{"url"}},
		Relations: map[string]port.Relation{"owner": {Target: "user", Required: true}},
	}
	r.ReportMisconfigured(log, bp)
	levels := map[string]logrus.Level{}
	for _, e := range hook.AllEntries() {
		if f, ok := e.Data["field"].(string); ok {
			levels[f] = e.Level
		}
	}
	assert.Equal(t, map[string]logrus.Level{
		"properties.url":   logrus.ErrorLevel,
		"relations.owner":  logrus.ErrorLevel,
		"properties.extra": logrus.WarnLevel,
		"title":            logrus.WarnLevel,
	}, levels)
	last := hook.LastEntry()
	assert.Equal(t, 2, last.Data["skipped"])

	hook.Reset()
	r.ReportMisconfigured(log, nil)
	for _, e := range hook.AllEntries() {
		assert.Equal(t, logrus.WarnLevel, e.Level, "without a blueprint nothing is an error")
	}
}

func TestParseAll(t *testing.T) {
	m := compileYAML(t, New(Options{}), resource(".keep", basicMappings))
	docs := []string{`{"id": "a", "keep": true}`, `{"id": "b", "keep": false}`, `{"keep": false}`}

	r := process(t, m, false, docs...)
	assert.Len(t, r.Passed, 1)
	assert.Empty(t, r.Failed)
	assert.Equal(t, 2, r.FilteredOut)

	r = process(t, m, true, docs...)
	require.Len(t, r.Passed, 1)
	require.Len(t, r.Failed, 1)
	assert.Equal(t, "b", r.Failed[0].Identifier)
	assert.Equal(t, 2, r.FilteredOut)
	assert.Equal(t, 1, r.Skipped)
}

func TestItemTimeout(t *testing.T) {
	p := New(Options{ItemTimeout: 50 * time.Millisecond, Workers: 2})
	tests := []struct{ name, selector, identifier string }{
		{"selector", "last(repeat(true))", ".id"},
		{"field", "true", "last(range(1e15))"},
		{"recursion", "true", "def f: f; f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := compileYAML(t, p, resource(tt.selector, "        identifier: '"+tt.identifier+"'\n        blueprint: '\"bp\"'\n"))
			start := time.Now()
			r := process(t, m, false, `{"id": "a"}`, `{"id": "b"}`)
			assert.Less(t, time.Since(start), 5*time.Second)
			require.Len(t, r.Errors, 2)
			for i, e := range r.Errors {
				assert.Equal(t, i, e.Index)
				assert.Equal(t, "timeout", e.Stage)
				assert.ErrorIs(t, e, context.DeadlineExceeded)
			}
		})
	}
}

func TestCanceledBatch(t *testing.T) {
	m := compileYAML(t, New(Options{}), resource("true", basicMappings))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := m.Process(ctx, items(t, `{"id": "a"}`), false)
	require.Len(t, r.Errors, 1)
	assert.Equal(t, "canceled", r.Errors[0].Stage)
}

func TestPanicRecovered(t *testing.T) {
	m := compileYAML(t, New(Options{Workers: 2}), resource("true", "        identifier: .id | type\n        blueprint: '\"bp\"'\n"))
	// int64 is not a gojq value: gojq panics on it (callers must Normalize).
	r := m.Process(context.Background(), []any{
		map[string]any{"id": "a"},
		map[string]any{"id": int64(5)},
		map[string]any{"id": "c"},
	}, false)
	assert.Len(t, r.Passed, 2)
	require.Len(t, r.Errors, 1)
	assert.Equal(t, 1, r.Errors[0].Index)
	assert.Equal(t, "identifier", r.Errors[0].Stage)
	assert.ErrorContains(t, r.Errors[0], "panic")
}

// env and $ENV hold only the allowed variables, and never a hidden value.
func TestEnvAccess(t *testing.T) {
	environ := func() []string {
		return []string{"REGION=eu", "MY_A=1", "MY_B=2", "MYSELF=me", "DATABASE_URL=postgres://u:sekrit@db/x", "BAD"}
	}
	tests := []struct {
		name string
		opts Options
		want map[string]any // env as the mapping sees it
	}{
		{"closed by default", Options{Environ: environ}, map[string]any{}},
		{"names and globs", Options{AllowedEnv: []string{"REGION", "MY_*"}, Environ: environ},
			map[string]any{"REGION": "eu", "MY_A": "1", "MY_B": "2"}},
		{"hidden values are left out", Options{AllowedEnv: []string{"*"}, Environ: environ,
			Hidden: func(v string) bool { return strings.Contains(v, "sekrit") || v == "2" }},
			map[string]any{"REGION": "eu", "MY_A": "1", "MYSELF": "me"}},
		{"a malformed glob matches nothing", Options{AllowedEnv: []string{"MY_[", "REGION"}, Environ: environ},
			map[string]any{"REGION": "eu"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := compileYAML(t, New(tt.opts), resource("true", basicMappings+`        properties:
          env: env
          dollar: $ENV
          region: env.REGION
`))
			r := process(t, m, false, `{"id": "a"}`)
			require.Len(t, r.Passed, 1)
			props := r.Passed[0].Properties
			assert.Equal(t, tt.want, props["env"])
			assert.Equal(t, tt.want, props["dollar"])
			assert.Equal(t, tt.want["REGION"], props["region"])
		})
	}
}

func TestNumbersExact(t *testing.T) {
	m := compileYAML(t, New(Options{}), resource("true", `        identifier: .id
        blueprint: '"bp"'
        properties:
          next: .id + 1
          f: .f
          nan: nan
          inf: infinite
`))
	r := process(t, m, false, `{"id": 12345678901234567890, "f": 1.10}`)
	require.Len(t, r.Passed, 1)
	e := r.Passed[0]
	assert.Equal(t, "12345678901234567890", e.Identifier, "a numeric identifier keeps every digit as text")
	data, err := json.Marshal(e)
	require.NoError(t, err, "NaN and infinities are made encodable")
	assert.Contains(t, string(data), `"next":12345678901234567891`)
	assert.Contains(t, string(data), `"f":1.10`)
	assert.Contains(t, string(data), `"nan":null`)
	assert.Contains(t, string(data), `"inf":1.7976931348623157e+308`)
	assert.True(t, Equal(e.Properties["f"], 1.1))
}

func TestOrderAndConcurrency(t *testing.T) {
	m := compileYAML(t, New(Options{Workers: 4}), resource(".n % 3 != 0", basicMappings+"        properties: {n: .n}\n"))
	docs := make([]string, 500)
	for i := range docs {
		docs[i] = fmt.Sprintf(`{"id": "e%d", "n": %d}`, i, i)
	}
	in := items(t, docs...)
	var wg sync.WaitGroup
	for range 4 { // one Mapping shared by concurrent batches
		wg.Go(func() {
			r := m.Process(context.Background(), in, false)
			assert.Equal(t, 167, r.FilteredOut)
			if !assert.Len(t, r.Passed, 333) {
				return
			}
			prev := -1
			for _, e := range r.Passed {
				n, _ := e.Properties["n"].(json.Number).Int64()
				assert.Greater(t, int(n), prev, "input order")
				prev = int(n)
			}
		})
	}
	wg.Wait()
}

func TestEmptyBatch(t *testing.T) {
	m := compileYAML(t, New(Options{}), resource("true", basicMappings))
	assert.Equal(t, Result{}, m.Process(context.Background(), nil, false))
}

func TestCompatBuiltins(t *testing.T) {
	log, hook := test.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	m := compileYAML(t, New(Options{Logger: log}), resource("true", basicMappings+`        properties:
          dbg: .id | debug
          dbgmsg: .id | debug("msg")
          err: .id | stderr
          keys: .obj | keys_unsorted
          file: input_filename
          line: input_line_number
`))
	r := process(t, m, false, `{"id": "a", "obj": {"b": 1, "a": 2}}`)
	require.Len(t, r.Passed, 1)
	assert.Equal(t, map[string]any{
		"dbg": "a", "dbgmsg": "a", "err": "a", "keys": []any{"b", "a"}, "file": nil, "line": 0,
	}, r.Passed[0].Properties)
	assert.NotEmpty(t, hook.AllEntries(), "debug output goes to the logger")
}

func TestLiteralBlueprint(t *testing.T) {
	tests := []struct {
		src  string
		want string
		ok   bool
	}{
		{`'"service"'`, "service", true},
		{`"'service'"`, "service", true},
		{`'"svc-\(.x)"'`, "", false},
		{`.bp`, "", false},
		{`'""'`, "", false},
	}
	p := New(Options{})
	for _, tt := range tests {
		m := compileYAML(t, p, resource("true", "        identifier: .id\n        blueprint: "+tt.src+"\n"))
		got, ok := m.LiteralBlueprint()
		assert.Equal(t, tt.want, got, tt.src)
		assert.Equal(t, tt.ok, ok, tt.src)
	}
}
