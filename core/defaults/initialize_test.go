package defaults

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
)

// recorder notes every request the client sends to the local Port, so tests
// can say which writes an initialisation made.
type recorder struct {
	mu    sync.Mutex
	calls []string
	// raced calls ("POST /v1/integration") are first sent once more, unrecorded,
	// as if another instance had made the same call just before.
	raced map[string]bool
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	call := req.Method + " " + req.URL.Path
	r.mu.Lock()
	r.calls = append(r.calls, call)
	raced := r.raced[call]
	r.mu.Unlock()
	if raced {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		first := req.Clone(req.Context())
		first.Body = io.NopCloser(bytes.NewReader(body))
		resp, err := http.DefaultTransport.RoundTrip(first)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	return http.DefaultTransport.RoundTrip(req)
}

// writes returns the non-GET calls (but not the token call) since the last reset.
func (r *recorder) writes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.calls {
		if !strings.HasPrefix(c, "GET ") && !strings.HasSuffix(c, "/auth/access_token") {
			out = append(out, c)
		}
	}
	return out
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.calls = nil
	r.mu.Unlock()
}

type env struct {
	srv *localport.Server
	rec *recorder
}

func newEnv(t *testing.T, opts ...func(*localport.Options)) *env {
	return &env{srv: localporttest.Start(t, opts...), rec: &recorder{}}
}

// client is a fresh client (no caches) of integration id.
func (e *env) client(t *testing.T, id string) *port.Client {
	t.Helper()
	c, err := port.New(port.Config{
		BaseURL:      e.srv.URL(),
		ClientID:     "id",
		ClientSecret: "secret",
		UserAgent:    port.UserAgent{Type: "fake", Version: "1.0.0", Identifier: id},
		HTTPClient:   &http.Client{Transport: e.rec, Timeout: 10 * time.Second},
		Retry:        port.RetryPolicy{MaxRetries: -1},
	})
	require.NoError(t, err)
	return c
}

func quiet() logrus.FieldLogger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

func params(id string) Params {
	return Params{Identifier: id, Type: "fake", Version: "1.0.0", InitializePortResources: true}
}

func loadTestdata(t *testing.T) *Resources {
	t.Helper()
	res, err := Load(filepath.Join("testdata", "resources"))
	require.NoError(t, err)
	return res
}

func (e *env) initialize(t *testing.T, p Params, res *Resources) error {
	t.Helper()
	return Initialize(context.Background(), e.client(t, p.Identifier), p, res, quiet())
}

func (e *env) integration(t *testing.T, id string) *port.Integration {
	t.Helper()
	integ, err := e.client(t, id).GetIntegration(context.Background())
	require.NoError(t, err)
	return integ
}

func (e *env) blueprint(t *testing.T, id string) *port.Blueprint {
	t.Helper()
	bp, err := e.client(t, "any").GetBlueprint(context.Background(), id)
	if err != nil {
		require.ErrorIs(t, err, port.ErrNotFound)
		return nil
	}
	return bp
}

func configOf(t *testing.T, integ *port.Integration) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(integ.Config, &m))
	return m
}

func TestFirstStartCreatesIntegrationAndDefaults(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, e.initialize(t, params("first"), loadTestdata(t)))

	integ := e.integration(t, "first")
	assert.Equal(t, "fake", integ.InstallationAppType)
	assert.Equal(t, "1.0.0", integ.Version)
	assert.Equal(t, OriginDefault, integ.CreatePortResourcesOrigin)
	assert.True(t, integ.ArePortResourcesInitialized)
	config := configOf(t, integ)
	assert.Equal(t, false, config["createMissingRelatedEntities"], "the file's value")
	assert.Equal(t, true, config["deleteDependentEntities"], "Ocean's default")
	assert.Len(t, config["resources"], 1)

	// service-like relates to team-like: the staged creation resolved it and
	// the last stage added the mirror property on that relation.
	svc := e.blueprint(t, "service-like")
	require.NotNil(t, svc)
	assert.Equal(t, "team-like", svc.Relations["team"].Target)
	assert.Contains(t, svc.MirrorProperties, "teamSize")
	require.NotNil(t, e.blueprint(t, "team-like"))

	assert.Equal(t, []string{
		"POST /v1/integration",
		"POST /v1/blueprints", "POST /v1/blueprints",
		"PATCH /v1/blueprints/team-like", "PATCH /v1/blueprints/service-like",
		"PATCH /v1/blueprints/team-like", "PATCH /v1/blueprints/service-like",
		"POST /v1/actions",
		"POST /v1/blueprints/service-like/scorecards",
		"POST /v1/pages",
		"PATCH /v1/integration/first",
	}, e.rec.writes())
}

