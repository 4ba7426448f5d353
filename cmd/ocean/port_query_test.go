package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/clients/port"
)

const catalogSecret = "cli-s3cr3t"

// writer is a port client that fills a catalog the way an integration does.
func writer(t *testing.T, base, id, secret string) *port.Client {
	t.Helper()
	c, err := port.New(port.Config{BaseURL: base, ClientID: id, ClientSecret: secret,
		UserAgent: port.UserAgent{Type: "fake", Version: "0.1.0", Identifier: "cli-fake"}})
	require.NoError(t, err)
	return c
}

// fillCatalog writes two blueprints, their entities and an integration that
// completed a resync.
func fillCatalog(t *testing.T, c *port.Client) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateBlueprint(ctx, map[string]any{"identifier": "team", "title": "Team",
		"schema": map[string]any{"properties": map[string]any{"name": map[string]any{"type": "string"}}}})
	require.NoError(t, err)
	_, err = c.CreateBlueprint(ctx, map[string]any{"identifier": "person", "title": "Person",
		"schema": map[string]any{"properties": map[string]any{
			"name": map[string]any{"type": "string"}, "age": map[string]any{"type": "number"},
			"bio": map[string]any{"type": "string"}, "email": map[string]any{"type": "string"},
		}},
		"relations": map[string]any{"team": map[string]any{"target": "team", "required": false, "many": false}}})
	require.NoError(t, err)
	title := func(s string) *string { return &s }
	entities := []port.Entity{
		{Identifier: "core", Title: title("Core"), Blueprint: "team", Properties: map[string]any{"name": "Core"}},
		{Identifier: "ada", Title: title("Ada Lovelace"), Blueprint: "person", Relations: map[string]any{"team": "core"},
			Properties: map[string]any{"name": "Ada", "age": json.Number("36"), "email": "ada@example.com",
				"bio": "Wrote the first program.\nFor an engine that was never built, a century before computers."}},
		{Identifier: "alan", Title: title("Alan Turing"), Blueprint: "person", Relations: map[string]any{"team": "core"},
			Properties: map[string]any{"name": "Alan", "age": json.Number("41"), "email": "alan@example.com"}},
		{Identifier: "big", Blueprint: "person",
			Properties: map[string]any{"name": "Big", "age": json.Number("12345678901234567890")}},
	}
	// The team first: the persons relate to it.
	for _, batch := range [][]port.Entity{entities[:1], entities[1:]} {
		results, err := c.UpsertEntities(ctx, batch, port.UpsertOptions{})
		require.NoError(t, err)
		for _, r := range results {
			require.NoError(t, r.Err)
		}
	}
	_, err = c.CreateIntegration(ctx, port.CreateIntegrationRequest{InstallationAppType: "fake", Version: "0.1.0",
		Config: map[string]any{"resources": []any{map[string]any{"kind": "person"}, map[string]any{"kind": "team"}, map[string]any{"kind": "person"}}}})
	require.NoError(t, err)
	start, end := "2026-01-02T03:04:05.678Z", "2026-01-02T03:05:06.789Z"
	_, err = c.PatchResyncState(ctx, port.ResyncState{Status: "completed", LastResyncStart: &start, LastResyncEnd: &end})
	require.NoError(t, err)
}

// filledPort serves a catalog that checks credentials; args reach it.
func filledPort(t *testing.T) []string {
	t.Helper()
	base := startPortServe(t, "--client-id", oceanClientID, "--client-secret", catalogSecret)
	fillCatalog(t, writer(t, base, oceanClientID, catalogSecret))
	return []string{"--url", base, "--client-id", oceanClientID, "--client-secret", catalogSecret}
}

func identifiersOf(t *testing.T, jsonOut string) []string {
	t.Helper()
	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(jsonOut), &list), jsonOut)
	ids := []string{}
	for _, e := range list {
		ids = append(ids, e["identifier"].(string))
	}
	return ids
}

