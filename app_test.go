package ocean_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/clients/port"
	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/core/appconfig"
	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/handlers"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
)

// The test integration "shop" has teams and members; members relate to teams.
const blueprintsJSON = `[
  {"identifier": "team", "title": "Team", "schema": {"properties": {"name": {"type": "string"}}}},
  {"identifier": "member", "title": "Member",
   "schema": {"properties": {"email": {"type": "string"}, "age": {"type": "number"}}, "required": ["email"]},
   "relations": {"team": {"title": "Team", "target": "team", "required": false, "many": false}}}
]`

const mappingYAML = `
resources:
  - kind: team
    selector: {query: 'true'}
    port:
      entity:
        mappings:
          identifier: .id
          title: .name
          blueprint: '"team"'
          properties: {name: .name}
  - kind: member
    selector: {query: '.active != false'}
    port:
      entity:
        mappings:
          identifier: .id
          title: .name
          blueprint: '"member"'
          properties: {email: .email, age: .age}
          relations: {team: .team}
`

const specYAML = `
type: shop
title: Shop
configurations:
  - name: apiToken
    type: string
    required: true
    sensitive: true
  - name: pageSize
    type: integer
    default: 2
`

// source is the test's third-party system: items per kind, failures, a gate.
type source struct {
	mu    sync.Mutex
	items map[string][]map[string]any
	fail  map[string]error
	gate  chan struct{} // when set, member handlers wait on it before their first batch
	// waiting receives a value when a member handler reaches the gate.
	waiting chan struct{}
}

func (s *source) set(kind string, items ...map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[kind] = items
}

// handler streams a kind in pages of pageSize (from the integration config).
func (s *source) handler(ctx context.Context, kind string) iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		cfg, err := ocean.IntegrationConfig[struct {
			PageSize int `json:"pageSize"`
		}](ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		s.mu.Lock()
		items, fail, gate, waiting := s.items[kind], s.fail[kind], s.gate, s.waiting
		s.mu.Unlock()
		if gate != nil && kind == "member" {
			waiting <- struct{}{}
			select {
			case <-gate:
			case <-ctx.Done():
				return
			}
		}
		if fail != nil {
			yield(nil, fail)
			return
		}
		for i := 0; i < len(items); i += cfg.PageSize {
			page := make([]any, 0, cfg.PageSize)
			for _, it := range items[i:min(i+cfg.PageSize, len(items))] {
				page = append(page, it)
			}
			if !yield(page, nil) {
				return
			}
		}
	}
}

type harness struct {
	t    *testing.T
	port *localport.Server
	dir  string
	src  *source
	logs *syncBuffer
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".port", "spec.yaml"), specYAML)
	writeFile(t, filepath.Join(dir, ".port", "resources", "blueprints.json"), blueprintsJSON)
	writeFile(t, filepath.Join(dir, ".port", "resources", "port-app-config.yml"), mappingYAML)
	h := &harness{
		t: t, port: localporttest.Start(t), dir: dir, logs: &syncBuffer{},
		src: &source{items: map[string][]map[string]any{}, fail: map[string]error{}},
	}
	h.src.set("team", map[string]any{"id": "red", "name": "Red"}, map[string]any{"id": "blue", "name": "Blue"})
	h.src.set("member",
		map[string]any{"id": "ann", "name": "Ann", "email": "ann@shop.test", "age": 31, "team": "red"},
		map[string]any{"id": "bob", "name": "Bob", "email": "bob@shop.test", "age": json.Number("1.10"), "team": "blue"},
		map[string]any{"id": "cid", "name": "Cid", "email": "cid@shop.test", "age": json.Number("12345678901234567890"), "team": "red"},
	)
	return h
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
}

func (h *harness) env(extra ...string) []string {
	return append([]string{
		"OCEAN__PORT__CLIENT_ID=shop-client",
		"OCEAN__PORT__CLIENT_SECRET=shop-secret-value-0123456789",
		"OCEAN__PORT__BASE_URL=" + h.port.URL(),
		"OCEAN__INTEGRATION__IDENTIFIER=shop-test",
		"OCEAN__INTEGRATION__CONFIG__API_TOKEN=tok-abcdefghijklmnopqrstuvwxyz",
	}, extra...)
}

func (h *harness) newApp(extraEnv ...string) *ocean.App {
	app := h.bareApp(extraEnv...)
	app.OnResync("team", h.src.handler)
	app.OnResync("member", h.src.handler)
	return app
}