func TestSecondStartChangesNothing(t *testing.T) {
	e := newEnv(t)
	res := loadTestdata(t)
	p := params("again")
	p.ProcessingMode = "ocean-core" // as the App sends it
	require.NoError(t, e.initialize(t, p, res))
	before := e.integration(t, "again")
	assert.Equal(t, "ocean-core", before.ProcessingMode, "sent at create")

	e.rec.reset()
	require.NoError(t, e.initialize(t, p, res))
	assert.Empty(t, e.rec.writes())
	assert.Equal(t, before.UpdatedAt, e.integration(t, "again").UpdatedAt)
}

// Two instances with the same identifier starting against a fresh Port: the
// one that loses the race to create the integration and the blueprints finds
// them created and goes on (Ocean fails with 409).
func TestConcurrentFirstStart(t *testing.T) {
	e := newEnv(t)
	e.rec.raced = map[string]bool{"POST /v1/integration": true, "POST /v1/blueprints": true}
	p := params("twins")
	p.ProcessingMode = "ocean-core"
	require.NoError(t, e.initialize(t, p, loadTestdata(t)))

	integ := e.integration(t, "twins")
	assert.True(t, integ.ArePortResourcesInitialized)
	assert.Len(t, configOf(t, integ)["resources"], 1)
	svc := e.blueprint(t, "service-like")
	require.NotNil(t, svc, "a blueprint the other instance created is kept, not rolled back")
	assert.Equal(t, "team-like", svc.Relations["team"].Target)
	assert.Contains(t, svc.MirrorProperties, "teamSize", "the staged creation went on")

	e.rec.raced = nil
	e.rec.reset()
	require.NoError(t, e.initialize(t, p, loadTestdata(t)))
	assert.Empty(t, e.rec.writes(), "and the next start finds everything aligned")
}

// Both starts really at once, as two replicas of a new deployment would.
func TestSimultaneousFirstStarts(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { errs[i] = e.initialize(t, params("pair"), loadTestdata(t)) })
	}
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "start %d", i)
	}
	assert.True(t, e.integration(t, "pair").ArePortResourcesInitialized)
	assert.NotNil(t, e.blueprint(t, "service-like"))
}

// A start without default resources (run from the wrong directory, say)
// leaves them uninitialised, so that a later start still installs them.
func TestNoDefaultsLeaveResourcesUninitialised(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, e.initialize(t, params("bare"), &Resources{}))
	assert.False(t, e.integration(t, "bare").ArePortResourcesInitialized)

	require.NoError(t, e.initialize(t, params("bare"), loadTestdata(t)))
	integ := e.integration(t, "bare")
	assert.True(t, integ.ArePortResourcesInitialized)
	assert.Len(t, configOf(t, integ)["resources"], 1, "the default mapping was written")
	assert.NotNil(t, e.blueprint(t, "service-like"))
}

func TestChangedFieldsArePatchedOnce(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Params)
	}{
		{"version", func(p *Params) { p.Version = "1.1.0" }},
		{"changelog destination", func(p *Params) { p.ChangelogDestination = map[string]any{"type": "KAFKA"} }},
		{"incremental sync", func(p *Params) { p.IncrementalSyncEnabled = true }},
		{"actions processing", func(p *Params) { p.ActionsProcessingEnabled = true }},
		{"processing mode", func(p *Params) { p.ProcessingMode = "ocean-core" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			require.NoError(t, e.initialize(t, params("changing"), nil))
			p := params("changing")
			tt.change(&p)

			e.rec.reset()
			require.NoError(t, e.initialize(t, p, nil))
			assert.Equal(t, []string{"PATCH /v1/integration/changing"}, e.rec.writes())

			e.rec.reset()
			require.NoError(t, e.initialize(t, p, nil))
			assert.Empty(t, e.rec.writes(), "aligned: the next start patches nothing")
		})
	}
}