func TestPortEntities(t *testing.T) {
	target := filledPort(t)
	for _, tt := range []struct {
		name       string
		args       []string
		wantOut    string   // the whole table, when set
		wantIDs    []string // the identifiers of json output, when set
		wantStderr string
	}{
		{
			name: "one blueprint, table",
			args: []string{"--blueprint", "person"},
			// Properties most entities have first, the narrower among equals.
			wantOut: "IDENTIFIER  TITLE         BLUEPRINT  name  age                   email             bio\n" +
				"ada         Ada Lovelace  person     Ada   36                    ada@example.com   Wrote the first program. For an…\n" +
				"alan        Alan Turing   person     Alan  41                    alan@example.com  \n" +
				"big                       person     Big   12345678901234567890                    \n",
		},
		{
			name: "chosen properties",
			args: []string{"--blueprint", "person", "--properties", "email"},
			wantOut: "IDENTIFIER  TITLE         BLUEPRINT  email\n" +
				"ada         Ada Lovelace  person     ada@example.com\n" +
				"alan        Alan Turing   person     alan@example.com\n" +
				"big                       person     \n",
		},
		{name: "everything, json", args: []string{"-o", "json"}, wantIDs: []string{"core", "ada", "alan", "big"}},
		{
			name:    "query and blueprint",
			args:    []string{"--output", "json", "--blueprint", "person", "--query", `{"combinator":"or","rules":[{"property":"age","operator":">","value":40},{"property":"$identifier","operator":"=","value":"core"}]}`},
			wantIDs: []string{"alan", "big"},
		},
		{
			name:    "relatedTo",
			args:    []string{"-o", "json", "--query", `{"combinator":"and","rules":[{"operator":"relatedTo","blueprint":"team","value":"core","direction":"downstream"}]}`},
			wantIDs: []string{"ada", "alan"},
		},
		{name: "json limit", args: []string{"-o", "json", "--limit", "2"}, wantIDs: []string{"core", "ada"}},
		{
			name:       "table limit",
			args:       []string{"--limit", "1", "--properties", "name"},
			wantOut:    "IDENTIFIER  TITLE  BLUEPRINT  name\ncore        Core   team       Core\n",
			wantStderr: "1 of 4 entities shown (--limit 0 shows all)\n",
		},
		{
			name:       "blueprint and a query that matches nothing",
			args:       []string{"--blueprint", "team", "--query", `{"combinator":"or","rules":[]}`},
			wantOut:    "IDENTIFIER  TITLE  BLUEPRINT\n",
			wantStderr: "no entity matches\n",
		},
		{
			name:       "nothing matches",
			args:       []string{"--query", `{"combinator":"or","rules":[]}`},
			wantOut:    "IDENTIFIER  TITLE  BLUEPRINT\n",
			wantStderr: "no entity matches\n",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runOcean(t, "", append(append([]string{"port", "entities"}, target...), tt.args...)...)
			require.NoError(t, err, stderr)
			if tt.wantOut != "" {
				assert.Equal(t, tt.wantOut, stdout)
			}
			if tt.wantIDs != nil {
				assert.Equal(t, tt.wantIDs, identifiersOf(t, stdout))
			}
			assert.Equal(t, tt.wantStderr, stderr)
		})
	}
}

// json is every field of the entities as Port returns them, numbers exact.
func TestPortEntitiesJSONFields(t *testing.T) {
	target := filledPort(t)
	stdout, _, err := runOcean(t, "", append([]string{"port", "entities", "-o", "json", "--blueprint", "person"}, target...)...)
	require.NoError(t, err)
	assert.Contains(t, stdout, `"age": 12345678901234567890`, "big numbers are not rounded")
	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &list))
	require.Len(t, list, 3)
	ada := list[0]
	for _, key := range []string{"identifier", "title", "blueprint", "team", "properties", "relations", "createdAt", "createdBy", "updatedAt", "updatedBy"} {
		assert.Contains(t, ada, key)
	}
	assert.Equal(t, "Ada Lovelace", ada["title"])
	assert.Equal(t, map[string]any{"team": "core"}, ada["relations"])
	assert.Equal(t, "ada@example.com", ada["properties"].(map[string]any)["email"])
	assert.Equal(t, oceanClientID, ada["createdBy"])
}