// bareApp is the shop integration without any handler.
func (h *harness) bareApp(extraEnv ...string) *ocean.App {
	return ocean.New(ocean.WithType("shop"), ocean.WithVersion("1.0.0"), ocean.WithDir(h.dir),
		ocean.WithEnviron(h.env(extraEnv...)), ocean.WithLogOutput(h.logs))
}

// once runs `sail --once` as a fresh process would, and returns its summary.
func (h *harness) once(extraEnv ...string) (*resync.Summary, error) {
	app := h.newApp(extraEnv...)
	zero := 0
	var table bytes.Buffer
	err := app.Sail(context.Background(), ocean.SailOptions{Once: true, Port: &zero, SummaryOut: &table})
	sum := app.LastSummary()
	if sum != nil {
		assert.Contains(h.t, table.String(), "EXTRACTED", "the summary table is printed")
	}
	return sum, err
}

func (h *harness) entities(bp string) map[string]map[string]any {
	h.t.Helper()
	es, err := h.port.Entities(bp)
	require.NoError(h.t, err)
	out := map[string]map[string]any{}
	for _, e := range es {
		out[e["identifier"].(string)] = e
	}
	return out
}

func kind(sum *resync.Summary, name string) resync.KindSummary {
	for _, k := range sum.Kinds {
		if k.Kind == name {
			return k
		}
	}
	return resync.KindSummary{}
}

func TestResyncCreatesThenFindsNothingChanged(t *testing.T) {
	h := newHarness(t)
	sum, err := h.once()
	require.NoError(t, err)
	require.Equal(t, resync.Completed, sum.Status)
	tot := sum.Totals()
	assert.Equal(t, 5, tot.Created)
	assert.Equal(t, 0, tot.Failed)
	members := h.entities("member")
	require.Len(t, members, 3)
	assert.Equal(t, "12345678901234567890", jsonText(t, members["cid"]["properties"].(map[string]any)["age"]), "big numbers stay exact")

	state := h.integration().ResyncState
	require.NotNil(t, state)
	assert.Equal(t, "completed", state.Status, "Port is told the resync completed")
	assert.NotNil(t, state.LastResyncStart)
	assert.NotNil(t, state.LastResyncEnd)

	sum, err = h.once()
	require.NoError(t, err)
	tot = sum.Totals()
	assert.Equal(t, [3]int{0, 0, 0}, [3]int{tot.Created, tot.Updated, tot.Deleted}, "second resync over the same data writes nothing")
	assert.Equal(t, 5, tot.Unchanged)
}

func TestResyncUpdatesAndDeletes(t *testing.T) {
	h := newHarness(t)
	_, err := h.once()
	require.NoError(t, err)

	h.src.set("member",
		map[string]any{"id": "ann", "name": "Ann", "email": "ann@shop.test", "age": 32, "team": "red"},
		map[string]any{"id": "bob", "name": "Bob", "email": "bob@shop.test", "age": 1.1, "team": "blue"},
	)
	sum, err := h.once()
	require.NoError(t, err)
	m := kind(sum, "member")
	assert.Equal(t, 1, m.Updated, "ann's age changed")
	assert.Equal(t, 1, m.Unchanged, "bob's 1.10 equals 1.1")
	assert.Equal(t, 1, m.Deleted, "cid disappeared from the source")
	members := h.entities("member")
	assert.NotContains(t, members, "cid")
	assert.Equal(t, "32", jsonText(t, members["ann"]["properties"].(map[string]any)["age"]))
	assert.Len(t, h.entities("team"), 2, "other kinds are untouched")
}

func TestSelectorFilteredItemsAreDeleted(t *testing.T) {
	h := newHarness(t)
	_, err := h.once()
	require.NoError(t, err)
	h.src.set("member",
		map[string]any{"id": "ann", "name": "Ann", "email": "ann@shop.test", "age": 31, "team": "red"},
		map[string]any{"id": "bob", "name": "Bob", "email": "bob@shop.test", "age": json.Number("1.10"), "team": "blue", "active": false},
		map[string]any{"id": "cid", "name": "Cid", "email": "cid@shop.test", "age": json.Number("12345678901234567890"), "team": "red"},
	)
	sum, err := h.once()
	require.NoError(t, err)
	assert.Equal(t, 1, kind(sum, "member").FilteredOut)
	assert.NotContains(t, h.entities("member"), "bob")
}