func TestExistingBlueprintSkipsCreation(t *testing.T) {
	e := newEnv(t)
	_, err := e.client(t, "x").CreateBlueprint(context.Background(), map[string]any{
		"identifier": "team-like", "title": "Made by hand", "schema": map[string]any{"properties": map[string]any{}},
	})
	require.NoError(t, err)

	e.rec.reset()
	require.NoError(t, e.initialize(t, params("skipping"), loadTestdata(t)))
	assert.Equal(t, []string{"POST /v1/integration", "PATCH /v1/integration/skipping"}, e.rec.writes())
	assert.Equal(t, "Made by hand", e.blueprint(t, "team-like").Title)
	assert.Nil(t, e.blueprint(t, "service-like"))
	integ := e.integration(t, "skipping")
	assert.True(t, integ.ArePortResourcesInitialized)
	assert.True(t, integ.HasConfig(), "the mapping is written all the same")
}

func TestBlueprintFailureRollsBack(t *testing.T) {
	prop := map[string]any{"type": "string"}
	bp := func(id string, props map[string]any, rels map[string]any) map[string]any {
		m := map[string]any{"identifier": id, "title": id, "schema": map[string]any{"properties": props}}
		if rels != nil {
			m["relations"] = rels
		}
		return m
	}
	tests := []struct {
		name       string
		blueprints []map[string]any
		want       string // in the error
		writes     []string
	}{
		{
			name: "invalid schema in stage 1",
			blueprints: []map[string]any{
				bp("rb-one", map[string]any{"a": prop}, nil),
				bp("rb-two", map[string]any{"b": map[string]any{"type": "nope"}}, nil),
			},
			want: "create blueprint rb-two",
			writes: []string{
				"POST /v1/blueprints", "POST /v1/blueprints",
				"DELETE /v1/blueprints/rb-one",
				"PATCH /v1/integration/rolling",
			},
		},
		{
			name: "unknown relation target in stage 2",
			blueprints: []map[string]any{
				bp("rb-one", map[string]any{"a": prop}, nil),
				bp("rb-two", map[string]any{"b": prop}, map[string]any{
					"one":   map[string]any{"target": "rb-one", "required": false, "many": false},
					"ghost": map[string]any{"target": "rb-ghost", "required": false, "many": false},
				}),
			},
			want: "add relations to blueprint rb-two",
			writes: []string{
				"POST /v1/blueprints", "POST /v1/blueprints",
				"PATCH /v1/blueprints/rb-one", "PATCH /v1/blueprints/rb-two",
				"DELETE /v1/blueprints/rb-two", "DELETE /v1/blueprints/rb-one",
				"PATCH /v1/integration/rolling",
			},
		},
		{
			name: "relations between the created blueprints are undone in order",
			blueprints: []map[string]any{
				bp("rb-two", map[string]any{"b": prop}, map[string]any{
					"one": map[string]any{"target": "rb-one", "required": false, "many": false},
				}),
				bp("rb-one", map[string]any{"a": prop}, nil),
				bp("rb-three", map[string]any{"c": prop}, map[string]any{
					"ghost": map[string]any{"target": "rb-ghost", "required": false, "many": false},
				}),
			},
			want: "add relations to blueprint rb-three",
			writes: []string{
				"POST /v1/blueprints", "POST /v1/blueprints", "POST /v1/blueprints",
				"PATCH /v1/blueprints/rb-two", "PATCH /v1/blueprints/rb-one", "PATCH /v1/blueprints/rb-three",
				// rb-one is still rb-two's target on the first pass.
				"DELETE /v1/blueprints/rb-three", "DELETE /v1/blueprints/rb-one", "DELETE /v1/blueprints/rb-two",
				"DELETE /v1/blueprints/rb-one",
				"PATCH /v1/integration/rolling",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			require.NoError(t, e.initialize(t, Params{Identifier: "rolling", Type: "fake", Version: "1", InitializePortResources: true}, nil))
			// The integration exists but is not initialised yet.
			_, err := e.client(t, "rolling").PatchIntegration(context.Background(), map[string]any{"arePortResourcesInitialized": false})
			require.NoError(t, err)

			e.rec.reset()
			err = e.initialize(t, Params{Identifier: "rolling", Type: "fake", Version: "1", InitializePortResources: true},
				&Resources{Blueprints: tt.blueprints})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Equal(t, tt.writes, e.rec.writes())
			for _, b := range tt.blueprints {
				assert.Nil(t, e.blueprint(t, b["identifier"].(string)), "%s rolled back", b["identifier"])
			}
			assert.True(t, e.integration(t, "rolling").ArePortResourcesInitialized, "marked initialised after a rollback too")
		})
	}
}