func TestPortBlueprintsAndIntegrations(t *testing.T) {
	target := filledPort(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{
			args: []string{"port", "blueprints"},
			want: "IDENTIFIER  TITLE   ENTITIES  PROPERTIES  RELATIONS\n" +
				"person      Person  3         4           team→team\n" +
				"team        Team    1         1           \n",
		},
		{
			args: []string{"port", "integrations"},
			want: "IDENTIFIER  TYPE  VERSION  STATUS     LAST START            LAST END              KINDS\n" +
				"cli-fake    fake  0.1.0    completed  2026-01-02 03:04:05Z  2026-01-02 03:05:06Z  person, team\n",
		},
	} {
		stdout, stderr, err := runOcean(t, "", append(tt.args, target...)...)
		require.NoError(t, err, stderr)
		assert.Equal(t, tt.want, stdout, tt.args)
	}

	stdout, _, err := runOcean(t, "", append([]string{"port", "blueprints", "-o", "json"}, target...)...)
	require.NoError(t, err)
	var blueprints []map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &blueprints))
	require.Len(t, blueprints, 2)
	assert.Equal(t, "person", blueprints[0]["identifier"])
	assert.Equal(t, 3.0, blueprints[0]["entityCount"])
	assert.Contains(t, blueprints[0]["schema"].(map[string]any)["properties"], "bio")
	assert.Equal(t, 1.0, blueprints[1]["entityCount"])

	stdout, _, err = runOcean(t, "", append([]string{"port", "integrations", "--output", "json"}, target...)...)
	require.NoError(t, err)
	var integrations []port.Integration
	require.NoError(t, json.Unmarshal([]byte(stdout), &integrations))
	require.Len(t, integrations, 1)
	assert.Equal(t, "cli-fake", integrations[0].Identifier)
	assert.Equal(t, "completed", integrations[0].ResyncState.Status)
	assert.JSONEq(t, `{"resources":[{"kind":"person"},{"kind":"team"},{"kind":"person"}]}`, string(integrations[0].Config))
}

// Without flags the commands read the settings an integration reads.
func TestPortEntitiesFromEnvironment(t *testing.T) {
	target := filledPort(t)
	t.Setenv(envPortURL, target[1])
	t.Setenv(envPortClientID, oceanClientID)
	t.Setenv(envPortClientSecret, catalogSecret)
	stdout, _, err := runOcean(t, "", "port", "entities", "-o", "json", "--blueprint", "team")
	require.NoError(t, err)
	assert.Equal(t, []string{"core"}, identifiersOf(t, stdout))

	t.Setenv(envPortClientSecret, "wrong-secret")
	_, _, err = runOcean(t, "", "port", "entities")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rejected the client credentials")
	assert.NotContains(t, err.Error(), "wrong-secret")
}

// runAsOcean makes the test binary run as ocean, for tests that need a
// second process.
const runAsOcean = "OCEAN_CMD_TEST_RUN_AS_OCEAN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsOcean) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// servePortProcess runs `ocean port serve --db db` in a process of its own,
// as a user would beside the command under test, and returns its base URL.
func servePortProcess(t *testing.T, db string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "port", "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(os.Environ(), runAsOcean+"=1")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if _, rest, found := strings.Cut(sc.Text(), "Local Port listening on "); found {
				url, _, _ := strings.Cut(rest, " ")
				urls <- url
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			assert.NoError(t, err, "port serve stops cleanly on SIGTERM")
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("port serve did not stop")
		}
	})
	select {
	case url := <-urls:
		return url
	case err := <-exited:
		t.Fatalf("port serve exited before listening: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("port serve did not start listening")
	}
	return ""
}