func TestThresholdKeepsABlueprintWhoseSourceWentEmpty(t *testing.T) {
	h := newHarness(t)
	_, err := h.once()
	require.NoError(t, err)
	h.src.set("member") // the source suddenly returns nothing
	h.src.set("team", map[string]any{"id": "red", "name": "Red"})

	sum, err := h.once()
	require.NoError(t, err, "a skipped deletion is not a failure")
	assert.Len(t, h.entities("member"), 3, "100% of members would go: over the 90% threshold, none deleted")
	assert.Contains(t, sum.Deletion, "member")
	// Teams: 1 of 2 stale = 50%, under the threshold: the other blueprint still reconciles.
	assert.NotContains(t, h.entities("team"), "blue")
	assert.Equal(t, 1, kind(sum, "team").Deleted)
}

func TestFailingKindSuppressesAllDeletion(t *testing.T) {
	h := newHarness(t)
	_, err := h.once()
	require.NoError(t, err)
	h.src.set("team", map[string]any{"id": "red", "name": "Red"}) // blue is stale
	h.src.mu.Lock()
	h.src.fail["member"] = errors.New("third-party API answered 500")
	h.src.mu.Unlock()

	sum, err := h.once()
	require.Error(t, err, "sail --once fails when a kind failed")
	assert.Contains(t, err.Error(), "third-party API answered 500")
	assert.Equal(t, resync.Failed, sum.Status)
	assert.Contains(t, h.entities("team"), "blue", "nothing is deleted when any kind failed")
	assert.Len(t, h.entities("member"), 3)
	assert.Contains(t, sum.Deletion, "nothing deleted")

	integ := h.integration()
	assert.Equal(t, "failed", integ.ResyncState.Status, "Port is told the resync failed")
}

// client talks to the harness's local Port as the shop integration.
func (h *harness) client() *port.Client {
	h.t.Helper()
	c, err := port.New(port.Config{BaseURL: h.port.URL(), ClientID: "x", ClientSecret: "y",
		UserAgent: port.UserAgent{Type: "shop", Version: "1.0.0", Identifier: "shop-test"}})
	require.NoError(h.t, err)
	return c
}

func (h *harness) integration() *port.Integration {
	h.t.Helper()
	integ, err := h.client().GetIntegration(context.Background())
	require.NoError(h.t, err)
	return integ
}