func TestOriginEmpty(t *testing.T) {
	e := newEnv(t)
	p := params("empty")
	p.Origin = OriginEmpty
	require.NoError(t, e.initialize(t, p, loadTestdata(t)))

	integ := e.integration(t, "empty")
	assert.Equal(t, OriginEmpty, integ.CreatePortResourcesOrigin)
	assert.True(t, integ.ArePortResourcesInitialized)
	assert.Equal(t, []any{}, configOf(t, integ)["resources"], "the empty mapping")
	assert.Nil(t, e.blueprint(t, "team-like"), "no default blueprints")
	assert.Equal(t, []string{"POST /v1/integration", "PATCH /v1/integration/empty"}, e.rec.writes())
}

func TestOriginResolution(t *testing.T) {
	tests := []struct {
		name       string
		flags      []string
		configured string
		want       string
	}{
		{"unset without Port support falls back to Default", nil, "", OriginDefault},
		{"Port without Port support falls back to Default", []string{provisionedDefaultsFlag}, OriginPort, OriginDefault},
		{"Ocean is the legacy name of Default", nil, OriginOcean, OriginDefault},
		{"Empty", nil, OriginEmpty, OriginEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *localport.Options) { o.FeatureFlags = tt.flags })
			p := params("origin")
			p.Origin = tt.configured
			require.NoError(t, e.initialize(t, p, nil))
			assert.Equal(t, tt.want, e.integration(t, "origin").CreatePortResourcesOrigin)

			// The stored origin wins over a later configuration.
			p.Origin = OriginEmpty
			require.NoError(t, e.initialize(t, p, nil))
			assert.Equal(t, tt.want, e.integration(t, "origin").CreatePortResourcesOrigin)
		})
	}
	_, err := resolveOrigin(context.Background(), nil, "", "Elsewhere", "fake", quiet())
	assert.ErrorContains(t, err, `unknown createPortResourcesOrigin "Elsewhere"`)
}

func TestOriginPortWaitsForTheMapping(t *testing.T) {
	old := provisionPoll
	provisionPoll.first, provisionPoll.max, provisionPoll.tries = 10*time.Millisecond, 20*time.Millisecond, 50
	t.Cleanup(func() { provisionPoll = old })

	e := newEnv(t)
	c := e.client(t, "provisioned")
	_, err := c.CreateIntegration(context.Background(), port.CreateIntegrationRequest{
		InstallationAppType: "fake", Version: "1.0.0", CreatePortResourcesOrigin: OriginPort,
	})
	require.NoError(t, err)
	// Port provisions the mapping a moment later.
	go func() {
		time.Sleep(50 * time.Millisecond)
		_, _ = c.PatchIntegrationConfig(context.Background(), map[string]any{"resources": []any{}}, true)
	}()
	require.NoError(t, e.initialize(t, params("provisioned"), loadTestdata(t)))
	assert.True(t, e.integration(t, "provisioned").HasConfig())
	assert.Nil(t, e.blueprint(t, "team-like"), "Port provisions; nothing is created from files")

	// Without provisioning the wait is bounded.
	provisionPoll.tries = 2
	_, err = c.CreateIntegration(context.Background(), port.CreateIntegrationRequest{
		InstallationID: "never", InstallationAppType: "fake", Version: "1.0.0", CreatePortResourcesOrigin: OriginPort,
	})
	require.NoError(t, err)
	err = e.initialize(t, params("never"), nil)
	assert.ErrorContains(t, err, "did not provision")
}