// --db reads a database file while `port serve`, in another process, has it
// open and writes to it, and leaves the server working.
func TestPortDBAlongsideServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "port.db")
	base := servePortProcess(t, db)
	c := writer(t, base, "any", "any")
	fillCatalog(t, c)

	entities := func() []string {
		t.Helper()
		stdout, stderr, err := runOcean(t, "", "port", "entities", "--db", db, "-o", "json")
		require.NoError(t, err, stderr)
		return identifiersOf(t, stdout)
	}
	assert.Equal(t, []string{"core", "ada", "alan", "big"}, entities())

	stdout, _, err := runOcean(t, "", "port", "blueprints", "--db", db)
	require.NoError(t, err)
	assert.Contains(t, stdout, "person      Person  3 ")
	stdout, _, err = runOcean(t, "", "port", "integrations", "--db", db)
	require.NoError(t, err)
	assert.Contains(t, stdout, "cli-fake    fake  0.1.0    completed")

	// The server goes on writing; the next read sees it.
	_, err = c.UpsertEntities(context.Background(), []port.Entity{{Identifier: "grace", Blueprint: "person"}}, port.UpsertOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"core", "ada", "alan", "big", "grace"}, entities())
	_, err = c.DeleteEntities(context.Background(), []port.Key{{Blueprint: "person", Identifier: "big"}}, port.DeleteOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"core", "ada", "alan", "grace"}, entities())

	// Reads while the server writes: each sees a whole write, never an error.
	ctx, stop := context.WithCancel(context.Background())
	written := make(chan int, 1)
	go func() {
		n := 0
		for ; ctx.Err() == nil; n++ {
			e := port.Entity{Identifier: fmt.Sprintf("p-%04d", n), Blueprint: "person"}
			if _, err := c.UpsertEntities(ctx, []port.Entity{e}, port.UpsertOptions{}); err != nil && ctx.Err() == nil {
				t.Errorf("write %d: %v", n, err)
				break
			}
		}
		written <- n
	}()
	seen := 0
	for range 5 {
		ids := entities()
		assert.GreaterOrEqual(t, len(ids), seen, "a later read never sees less")
		seen = len(ids)
	}
	stop()
	assert.Positive(t, <-written)
	final := entities()
	assert.GreaterOrEqual(t, len(final), seen)
	assert.Equal(t, []string{"core", "ada", "alan", "grace"}, final[:4])
}

// refusingURL is a loopback address nothing listens on.
func refusingURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

func TestPortQueryErrors(t *testing.T) {
	target := filledPort(t)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	missing := filepath.Join(dir, "typo.db")
	for _, tt := range []struct {
		name string
		args []string
		want []string // all in the error
	}{
		{"unknown blueprint", append([]string{"port", "entities", "--blueprint", "persn"}, target...),
			[]string{`blueprint "persn" does not exist (blueprints: person, team)`}},
		{"bad query json", append([]string{"port", "entities", "--query", "{\"combinator\":\"and\",\n \"rules\":[{\"property\" \"age\"}]}"}, target...),
			[]string{"--query: line 2, column 23: invalid character"}},
		{"query cut short", append([]string{"port", "entities", "--query", `{"combinator":"and","rules":[`}, target...),
			[]string{"--query: line 1, column 30: unexpected EOF"}},
		{"misspelt query key", append([]string{"port", "entities", "--query", `{"combinator":"and","rules":[{"property":"age","operater":">"}]}`}, target...),
			[]string{`--query: line 1, column 48: json: unknown field "operater"`}},
		{"no combinator", append([]string{"port", "entities", "--query", `{"rules":[]}`}, target...),
			[]string{`"combinator" is missing`}},
		{"query Port refuses", append([]string{"port", "entities", "--query", `{"combinator":"and","rules":[{"property":"age","operator":"like","value":1}]}`}, target...),
			[]string{"--query:", "422", `rules[0].operator: unknown operator "like"`}},
		{"unreachable url", []string{"port", "entities", "--url", refusingURL(t)},
			[]string{"cannot reach a Port at http://127.0.0.1:", "ocean port serve", "--db"}},
		{"wrong credentials", []string{"port", "blueprints", "--url", target[1], "--client-id", oceanClientID, "--client-secret", "not-the-s3cr3t"},
			[]string{"the Port at " + target[1] + " rejected the client credentials", "--client-secret"}},
		{"no credentials where they are checked", []string{"port", "integrations", "--url", target[1]},
			[]string{"rejected the client credentials"}},
		{"id without secret", []string{"port", "entities", "--url", target[1], "--client-id", "x"},
			[]string{"--client-id and --client-secret go together"}},
		{"missing db file", []string{"port", "entities", "--db", missing}, []string{"--db " + missing + ": no such file", "nothing was created"}},
		{"db is a directory", []string{"port", "blueprints", "--db", dir}, []string{"is a directory"}},
		{"empty db file", []string{"port", "integrations", "--db", empty}, []string{"is empty: not a local Port database"}},
		{"db and url", []string{"port", "entities", "--db", empty, "--url", target[1]}, []string{"--db and --url go apart"}},
		{"db and credentials", []string{"port", "entities", "--db", empty, "--client-secret", "s"}, []string{"--client-id and --client-secret are for a running Port"}},
		{"bad output", append([]string{"port", "blueprints", "-o", "yaml"}, target...), []string{`--output must be table or json, got "yaml"`}},
		{"bad entities output", []string{"port", "entities", "--db", missing, "-o", "yaml"}, []string{`--output must be table or json, got "yaml"`}},
		{"negative limit", append([]string{"port", "entities", "--limit", "-1"}, target...), []string{"--limit must be 0 (all) or more, got -1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runOcean(t, "", tt.args...)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Empty(t, stdout)
			for _, secret := range []string{catalogSecret, "not-the-s3cr3t"} {
				assert.NotContains(t, err.Error()+stderr, secret, "a secret is never printed")
			}
		})
	}
	assert.NoFileExists(t, missing, "a mistyped path is not created")
	info, err := os.Stat(empty)
	require.NoError(t, err)
	assert.Zero(t, info.Size(), "an empty file is left alone")
}