func TestNewerResyncAbortsOlder(t *testing.T) {
	h := newHarness(t)
	_, err := h.once()
	require.NoError(t, err)

	app := h.newApp("OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	zero := 0
	sailed := make(chan error, 1)
	go func() { sailed <- app.Sail(ctx, ocean.SailOptions{Port: &zero}) }()
	<-app.Ready()

	// The first resync blocks in the member handler; meanwhile cid disappears.
	gate, waiting := make(chan struct{}), make(chan struct{}, 1)
	h.src.mu.Lock()
	h.src.gate, h.src.waiting = gate, waiting
	h.src.mu.Unlock()
	h.src.set("member", map[string]any{"id": "ann", "name": "Ann", "email": "ann@shop.test", "age": 31, "team": "red"})
	first := make(chan *resync.Summary, 1)
	go func() {
		sum, _ := app.SyncRawAll(ctx)
		first <- sum
	}()
	select {
	case <-waiting: // the first resync is inside the member handler
	case <-time.After(10 * time.Second):
		t.Fatal("the first resync never reached the member handler")
	}

	h.src.mu.Lock()
	h.src.gate = nil
	h.src.mu.Unlock()
	second, err := app.SyncRawAll(ctx)
	require.NoError(t, err)
	old := <-first
	close(gate)

	assert.Equal(t, resync.Aborted, old.Status, "the older resync is aborted")
	assert.Equal(t, resync.Completed, second.Status)
	assert.Equal(t, 2, kind(second, "member").Deleted, "only the newest resync deletes")
	cancel()
	require.NoError(t, <-sailed)
}

func TestBadConfigFailsStartWithOneLine(t *testing.T) {
	h := newHarness(t)
	_, err := h.once("OCEAN__SEND_RAW_DATA_EXAMPLES=sometimes")
	require.Error(t, err)
	msg := err.Error()
	assert.NotContains(t, msg, "\n")
	for _, part := range []string{"OCEAN__SEND_RAW_DATA_EXAMPLES", "environment", "bool", "sometimes"} {
		assert.Contains(t, msg, part)
	}
}

// -i takes its value as the next argument, as in Ocean.
func TestInitializeFlagTakesAValue(t *testing.T) {
	h := newHarness(t)
	err := h.newApp().Execute(context.Background(), []string{"sail", "--once", "--port", "0", "-i", "maybe"})
	assert.ErrorContains(t, err, "want true or false")

	_ = h.newApp().Execute(context.Background(), []string{"sail", "--once", "--port", "0", "-i", "false"})
	_, err = h.client().GetBlueprint(context.Background(), "member")
	assert.ErrorIs(t, err, port.ErrNotFound, "-i false: no default blueprints")
}

func TestSecretsNeverReachLogs(t *testing.T) {
	h := newHarness(t)
	h.src.set("member", map[string]any{"id": "ann", "email": "ann@shop.test", "team": "red",
		"note": "pasted tok-abcdefghijklmnopqrstuvwxyz by mistake"})
	app := h.newApp("APPLICATION__LOG_LEVEL=DEBUG")
	app.OnStart(func(ctx context.Context) error {
		cfg, err := ocean.IntegrationConfig[map[string]any](ctx)
		if err != nil {
			return err
		}
		app.Logger().WithField("token", cfg["apiToken"]).Infof("calling the API with %s", cfg["apiToken"])
		return nil
	})
	zero := 0
	require.NoError(t, app.Sail(context.Background(), ocean.SailOptions{Once: true, Port: &zero, SummaryOut: &bytes.Buffer{}}))
	logs := h.logs.String()
	assert.Contains(t, logs, "calling the API with")
	examples, err := h.port.Examples("shop-test", "member")
	require.NoError(t, err)
	require.Len(t, examples, 1, "raw data examples are uploaded")
	assert.Equal(t, "pasted [REDACTED] by mistake", examples[0].(map[string]any)["note"], "and masked")
	for _, secret := range []string{"tok-abcdefghijklmnopqrstuvwxyz", "shop-secret-value-0123456789"} {
		assert.NotContains(t, logs, secret)
	}
}

// The error Run prints last goes where logs go: it is masked too.
func TestFinalErrorIsMasked(t *testing.T) {
	h := newHarness(t)
	h.src.fail["member"] = errors.New("GET https://api.shop.test/members?access_token=tok-abcdefghijklmnopqrstuvwxyz: 500")
	err := h.newApp().Execute(context.Background(), []string{"sail", "--once", "--port", "0"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "https://api.shop.test/members")
	assert.NotContains(t, err.Error(), "tok-abcdefghijklmnopqrstuvwxyz")
}

func TestMisconfiguredRequiredFieldIsReportedAsError(t *testing.T) {
	h := newHarness(t)
	h.src.set("member", map[string]any{"id": "ann", "name": "Ann", "team": "red"}) // no email: required
	sum, err := h.once()
	require.ErrorContains(t, err, "1 entity could not be written to Port", "the resync fails")
	assert.Equal(t, 1, sum.Totals().Failed, "Port refuses the entity without its required email")
	logs := h.logs.String()
	assert.Regexp(t, `level=error.*properties\.email`, logs)
}

func TestEmbeddedLocalPortByDefault(t *testing.T) {
	h := newHarness(t)
	run := func() *resync.Summary {
		app := ocean.New(ocean.WithType("shop"), ocean.WithVersion("1.0.0"), ocean.WithDir(h.dir),
			ocean.WithEnviron([]string{"OCEAN__INTEGRATION__CONFIG__API_TOKEN=t", "OCEAN__LOCAL_PORT__DIR=" + filepath.Join(h.dir, ".ocean")}),
			ocean.WithLogOutput(h.logs))
		app.OnResync("team", h.src.handler)
		app.OnResync("member", h.src.handler)
		zero := 0
		require.NoError(t, app.Sail(context.Background(), ocean.SailOptions{Once: true, Port: &zero, SummaryOut: &bytes.Buffer{}}))
		return app.LastSummary()
	}
	first := run()
	assert.Equal(t, 5, first.Totals().Created)
	assert.FileExists(t, filepath.Join(h.dir, ".ocean", "port.db"))
	assert.Contains(t, h.logs.String(), "embedded local Port")
	assert.NotContains(t, h.logs.String(), "console: http", "a run that exits at once does not offer the console")
	second := run()
	tot := second.Totals()
	assert.Equal(t, [3]int{0, 0, 0}, [3]int{tot.Created, tot.Updated, tot.Deleted})
}

// A sail that keeps running on the embedded local Port logs where its web console is.
func TestEmbeddedLocalPortLogsItsConsole(t *testing.T) {
	h := newHarness(t)
	app := ocean.New(ocean.WithType("shop"), ocean.WithVersion("1.0.0"), ocean.WithDir(h.dir),
		ocean.WithEnviron([]string{"OCEAN__INTEGRATION__CONFIG__API_TOKEN=t", "OCEAN__LOCAL_PORT__DIR=" + filepath.Join(h.dir, ".ocean")}),
		ocean.WithLogOutput(h.logs))
	app.OnResync("team", h.src.handler)
	app.OnResync("member", h.src.handler)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	zero := 0
	go func() { done <- app.Sail(ctx, ocean.SailOptions{Port: &zero, SummaryOut: &bytes.Buffer{}}) }()
	defer func() {
		cancel()
		require.NoError(t, <-done)
	}()
	line := regexp.MustCompile(`console: (http://127\.0\.0\.1:\d+/)`)
	require.Eventually(t, func() bool { return line.MatchString(h.logs.String()) }, 30*time.Second, 20*time.Millisecond)
	assert.Len(t, line.FindAllString(h.logs.String(), -1), 1, "one line")
	resp, err := http.Get(line.FindStringSubmatch(h.logs.String())[1])
	require.NoError(t, err)
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), "<title>Local Port console</title>")
	require.Eventually(t, func() bool { return app.LastSummary() != nil }, 30*time.Second, 20*time.Millisecond, "the first resync ends before the stop")
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// syncBuffer is a bytes.Buffer safe for concurrent writers (the logger).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// setMapping replaces the integration's mapping in Port, as a user editing it
// in Port's UI would; the next resync reads it.
func (h *harness) setMapping(yamlText string) {
	h.t.Helper()
	cfg, err := appconfig.Parse([]byte(yamlText))
	require.NoError(h.t, err)
	_, err = h.client().PatchIntegrationConfig(context.Background(), cfg, false)
	require.NoError(h.t, err)
}

// A member written before its new team fails, is retried after it, and the
// summary counts it created, not failed.
func TestRetriedUpsertsCountAsWritten(t *testing.T) {
	h := newHarness(t)
	_, err := h.once()
	require.NoError(t, err)
	reordered := strings.Replace(mappingYAML, "resources:", "createMissingRelatedEntities: false\nresources:", 1)
	team := reordered[strings.Index(reordered, "  - kind: team"):strings.Index(reordered, "  - kind: member")]
	h.setMapping(strings.Replace(reordered, team, "", 1) + team)
	h.src.set("team", map[string]any{"id": "red", "name": "Red"}, map[string]any{"id": "blue", "name": "Blue"},
		map[string]any{"id": "green", "name": "Green"})
	h.src.set("member",
		map[string]any{"id": "ann", "name": "Ann", "email": "ann@shop.test", "age": 31, "team": "red"},
		map[string]any{"id": "bob", "name": "Bob", "email": "bob@shop.test", "age": json.Number("1.10"), "team": "blue"},
		map[string]any{"id": "cid", "name": "Cid", "email": "cid@shop.test", "age": json.Number("12345678901234567890"), "team": "red"},
		map[string]any{"id": "dan", "name": "Dan", "email": "dan@shop.test", "age": 40, "team": "green"},
	)
	sum, err := h.once()
	require.NoError(t, err)
	member := kind(sum, "member")
	assert.Equal(t, [2]int{1, 0}, [2]int{member.Created, member.Failed}, "%+v", member)
	assert.Contains(t, h.entities("member"), "dan")
	assert.NotContains(t, h.logs.String(), "level=error", "a refusal the retry recovered is no error")
}

func TestItemsToParseAndSearchQueryRelations(t *testing.T) {
	h := newHarness(t)
	_, err := h.once()
	require.NoError(t, err)
	h.setMapping(`
resources:
  - kind: team
    selector: {query: 'true'}
    port:
      entity:
        mappings: {identifier: .id, title: .name, blueprint: '"team"', properties: {name: .name}}
  - kind: team
    selector: {query: 'true', onlyAdults: true}
    port:
      itemsToParse: .roster
      itemsToParseName: player
      entity:
        mappings:
          identifier: .player.id
          blueprint: '"member"'
          properties: {email: .player.email, age: '.roster | length'}
          relations:
            team:
              combinator: '"and"'
              rules:
                - {property: '"$identifier"', operator: '"="', value: .id}
`)
	h.src.set("team",
		map[string]any{"id": "red", "name": "Red", "roster": []any{
			map[string]any{"id": "zed", "email": "zed@shop.test"},
			map[string]any{"id": "yan", "email": "yan@shop.test"},
		}},
		map[string]any{"id": "blue", "name": "Blue", "roster": []any{}},
	)
	h.src.set("member")

	app := h.newApp()
	var selectors []bool
	var mu sync.Mutex
	app.OnResync("team", func(ctx context.Context, kind string) iter.Seq2[[]any, error] {
		rc, ok := ocean.ResourceConfig(ctx)
		require.True(t, ok)
		mu.Lock()
		selectors = append(selectors, rc.Selector.Extra["onlyAdults"] == true)
		mu.Unlock()
		return func(func([]any, error) bool) {} // the source handler already yields the teams
	})
	var hooks []string
	app.OnResyncStart(func(context.Context) error { hooks = append(hooks, "start"); return nil })
	app.OnResyncComplete(func(context.Context) error { hooks = append(hooks, "complete"); return nil })
	zero := 0
	require.NoError(t, app.Sail(context.Background(), ocean.SailOptions{Once: true, Port: &zero, SummaryOut: &bytes.Buffer{}}))
	sum := app.LastSummary()

	assert.Equal(t, []bool{false, true}, selectors, "handlers see their resource's integration-specific selector fields")
	assert.Equal(t, []string{"start", "complete"}, hooks)
	assert.Equal(t, 2, sum.Kinds[1].Extracted, "one item per roster entry")
	members := h.entities("member")
	require.Contains(t, members, "zed")
	require.Contains(t, members, "yan")
	assert.Equal(t, "red", members["zed"]["relations"].(map[string]any)["team"], "Port resolved the search-query relation")
	assert.Equal(t, "0", jsonText(t, members["zed"]["properties"].(map[string]any)["age"]),
		"the top-level transform drops the parsed list from the parent (length of null is 0)")
	assert.NotContains(t, members, "ann", "the old members were reconciled away")
}

func TestHTTPRoutesHealthMetricsAndPrefix(t *testing.T) {
	h := newHarness(t)
	app := h.newApp("OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY", "OCEAN__PATH_PREFIX=/shop")
	app.Router().GET("/whoami", func(c *gin.Context) {
		ev := oceanctx.EventFrom(c.Request.Context())
		cfg, err := ocean.IntegrationConfig[map[string]any](c.Request.Context())
		if ev == nil || err != nil {
			c.String(http.StatusInternalServerError, "no event or config")
			return
		}
		c.JSON(http.StatusOK, gin.H{"event": ev.Type, "pageSize": cfg["pageSize"]})
	})
	ctx, cancel := context.WithCancel(context.Background())
	zero := 0
	done := make(chan error, 1)
	go func() { done <- app.Sail(ctx, ocean.SailOptions{Port: &zero}) }()
	<-app.Ready()

	get := func(path string) (int, string) {
		resp, err := http.Get(app.URL() + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	status, body := get("/shop/health/live")
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"status":"healthy","check":"live","core_version":"`+ocean.Version+`"}`, body)
	status, body = get("/shop/integration/whoami")
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"event":"http_request","pageSize":2}`, body, "integration routes run in an event with the integration config")
	status, body = get("/shop/metrics")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "go_goroutines")
	status, _ = get("/health/live")
	assert.Equal(t, http.StatusNotFound, status, "routes live under the prefix")

	_, err := app.SyncRawAll(ctx)
	require.NoError(t, err)
	_, body = get("/shop/metrics")
	assert.Contains(t, body, `success{kind="__runtime__",phase="resync"} 1`)
	assert.Contains(t, body, `object_count{kind="member-1",object_count_type="loaded",phase="load"} 3`)

	require.ErrorContains(t, app.Sail(ctx, ocean.SailOptions{Port: &zero}), "sails once")
	cancel()
	require.NoError(t, <-done)
}