func TestDefaultsOnExistingIntegration(t *testing.T) {
	e := newEnv(t)
	// An integration created elsewhere, without a mapping or resources.
	_, err := e.client(t, "bare").CreateIntegration(context.Background(), port.CreateIntegrationRequest{
		InstallationAppType: "fake", Version: "1.0.0", CreatePortResourcesOrigin: OriginDefault,
	})
	require.NoError(t, err)

	e.rec.reset()
	require.NoError(t, e.initialize(t, params("bare"), loadTestdata(t)))
	writes := e.rec.writes()
	assert.Equal(t, "PATCH /v1/integration/bare/config", writes[0], "the default mapping, first")
	assert.Equal(t, "PATCH /v1/integration/bare", writes[len(writes)-1])
	assert.Len(t, configOf(t, e.integration(t, "bare"))["resources"], 1)
	assert.NotNil(t, e.blueprint(t, "service-like"))
}

func TestInitializePortResourcesOff(t *testing.T) {
	e := newEnv(t)
	p := params("hands-off")
	p.InitializePortResources = false
	require.NoError(t, e.initialize(t, p, loadTestdata(t)))
	assert.Equal(t, []string{"POST /v1/integration"}, e.rec.writes())
	assert.Nil(t, e.blueprint(t, "team-like"))
	assert.True(t, e.integration(t, "hands-off").HasConfig(), "created with the default mapping")
}

func TestInitializeRefuses(t *testing.T) {
	e := newEnv(t)
	p := params("strict")
	p.Version = ""
	assert.ErrorContains(t, e.initialize(t, p, nil), "needs the integration's version")

	require.NoError(t, e.initialize(t, params("strict"), nil))
	p = params("strict")
	p.Runtime = "Saas"
	err := e.initialize(t, p, nil)
	assert.ErrorContains(t, err, `installed as "OnPrem" and cannot run with runtime "Saas"`)
}

func TestCheckRuntime(t *testing.T) {
	tests := []struct {
		runtime, installation string
		ok                    bool
	}{
		{"", "", true},
		{"OnPrem", "OnPrem", true},
		{"", "OnPrem", true},
		{"Saas", "SaasOauth", true},
		{"Saas", "Saas", true},
		{"Saas", "OnPrem", false},
		{"Saas", "", false},
		{"OnPrem", "SaasOauth", false},
	}
	for _, tt := range tests {
		err := checkRuntime(tt.runtime, tt.installation)
		assert.Equal(t, tt.ok, err == nil, "runtime %q, installation %q: %v", tt.runtime, tt.installation, err)
	}
}

func TestRequestMappingKeepsIntegrationKeys(t *testing.T) {
	got := requestMapping(map[string]any{"resources": []any{"r"}, "myIntegrationKey": "v", "enableMergeEntity": false})
	want := map[string]any{
		"deleteDependentEntities": true, "createMissingRelatedEntities": true, "enableMergeEntity": false,
		"entityDeletionThreshold": 0.9, "resources": []any{"r"}, "myIntegrationKey": "v",
	}
	assert.Equal(t, want, got)
	assert.Equal(t, []any{}, requestMapping(nil)["resources"])
	assert.Equal(t, true, mappingDefaults["enableMergeEntity"], "the defaults are not changed")
}

func TestApplyMappingFile(t *testing.T) {
	e := newEnv(t)
	res := loadTestdata(t)
	require.NoError(t, e.initialize(t, params("local"), res))
	c := e.client(t, "local")

	applied, err := ApplyMappingFile(context.Background(), c, res)
	require.NoError(t, err)
	assert.False(t, applied, "Port has the file's mapping already")

	res.PortAppConfig = maps.Clone(res.PortAppConfig)
	res.PortAppConfig["entityDeletionThreshold"] = json.Number("0.5")
	applied, err = ApplyMappingFile(context.Background(), c, res)
	require.NoError(t, err)
	assert.True(t, applied, "the edited file is written")
	assert.EqualValues(t, 0.5, configOf(t, e.integration(t, "local"))["entityDeletionThreshold"])

	applied, err = ApplyMappingFile(context.Background(), c, res)
	require.NoError(t, err)
	assert.False(t, applied)
}