func TestQueryPosition(t *testing.T) {
	for _, tt := range []struct {
		text              string
		offset            int64
		wantLine, wantCol int
	}{
		{"abc", 1, 1, 1},
		{"abc", 3, 1, 3},
		{"abc", 0, 1, 1},
		{"ab\ncd", 4, 2, 1},
		{"ab\ncd", 5, 2, 2},
		{"é\nxy", 5, 2, 2},
		{"ab", 99, 1, 3},
	} {
		line, col := position(tt.text, tt.offset)
		assert.Equal(t, [2]int{tt.wantLine, tt.wantCol}, [2]int{line, col}, "%q at %d", tt.text, tt.offset)
	}
}

func TestCell(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, tt := range []struct {
		in   any
		want string
	}{
		{nil, ""},
		{(*string)(nil), ""},
		{s("title"), "title"},
		{"two\nlines\tand  spaces", "two lines and spaces"},
		{json.Number("12345678901234567890"), "12345678901234567890"},
		{true, "true"},
		{[]any{"a", json.Number("1")}, `["a",1]`},
		{map[string]any{"k": "v"}, `{"k":"v"}`},
		{strings.Repeat("é", 40), strings.Repeat("é", cellWidth-1) + "…"},
		{strings.Repeat("x", cellWidth), strings.Repeat("x", cellWidth)},
	} {
		assert.Equal(t, tt.want, cell(tt.in), "%#v", tt.in)
	}
}

func TestMappingKindsAndShortTime(t *testing.T) {
	for _, tt := range []struct {
		config string
		want   []string
	}{
		{`{"resources":[{"kind":"a"},{"kind":"b"},{"kind":"a"},{"kind":""}]}`, []string{"a", "b"}},
		{`{}`, nil},
		{``, nil},
		{`{"resources":"not a list"}`, nil},
	} {
		assert.Equal(t, tt.want, mappingKinds(json.RawMessage(tt.config)), tt.config)
	}
	s := func(v string) *string { return &v }
	for in, want := range map[*string]string{
		nil:                                   "",
		s(""):                                 "",
		s("2024-11-20T12:01:45.483844+00:00"): "2024-11-20 12:01:45Z",
		s("2024-11-20T13:01:54.355+01:00"):    "2024-11-20 12:01:54Z",
		s("2024-11-20T12:01:54.355Z"):         "2024-11-20 12:01:54Z",
		s("yesterday"):                        "yesterday",
	} {
		assert.Equal(t, want, shortTime(in))
	}
}