func TestScheduledResync(t *testing.T) {
	h := newHarness(t)
	app := h.newApp("OCEAN__EVENT_LISTENER__TYPE=POLLING", "OCEAN__EVENT_LISTENER__RESYNC_ON_START=false",
		"OCEAN__EVENT_LISTENER__INTERVAL=3600", "OCEAN__SCHEDULED_RESYNC_INTERVAL=300ms")
	ctx, cancel := context.WithCancel(context.Background())
	zero := 0
	done := make(chan error, 1)
	go func() { done <- app.Sail(ctx, ocean.SailOptions{Port: &zero, SummaryOut: io.Discard}) }()
	<-app.Ready()
	require.Eventually(t, func() bool {
		sum := app.LastSummary()
		return sum != nil && sum.Status == resync.Completed
	}, 10*time.Second, 20*time.Millisecond, "a scheduled resync ran")
	assert.Len(t, h.entities("member"), 3)
	state := h.integration().ResyncState
	require.NotNil(t, state.NextResync, "Port is told when the next scheduled resync is")
	next, err := time.Parse(time.RFC3339Nano, *state.NextResync)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), next, 2*time.Second)
	cancel()
	require.NoError(t, <-done)
}

// A listener resync superseded by a newer one does not report "aborted" over
// the newer one's "running".
func TestSupersededResyncLeavesTheStateToTheNewer(t *testing.T) {
	h := newHarness(t)
	app := h.bareApp("OCEAN__EVENT_LISTENER__TYPE=POLLING", "OCEAN__EVENT_LISTENER__RESYNC_ON_START=true",
		"OCEAN__EVENT_LISTENER__INTERVAL=3600", "OCEAN__SCHEDULED_RESYNC_INTERVAL=300ms")
	var calls atomic.Int32
	second, release := make(chan struct{}), make(chan struct{})
	app.OnResyncAll(handlers.List(func(ctx context.Context, _ string) ([]any, error) {
		switch calls.Add(1) {
		case 1: // the resync on start runs until the scheduled one supersedes it
			<-ctx.Done()
			return nil, ctx.Err()
		case 2:
			close(second)
			<-release
		}
		return nil, nil
	}))
	ctx, cancel := context.WithCancel(context.Background())
	zero := 0
	done := make(chan error, 1)
	go func() { done <- app.Sail(ctx, ocean.SailOptions{Port: &zero, SummaryOut: io.Discard}) }()
	<-second
	require.Eventually(t, func() bool {
		sum := app.LastSummary()
		return sum != nil && sum.Status == resync.Aborted
	}, 10*time.Second, 10*time.Millisecond, "the resync on start was superseded")
	assert.Never(t, func() bool { return h.integration().ResyncState.Status != "running" },
		500*time.Millisecond, 20*time.Millisecond, "Port shows the newer resync running")
	close(release)
	require.Eventually(t, func() bool { return h.integration().ResyncState.Status == "completed" }, 10*time.Second, 10*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
}

// A resources path that does not exist falls back to .port/resources, as in
// Ocean, with a warning naming it.
func TestMissingResourcesPathFallsBack(t *testing.T) {
	h := newHarness(t)
	_, err := h.once("OCEAN__RESOURCES_PATH=no-such-dir")
	require.NoError(t, err)
	assert.Len(t, h.entities("member"), 3, "the default blueprints and mapping were used")
	assert.Contains(t, h.logs.String(), "no-such-dir")
}

// Run from a directory without .port, an integration says so, and leaves
// the defaults for a start that has them.
func TestStartOutsideTheIntegrationDirectory(t *testing.T) {
	h := newHarness(t)
	app := ocean.New(ocean.WithType("shop"), ocean.WithVersion("1.0.0"), ocean.WithDir(t.TempDir()),
		ocean.WithEnviron(h.env()), ocean.WithLogOutput(h.logs))
	app.OnResync("member", h.src.handler)
	zero := 0
	err := app.Sail(context.Background(), ocean.SailOptions{Once: true, Port: &zero, SummaryOut: io.Discard})
	require.Error(t, err, "no mapping in Port")
	assert.Contains(t, h.logs.String(), "No .port directory here")
	assert.False(t, h.integration().ArePortResourcesInitialized)

	_, err = h.once() // from the integration's directory
	require.NoError(t, err)
	assert.Len(t, h.entities("member"), 3)
}

// Listeners ocean-go does not have yet are refused before Port is told to
// use them.
// A port the user gives is honoured, and a taken one fails clearly, with
// --once too.
func TestBusyHTTPPortFailsStart(t *testing.T) {
	busy := busyPort(t)
	for _, tc := range []struct {
		name string
		env  []string
		so   ocean.SailOptions
	}{
		{"--port", nil, ocean.SailOptions{Once: true, Port: &busy}},
		{"APPLICATION__PORT", []string{"APPLICATION__PORT=" + strconv.Itoa(busy)}, ocean.SailOptions{Once: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			err := h.newApp(tc.env...).Sail(context.Background(), tc.so)
			require.Error(t, err)
			assert.ErrorContains(t, err, fmt.Sprintf("listen on port %d (APPLICATION__PORT, --port)", busy))
			assert.ErrorIs(t, err, syscall.EADDRINUSE)
		})
	}
}

// busyPort is a port the test holds on 127.0.0.1 until it ends.
func busyPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

// Without a port given, --once needs no fixed address: it serves on a free
// port of the loopback interface (its own handlers may call its routes), and
// says where.
func TestOnceServesOnAFreeLoopbackPort(t *testing.T) {
	h := newHarness(t)
	app := h.newApp()
	var url string
	var status int
	app.OnStart(func(ctx context.Context) error {
		url = app.URL()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/health/live", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		status = resp.StatusCode
		return resp.Body.Close()
	})
	require.NoError(t, app.Sail(context.Background(), ocean.SailOptions{Once: true, SummaryOut: io.Discard}))
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, url)
	assert.NotEqual(t, "http://127.0.0.1:8000", url, "not Ocean's fixed port")
	assert.Equal(t, http.StatusOK, status, "the routes are served")
	assert.Contains(t, h.logs.String(), `address="127.0.0.1:`+strings.TrimPrefix(url, "http://127.0.0.1:")+`"`,
		"the log says where it listens")
}

// Checks that need neither the network nor Port come first: a misconfigured
// App fails with its own error, not with what binding or calling Port would
// have said, and nothing was started.
func TestChecksRunBeforeAnythingStarts(t *testing.T) {
	busy := strconv.Itoa(busyPort(t))
	for _, tc := range []struct {
		name    string
		handler bool
		env     []string
		want    string
	}{
		{"no resync handler", false, nil, "no resync handler registered"},
		{"no resync handler under ONCE", false, []string{"OCEAN__EVENT_LISTENER__TYPE=ONCE"}, "no resync handler registered"},
		{"ACTIONS_ONLY without an executor", true, []string{"OCEAN__EVENT_LISTENER__TYPE=ACTIONS_ONLY"},
			"the ACTIONS_ONLY event listener needs an action executor: register one with OnAction"},
		{"unknown listener", true, []string{"OCEAN__EVENT_LISTENER__TYPE=NOPE"}, "OCEAN__EVENT_LISTENER__TYPE (environment): expected one of"},
		{"bad setting", true, []string{"OCEAN__CLIENT_TIMEOUT=soon"}, "OCEAN__CLIENT_TIMEOUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			requests := h.countRequests()
			app := h.bareApp(append(tc.env, "APPLICATION__PORT="+busy)...)
			if tc.handler {
				app.OnResyncAll(h.src.handler)
			}
			err := app.Sail(context.Background(), ocean.SailOptions{})
			require.ErrorContains(t, err, tc.want)
			assert.NotErrorIs(t, err, syscall.EADDRINUSE)
			assert.Zero(t, requests(), "Port received no request")
			assert.Empty(t, app.URL(), "no HTTP server started")
		})
	}
}

// countRequests replaces the harness's Port with one that counts the requests
// it serves (from its request log).
func (h *harness) countRequests() func() int {
	log, hook := logtest.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	h.port = localporttest.Start(h.t, func(o *localport.Options) { o.Logger = log })
	return func() int {
		n := 0
		for _, e := range hook.AllEntries() {
			if e.Message == "local port request" {
				n++
			}
		}
		return n
	}
}

// The ctx OnStart hooks get lives as long as the App, so that a hook can start
// background work on it; it ends when the App shuts down.
func TestStartHookContextLivesAsLongAsTheApp(t *testing.T) {
	h := newHarness(t)
	app := h.newApp("OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY")
	returned, cancelled := make(chan struct{}), make(chan struct{})
	var hookCtx context.Context
	app.OnStart(func(ctx context.Context) error {
		defer close(returned)
		hookCtx = ctx
		go func() {
			<-ctx.Done()
			close(cancelled)
		}()
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sailed := make(chan error, 1)
	go func() { sailed <- app.Sail(ctx, ocean.SailOptions{Port: new(int)}) }()
	<-returned
	assert.Never(t, func() bool {
		select {
		case <-cancelled:
			return true
		default:
			return false
		}
	}, 300*time.Millisecond, 10*time.Millisecond, "the hook's ctx outlives the hook")
	assert.NoError(t, hookCtx.Err())
	assert.Equal(t, oceanctx.Start, oceanctx.EventFrom(hookCtx).Type, "the hook runs in the start event")

	cancel()
	require.NoError(t, <-sailed)
	select {
	case <-cancelled:
	default:
		t.Fatal("the hook's ctx is still alive after the App stopped")
	}
}
