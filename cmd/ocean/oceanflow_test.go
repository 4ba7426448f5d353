package main

// These tests replay, call by call, what Python Ocean (port-ocean 0.48) sends
// to Port during startup and a full resync, as port-api.md §5 describes it,
// against `ocean port serve` started in-process. They use plain net/http and
// encoding/json on purpose: the server must work for a client that was not
// written against it, so our own Port client is not involved.

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The integration Ocean runs as.
const (
	integrationType    = "github"
	integrationVersion = "0.1.9"
	integrationID      = "my-github-integration"
	oceanCoreVersion   = "0.48.12"
	oceanClientID      = "ocean-client"
	oceanClientSecret  = "s3cr3t"
)

// User-Agents (port-api.md §2.2): "/exporter" is added on entity calls and
// on the default blueprints' creation, not on the others.
const (
	uaOcean    = "port-ocean/" + integrationType + "/" + integrationVersion + "/" + integrationID
	uaExporter = uaOcean + "/exporter"
	// Writers whose entities are, or are not, this integration's.
	uaOlderVersion = "port-ocean/github/0.1.8/my-github-integration/exporter" // owned: ownership ignores the version
	uaOtherInteg   = "port-ocean/github/0.1.9/other-integration/exporter"
	uaGitops       = "port-ocean/github/0.1.9/my-github-integration/gitops"
	uaOtherType    = "port-ocean/gitlab/0.1.9/my-github-integration/exporter"
	// Ocean's ownership filters (datasource route prefix/suffix, search $datasource rules).
	datasourcePrefix = "port-ocean/" + integrationType + "/"
	datasourceSuffix = "/" + integrationID + "/exporter"
)

type obj = map[string]any

// startPortServe runs `ocean port serve` in-process on a free port and returns
// its base URL; the command is stopped when the test ends.
func startPortServe(t *testing.T, extraArgs ...string) string {
	t.Helper()
	root := newRootCmd()
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	root.SetArgs(append([]string{"port", "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "port.db")}, extraArgs...))
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(withServeReady(ctx, ready)) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err, "port serve")
		case <-time.After(10 * time.Second):
			t.Error("port serve did not stop")
		}
	})
	select {
	case base := <-ready:
		return base
	case err := <-done:
		t.Fatalf("port serve exited before listening: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("port serve did not start listening")
	}
	return ""
}

// ocean sends requests the way Ocean's httpx client does.
type ocean struct {
	base  string // Port base URL; calls go to base + "/v1/..."
	token string // "" until fetched
}

// reply is a response decoded the way Ocean reads it: response.json().
type reply struct {
	status int
	body   obj
}

// send makes one call; target is an API path or an absolute (ingest) URL, body
// is JSON-encoded (nil sends no body).
func (o *ocean) send(t *testing.T, method, target, userAgent string, body any) reply {
	t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = o.base + target
	}
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, target, rd)
	require.NoError(t, err)
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if o.token != "" && !strings.HasSuffix(req.URL.Path, "/v1/auth/access_token") {
		req.Header.Set("Authorization", "Bearer "+o.token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "%s %s", method, target)
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	switch enc := resp.Header.Get("Content-Encoding"); enc {
	case "":
	case "gzip":
		gz, err := gzip.NewReader(resp.Body)
		require.NoError(t, err)
		r = gz
	case "deflate":
		zr, err := zlib.NewReader(resp.Body)
		require.NoError(t, err)
		r = zr
	default:
		t.Fatalf("%s %s: Content-Encoding %q was not asked for", method, target, enc)
	}
	data, err := io.ReadAll(r)
	require.NoError(t, err)
	var out obj
	require.NoError(t, json.Unmarshal(data, &out), "%s %s answered %d with a body that is not a JSON object (Ocean calls response.json()): %q", method, target, resp.StatusCode, data)
	return reply{status: resp.StatusCode, body: out}
}

// api is a call without a feature in the User-Agent: integration,
// organization, ingest sinks, GET blueprint, actions, scorecards and pages.
func (o *ocean) api(t *testing.T, method, target string, body any) reply {
	t.Helper()
	return o.send(t, method, target, uaOcean, body)
}

// exporter is a call with the "/exporter" feature: entity writes, searches
// and deletes, and the creation and patching of default blueprints.
func (o *ocean) exporter(t *testing.T, method, target string, body any) reply {
	t.Helper()
	return o.send(t, method, target, uaExporter, body)
}

// fetchToken is Ocean's token call; it keeps the token.
func (o *ocean) fetchToken(t *testing.T, secret string) reply {
	t.Helper()
	o.token = ""
	r := o.api(t, http.MethodPost, "/v1/auth/access_token", obj{"clientId": oceanClientID, "clientSecret": secret})
	if r.status == http.StatusOK {
		o.token, _ = r.body["accessToken"].(string)
	}
	return r
}

// success requires a 2xx with "ok": true.
func (r reply) success(t *testing.T, want ...int) reply {
	t.Helper()
	if len(want) > 0 {
		require.Contains(t, want, r.status, "body: %v", r.body)
	} else {
		require.True(t, r.status >= 200 && r.status < 300, "status %d, body: %v", r.status, r.body)
	}
	require.Equal(t, true, r.body["ok"], "a success must carry ok: true: %v", r.body)
	return r
}

// failure requires Port's error envelope with this status and code.
func (r reply) failure(t *testing.T, status int, code string) reply {
	t.Helper()
	require.Equal(t, status, r.status, "body: %v", r.body)
	require.Equal(t, false, r.body["ok"], "body: %v", r.body)
	require.Equal(t, code, r.body["error"], "body: %v", r.body)
	return r
}

// at walks nested JSON objects and fails when a key is missing.
func at(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for i, k := range keys {
		m, isObj := v.(obj)
		require.True(t, isObj, "%s is not an object: %v", strings.Join(keys[:i], "."), v)
		var has bool
		v, has = m[k]
		require.True(t, has, "%s is missing in %v", strings.Join(keys[:i+1], "."), m)
	}
	return v
}

func atString(t *testing.T, v any, keys ...string) string {
	t.Helper()
	s, isString := at(t, v, keys...).(string)
	require.True(t, isString, "%s is not a string: %v", strings.Join(keys, "."), at(t, v, keys...))
	return s
}

func atList(t *testing.T, v any, keys ...string) []any {
	t.Helper()
	l, isList := at(t, v, keys...).([]any)
	require.True(t, isList, "%s is not an array: %v", strings.Join(keys, "."), at(t, v, keys...))
	return l
}

// portTime parses a timestamp Port returned.
func portTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err, "timestamp %q", s)
	return ts
}

// isoformat is Python's datetime.now(timezone.utc).isoformat().
func isoformat(ts time.Time) string { return ts.UTC().Format("2006-01-02T15:04:05.000000-07:00") }

// quotePlus is Python's urllib.parse.quote_plus.
func quotePlus(s string) string { return url.QueryEscape(s) }

// uuid4 is Python's str(uuid.uuid4()).
func uuid4(t *testing.T) string {
	b := make([]byte, 16)
	_, err := rand.Read(b)
	require.NoError(t, err)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// canonical is a JSON value's encoding with sorted keys, for comparisons.
func canonical(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	var back any
	require.NoError(t, json.Unmarshal(data, &back))
	data, err = json.Marshal(back)
	require.NoError(t, err)
	return string(data)
}

func identifiers(t *testing.T, entities []any) []string {
	t.Helper()
	out := make([]string, 0, len(entities))
	for _, e := range entities {
		out = append(out, atString(t, e, "identifier"))
		atString(t, e, "blueprint") // Ocean needs both keys of every entity
	}
	return out
}

// step runs a subtest named after the Ocean operation and stops the sequence
// at the first failing step (later steps depend on it).
func step(t *testing.T, name string, fn func(t *testing.T)) {
	t.Helper()
	if !t.Run(name, fn) {
		t.FailNow()
	}
}

// writeQuery is the query string Ocean puts on entity upserts.
func writeQuery(createMissing bool, event string) string {
	return fmt.Sprintf("?upsert=true&merge=true&create_missing_related_entities=%t&validation_only=false%s", createMissing, event)
}

// resyncEvent is the ocean_info query of calls made inside a resync event.
func resyncEvent(resyncID string) string {
	return "&ocean_info_event_type=resync&ocean_info_resync_id=" + resyncID
}

// integrationPath is GET /v1/integration/{id} as Ocean queries it.
const integrationPath = "/v1/integration/" + integrationID + "?oceanCoreVersion=" + oceanCoreVersion + "&isPolling=false"

// portAppConfig is the integration's default mapping (.port/resources/port-app-config.yml).
func portAppConfig() obj {
	return obj{
		"deleteDependentEntities":      true,
		"createMissingRelatedEntities": true,
		"enableMergeEntity":            true,
		"entityDeletionThreshold":      0.9,
		"resources": []any{
			obj{"kind": "repository/collaborator", "selector": obj{"query": "true"}, "port": obj{"entity": obj{"mappings": obj{
				"identifier": ".login", "title": ".name", "blueprint": `"user"`,
				"properties": obj{"email": ".email"},
			}}}},
			obj{"kind": "repository", "selector": obj{"query": ".archived == false"}, "port": obj{"entity": obj{"mappings": obj{
				"identifier": ".name", "title": ".displayName", "blueprint": `"service"`, "team": ".team",
				"properties": obj{"language": ".language", "url": ".html_url", "stars": ".stargazers_count", "archived": ".archived", "readme": ".readme"},
				"relations":  obj{"owner": ".owner.login", "dependencies": ".dependencies"},
			}}}},
		},
	}
}

// Default blueprints (.port/resources/blueprints.json), created in Ocean's
// three stages: bare, then with relations, then in full.
func userBlueprint() obj {
	return obj{
		"identifier": "user", "title": "User", "icon": "User",
		"schema":    obj{"properties": obj{"email": obj{"type": "string", "format": "email", "title": "Email"}}, "required": []any{}},
		"relations": obj{}, "calculationProperties": obj{}, "mirrorProperties": obj{}, "aggregationProperties": obj{},
	}
}

func serviceBlueprint() obj {
	return obj{
		"identifier": "service", "title": "Service", "icon": "Microservice", "description": "A microservice",
		"schema": obj{
			"properties": obj{
				"language": obj{"type": "string", "title": "Language", "enum": []any{"go", "python"}},
				"url":      obj{"type": "string", "format": "url", "title": "URL"},
				"stars":    obj{"type": "number", "title": "Stars"},
				"archived": obj{"type": "boolean", "title": "Archived"},
				"readme":   obj{"type": "string", "format": "markdown", "title": "README"},
			},
			"required": []any{},
		},
		"relations": obj{
			"owner":        obj{"title": "Owner", "target": "user", "required": false, "many": false},
			"dependencies": obj{"title": "Dependencies", "target": "service", "required": false, "many": true},
		},
		"calculationProperties": obj{"slug": obj{"title": "Slug", "calculation": ".identifier", "type": "string"}},
		"mirrorProperties":      obj{"owner_email": obj{"title": "Owner email", "path": "owner.email"}},
		"aggregationProperties": obj{},
	}
}

// without is a copy of a blueprint without some keys.
func without(bp obj, keys ...string) obj {
	out := obj{}
	for k, v := range bp {
		if !slices.Contains(keys, k) {
			out[k] = v
		}
	}
	return out
}

var (
	bareKeys  = []string{"calculationProperties", "mirrorProperties", "aggregationProperties", "teamInheritance", "ownership", "relations"}
	stageKeys = []string{"calculationProperties", "mirrorProperties", "aggregationProperties"}
)

// oceanStartup replays §5.1 for an integration that does not exist yet
// (origin Default, POLLING listener) and leaves o holding a token.
func oceanStartup(t *testing.T, o *ocean) {
	step(t, "get access token", func(t *testing.T) {
		r := o.fetchToken(t, oceanClientSecret).success(t, http.StatusOK)
		assert.NotEmpty(t, o.token)
		assert.Equal(t, "Bearer", atString(t, r.body, "tokenType"))
		assert.Greater(t, at(t, r.body, "expiresIn"), 0.0)
	})
	step(t, "get provision-enabled types", func(t *testing.T) {
		r := o.api(t, http.MethodGet, "/v1/integration/provision-enabled", nil).success(t, http.StatusOK)
		assert.NotContains(t, atList(t, r.body, "integrations"), integrationType, "origin would become Port")
	})
	step(t, "get organization", func(t *testing.T) {
		r := o.api(t, http.MethodGet, "/v1/organization", nil).success(t, http.StatusOK)
		assert.NotEmpty(t, atString(t, r.body, "organization", "id"))
		assert.NotContains(t, atList(t, r.body, "organization", "featureFlags"), "USE_PROVISIONED_DEFAULTS")
	})
	step(t, "get integration (missing)", func(t *testing.T) {
		r := o.api(t, http.MethodGet, integrationPath, nil).failure(t, http.StatusNotFound, "not_found")
		assert.NotContains(t, r.body, "integration", "Ocean reads a missing integration as {}")
	})
	step(t, "create integration", func(t *testing.T) {
		r := o.api(t, http.MethodPost, "/v1/integration", obj{
			"installationId":            integrationID,
			"installationAppType":       integrationType,
			"version":                   integrationVersion,
			"changelogDestination":      obj{},
			"config":                    portAppConfig(),
			"actionsProcessingEnabled":  false,
			"incrementalSyncEnabled":    false,
			"createPortResourcesOrigin": "Default",
		}).success(t, http.StatusOK, http.StatusCreated)
		assert.Equal(t, integrationID, atString(t, r.body, "integration", "identifier"))
		assert.Equal(t, integrationID, atString(t, r.body, "integration", "installationId"))
		assert.Equal(t, "Default", atString(t, r.body, "integration", "createPortResourcesOrigin"))
	})
	step(t, "create integration again (conflict)", func(t *testing.T) {
		o.api(t, http.MethodPost, "/v1/integration", obj{"installationId": integrationID, "installationAppType": integrationType, "version": integrationVersion}).
			failure(t, http.StatusConflict, "conflict")
	})
	step(t, "patch integration (align settings)", func(t *testing.T) {
		// The stored processingMode differs from the local one (the create body has none).
		r := o.api(t, http.MethodPatch, "/v1/integration/"+integrationID, obj{
			"installationAppType": integrationType, "changelogDestination": obj{}, "actionsProcessingEnabled": false,
			"incrementalSyncEnabled": false, "processingMode": "ocean-core", "version": integrationVersion,
		}).success(t, http.StatusOK)
		integ := at(t, r.body, "integration")
		// Echoed as stored, so the next start does not PATCH again.
		assert.Equal(t, "ocean-core", at(t, integ, "processingMode"))
		assert.Equal(t, integrationType, at(t, integ, "installationAppType"))
		assert.Equal(t, integrationVersion, at(t, integ, "version"))
		assert.Equal(t, obj{}, at(t, integ, "changelogDestination"))
		assert.Equal(t, false, at(t, integ, "actionsProcessingEnabled"))
		assert.Equal(t, false, at(t, integ, "incrementalSyncEnabled"))
	})
	step(t, "patch integration config (default mapping)", func(t *testing.T) {
		r := o.api(t, http.MethodPatch, "/v1/integration/"+integrationID+"/config", obj{"config": portAppConfig()}).success(t, http.StatusOK)
		assert.Equal(t, canonical(t, portAppConfig()), canonical(t, at(t, r.body, "integration", "config")))
	})
	for _, bp := range []string{"user", "service"} {
		step(t, "get blueprint "+bp+" (missing)", func(t *testing.T) {
			o.api(t, http.MethodGet, "/v1/blueprints/"+bp, nil).failure(t, http.StatusNotFound, "not_found")
		})
	}
	blueprints := []obj{userBlueprint(), serviceBlueprint()}
	step(t, "create bare blueprints", func(t *testing.T) {
		for _, bp := range blueprints {
			r := o.exporter(t, http.MethodPost, "/v1/blueprints", without(bp, bareKeys...)).success(t, http.StatusOK, http.StatusCreated)
			assert.Equal(t, bp["identifier"], atString(t, r.body, "blueprint", "identifier"))
		}
	})
	step(t, "patch blueprints with relations", func(t *testing.T) {
		for _, bp := range blueprints {
			o.exporter(t, http.MethodPatch, "/v1/blueprints/"+bp["identifier"].(string), without(bp, stageKeys...)).success(t, http.StatusOK)
		}
	})
	step(t, "patch full blueprints", func(t *testing.T) {
		for _, bp := range blueprints {
			o.exporter(t, http.MethodPatch, "/v1/blueprints/"+bp["identifier"].(string), bp).success(t, http.StatusOK)
		}
		r := o.api(t, http.MethodGet, "/v1/blueprints/service", nil).success(t, http.StatusOK)
		assert.Equal(t, canonical(t, serviceBlueprint()["calculationProperties"]), canonical(t, at(t, r.body, "blueprint", "calculationProperties")))
	})
	step(t, "create actions", func(t *testing.T) {
		o.api(t, http.MethodPost, "/v1/actions", obj{
			"identifier": "create_service", "title": "Create service", "icon": "Microservice", "description": "Scaffold a service",
			"trigger": obj{"type": "self-service", "operation": "CREATE", "blueprintIdentifier": "service",
				"userInputs": obj{"properties": obj{"name": obj{"type": "string", "title": "Name"}}, "required": []any{"name"}}},
			"invocationMethod": obj{"type": "INTEGRATION_ACTION", "installationId": integrationID, "integrationActionType": "scaffold"},
			"publish":          true,
		}).success(t)
	})
	step(t, "create scorecards", func(t *testing.T) {
		o.api(t, http.MethodPost, "/v1/blueprints/service/scorecards", obj{
			"identifier": "ProductionReadiness", "title": "Production Readiness",
			"rules": []any{obj{"identifier": "hasReadme", "title": "Has a README", "level": "Bronze",
				"query": obj{"combinator": "and", "conditions": []any{obj{"property": "readme", "operator": "isNotEmpty"}}}}},
		}).success(t)
	})
	step(t, "create pages", func(t *testing.T) {
		o.api(t, http.MethodPost, "/v1/pages", obj{
			"identifier": "services", "title": "Services", "icon": "Microservice", "type": "blueprint-entities", "blueprint": "service", "widgets": []any{},
		}).success(t)
	})
	step(t, "patch integration (resources initialized)", func(t *testing.T) {
		r := o.api(t, http.MethodPatch, "/v1/integration/"+integrationID, obj{"arePortResourcesInitialized": true, "version": integrationVersion}).success(t, http.StatusOK)
		assert.Equal(t, true, at(t, r.body, "integration", "arePortResourcesInitialized"))
	})
	step(t, "get resync request (polling listener)", func(t *testing.T) {
		r := o.api(t, http.MethodGet, "/v1/integration/"+integrationID+"/resync-request", nil).success(t, http.StatusOK)
		// Right after start any parseable updatedAt triggers the first resync.
		portTime(t, atString(t, r.body, "request", "updatedAt"))
	})
}

func TestOceanStartup(t *testing.T) {
	o := &ocean{base: startPortServe(t, "--client-id", oceanClientID, "--client-secret", oceanClientSecret)}
	oceanStartup(t, o)

	// The next start of the same integration reads what the first one stored.
	step(t, "get integration (existing)", func(t *testing.T) {
		r := o.api(t, http.MethodGet, integrationPath, nil).success(t, http.StatusOK)
		integ := at(t, r.body, "integration")
		// Nothing differs from the local settings, so no alignment PATCH is due.
		local := obj{
			"installationAppType": integrationType, "version": integrationVersion, "changelogDestination": obj{},
			"actionsProcessingEnabled": false, "incrementalSyncEnabled": false, "processingMode": "ocean-core",
			"createPortResourcesOrigin": "Default", "arePortResourcesInitialized": true,
		}
		for k, v := range local {
			assert.Equal(t, v, at(t, integ, k), k)
		}
		assert.Equal(t, canonical(t, portAppConfig()), canonical(t, at(t, integ, "config")))
		portTime(t, atString(t, integ, "resyncState", "updatedAt"))
		for _, attr := range []string{"logAttributes", "metricAttributes", "ingestAttributes"} {
			assert.True(t, strings.HasPrefix(atString(t, integ, attr, "ingestUrl"), o.base+"/"), "%s points at this server", attr)
		}
	})
	step(t, "get blueprint (existing)", func(t *testing.T) {
		r := o.api(t, http.MethodGet, "/v1/blueprints/service", nil).success(t, http.StatusOK)
		bp := at(t, r.body, "blueprint")
		assert.Equal(t, "service", atString(t, bp, "identifier"))
		at(t, bp, "schema", "properties")
		// Ocean's Blueprint model needs many, required and target on every relation.
		for name, want := range serviceBlueprint()["relations"].(obj) {
			rel := at(t, bp, "relations", name)
			for _, k := range []string{"many", "required", "target"} {
				assert.Equal(t, want.(obj)[k], at(t, rel, k), "relations.%s.%s", name, k)
			}
		}
	})
}

// service is what the "repository" mapping yields for one raw repository
// (the mapping sets team, so team is sent, here null).
func service(id string, title any, language string, stars int, owner any, deps ...string) obj {
	return obj{
		"identifier": id, "blueprint": "service", "title": title, "team": nil,
		"properties": obj{"language": language, "url": "https://github.com/acme/" + id, "stars": stars, "archived": false, "readme": "# " + id},
		"relations":  obj{"owner": owner, "dependencies": append([]string{}, deps...)},
	}
}

// user is what the "repository/collaborator" mapping yields (no team mapping: no team key).
func user(id, name string) obj {
	return obj{"identifier": id, "blueprint": "user", "title": name, "properties": obj{"email": id + "@acme.io"}, "relations": obj{}}
}

func seq(prefix string, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("%s-%02d", prefix, i))
	}
	return out
}

// sameAsPort is Ocean's "unchanged entity" test of the resync diff: the fields
// the mapping sets are equal to those Port returned.
func sameAsPort(t *testing.T, mapped, inPort obj) bool {
	t.Helper()
	team := func(v any) any {
		if v == nil {
			return []any{}
		}
		return v
	}
	if canonical(t, mapped["title"]) != canonical(t, inPort["title"]) || canonical(t, team(mapped["team"])) != canonical(t, team(inPort["team"])) {
		return false
	}
	for _, part := range []string{"properties", "relations"} {
		got, _ := inPort[part].(obj)
		for k, v := range mapped[part].(obj) {
			if canonical(t, v) != canonical(t, got[k]) {
				return false
			}
		}
	}
	return true
}

func TestOceanFullResync(t *testing.T) {
	o := &ocean{base: startPortServe(t, "--client-id", oceanClientID, "--client-secret", oceanClientSecret)}
	oceanStartup(t, o)

	// What earlier runs left in Port: entities an older version of this
	// integration wrote (owned), and entities of other writers (not owned).
	legacy := seq("legacy", 1, 12)
	unchanged := seq("svc", 1, 10)
	step(t, "catalog of earlier runs", func(t *testing.T) {
		previous := uuid4(t)
		write := func(ua, bp string, entities ...obj) {
			r := o.send(t, http.MethodPost, "/v1/blueprints/"+bp+"/entities/bulk"+writeQuery(true, resyncEvent(previous)), ua, obj{"entities": entities}).success(t, http.StatusOK)
			assert.Empty(t, atList(t, r.body, "errors"))
		}
		write(uaOlderVersion, "user", user("jane", "Jane"))
		var services []obj
		for i, id := range unchanged {
			services = append(services, service(id, id, "go", i, "jane"))
		}
		services = append(services, service("payment-service", "Payment Service", "go", 12, "jane"))
		for _, id := range legacy {
			services = append(services, service(id, id, "python", 0, nil))
		}
		// Its repository is archived by now: it fails the kind's selector.
		services = append(services, service("a/b+c", "Archived", "go", 0, nil))
		for batch := range slices.Chunk(services, 20) {
			write(uaOlderVersion, "service", batch...)
		}
		write(uaOtherInteg, "service", service("foreign-service", "Foreign", "go", 1, nil))
		write(uaGitops, "service", service("gitops-service", "GitOps", "go", 1, nil))
		write(uaOtherType, "service", service("gitlab-service", "GitLab", "go", 1, nil))
	})

	// The entities this resync produces, per kind (in config order).
	users := []obj{user("john", "John")}
	var services []obj
	for i, id := range unchanged {
		services = append(services, service(id, id, "go", i, "jane"))
	}
	services = append(services, service("payment-service", "Payment Service", "go", 13, "jane")) // one more star
	for _, id := range seq("svc", 11, 28) {
		services = append(services, service(id, id, "go", 1, nil))
	}
	services[11]["relations"].(obj)["owner"] = "john"    // svc-11: a user of this resync
	services[12]["relations"].(obj)["owner"] = "mystery" // svc-12: a user nobody maps
	services[13]["title"] = nil                          // svc-13: .displayName is null
	services[13]["properties"].(obj)["url"] = nil        //         and so is .html_url
	services[13]["relations"].(obj)["dependencies"] = []string{"svc-11", "payment-service"}
	bad := service("svc-bad", "Bad", "cobol", 1, nil) // not in the blueprint's enum
	services = append(services, bad, service("svc-29", "svc-29", "go", 1, nil), service("svc-30", "svc-30", "go", 1, nil))
	for _, id := range []string{"big-1", "big-2", "big-3"} {
		big := service(id, id, "go", 1, nil)
		big["properties"].(obj)["readme"] = strings.Repeat("x", 400<<10)
		services = append(services, big)
	}

	var (
		resyncID    = uuid4(t)
		event       = resyncEvent(resyncID)
		resyncStart time.Time
		stateAt     time.Time // resyncState.updatedAt of the running PATCH
		config      obj
		ingestURLs  = map[string]string{}
		toUpsert    []obj
		failed      []string
	)

	step(t, "patch resync state (running)", func(t *testing.T) {
		time.Sleep(5 * time.Millisecond) // the earlier writes are strictly before the resync start
		resyncStart = time.Now()
		r := o.api(t, http.MethodPatch, "/v1/integration/"+integrationID+"/resync-state", obj{
			"status": "running", "lastResyncEnd": nil, "lastResyncStart": isoformat(resyncStart), "nextResync": nil, "intervalInMinuets": nil,
		}).success(t, http.StatusOK)
		state := at(t, r.body, "integration", "resyncState")
		assert.Equal(t, "running", at(t, state, "status"))
		assert.Equal(t, isoformat(resyncStart), at(t, state, "lastResyncStart"))
		stateAt = portTime(t, atString(t, state, "updatedAt"))
		assert.WithinDuration(t, resyncStart, stateAt, time.Minute)
	})
	step(t, "get integration (port app config)", func(t *testing.T) {
		r := o.api(t, http.MethodGet, integrationPath, nil).success(t, http.StatusOK)
		config = at(t, r.body, "integration", "config").(obj)
		var kinds []string
		for _, res := range atList(t, config, "resources") {
			kinds = append(kinds, atString(t, res, "kind"))
		}
		assert.Equal(t, []string{"repository/collaborator", "repository"}, kinds)
		for _, attr := range []string{"logAttributes", "metricAttributes"} {
			ingestURLs[attr] = atString(t, r.body, "integration", attr, "ingestUrl")
		}
	})
	step(t, "get organization (feature flags)", func(t *testing.T) {
		r := o.api(t, http.MethodGet, "/v1/organization", nil).success(t, http.StatusOK)
		assert.Empty(t, atList(t, r.body, "organization", "featureFlags"), "no DSP or lakehouse flags")
	})
	step(t, "post kind examples", func(t *testing.T) {
		for _, kind := range []string{"repository/collaborator", "repository"} {
			o.api(t, http.MethodPost, "/v1/integration/"+quotePlus(integrationID)+"/kinds/"+quotePlus(kind)+"/examples",
				obj{"examples": []any{obj{"name": "svc-01", "token": "********"}}}).success(t, http.StatusOK)
		}
	})
	step(t, "bulk upsert users", func(t *testing.T) {
		r := o.exporter(t, http.MethodPost, "/v1/blueprints/user/entities/bulk"+writeQuery(true, event), obj{"entities": users}).success(t, http.StatusOK)
		entities := atList(t, r.body, "entities")
		require.Len(t, entities, 1)
		assert.Equal(t, "john", at(t, entities[0], "identifier"))
		assert.Equal(t, true, at(t, entities[0], "created"))
	})
	step(t, "search entities (resync diff)", func(t *testing.T) {
		// > 10 entities of the kind: Ocean fetches the owned ones (≤ 50 a call)
		// with the mapped fields and skips those that did not change.
		var ids []string
		for _, e := range services {
			ids = append(ids, e["identifier"].(string))
		}
		q := "?exclude_calculated_properties=true&include=blueprint&include=identifier&include=title&include=team"
		for _, p := range []string{"language", "url", "stars", "archived", "readme"} {
			q += "&include=properties." + p
		}
		q += "&include=relations.owner&include=relations.dependencies"
		r := o.exporter(t, http.MethodPost, "/v1/entities/search"+q, obj{"combinator": "and", "rules": []any{
			obj{"property": "$identifier", "operator": "in", "value": ids},
			obj{"property": "$blueprint", "operator": "=", "value": "service"},
			obj{"property": "$datasource", "operator": "contains", "value": datasourcePrefix},
			obj{"property": "$datasource", "operator": "contains", "value": datasourceSuffix},
		}}).success(t, http.StatusOK)
		inPort := map[string]obj{}
		for _, e := range atList(t, r.body, "entities") {
			e := e.(obj)
			for k := range e {
				assert.Contains(t, []string{"blueprint", "identifier", "title", "team", "properties", "relations"}, k, "only included keys")
			}
			assert.NotContains(t, e["properties"], "slug", "calculated properties are excluded")
			inPort[atString(t, e, "identifier")] = e
		}
		assert.ElementsMatch(t, append(slices.Clone(unchanged), "payment-service"), slices.Collect(maps.Keys(inPort)),
			"the owned entities among the batch; foreign-service and the like are not owned")
		for _, e := range services {
			if p, found := inPort[e["identifier"].(string)]; found && sameAsPort(t, e, p) {
				continue
			}
			toUpsert = append(toUpsert, e)
		}
		var upserting []string
		for _, e := range toUpsert {
			upserting = append(upserting, e["identifier"].(string))
		}
		assert.NotContains(t, upserting, "svc-01", "unchanged entities are skipped")
		assert.Contains(t, upserting, "payment-service", "changed entities are upserted")
		assert.Len(t, toUpsert, len(services)-len(unchanged))
	})
	step(t, "bulk upsert services (partial failure)", func(t *testing.T) {
		batch := toUpsert[:20]
		r := o.exporter(t, http.MethodPost, "/v1/blueprints/service/entities/bulk"+writeQuery(true, event), obj{"entities": batch}).success(t, http.StatusMultiStatus)
		seen := map[int]bool{}
		for _, e := range atList(t, r.body, "entities") {
			i := int(at(t, e, "index").(float64))
			seen[i] = true
			assert.Equal(t, batch[i]["identifier"], at(t, e, "identifier"))
		}
		for _, e := range atList(t, r.body, "errors") {
			i := int(at(t, e, "index").(float64))
			seen[i] = true
			failed = append(failed, atString(t, e, "identifier"))
			assert.Equal(t, 422.0, at(t, e, "statusCode"))
			assert.NotEmpty(t, atString(t, e, "error"))
		}
		assert.Len(t, seen, len(batch), "every item is reported once")
		assert.Equal(t, []string{"svc-bad"}, failed)
	})
	step(t, "bulk upsert services (too large)", func(t *testing.T) {
		batch := toUpsert[20:]
		require.Len(t, batch, 5)
		o.exporter(t, http.MethodPost, "/v1/blueprints/service/entities/bulk"+writeQuery(true, event), obj{"entities": batch}).
			failure(t, http.StatusRequestEntityTooLarge, "payload_too_large")
	})
	step(t, "upsert services one by one (413 fallback)", func(t *testing.T) {
		for _, e := range toUpsert[20:] {
			r := o.exporter(t, http.MethodPost, "/v1/blueprints/service/entities"+writeQuery(true, event), e).success(t, http.StatusOK, http.StatusCreated)
			assert.Equal(t, e["identifier"], atString(t, r.body, "entity", "identifier"))
		}
	})
	step(t, "put kind sync metrics", func(t *testing.T) {
		for i, kind := range []string{"repository/collaborator", "repository"} {
			kindID := fmt.Sprintf("%s-%d", kind, i)
			o.api(t, http.MethodPut, ingestURLs["metricAttributes"]+"/syncMetrics/resync/"+quotePlus(resyncID)+"/kind/"+quotePlus(kindID), obj{
				"syncKindMetrics": kindMetrics(resyncID, kind, i),
			}).success(t)
		}
	})
	step(t, "search batch entities (failed the selector)", func(t *testing.T) {
		// Raw items that no longer pass their kind's selector: Ocean looks up
		// which of them Port holds for this integration before deleting them.
		pair := func(id, bp string) obj {
			return obj{"combinator": "and", "rules": []any{
				obj{"property": "$identifier", "operator": "=", "value": id},
				obj{"property": "$blueprint", "operator": "=", "value": bp},
			}}
		}
		r := o.exporter(t, http.MethodPost, "/v1/entities/search?exclude_calculated_properties=true&include=blueprint&include=identifier", obj{
			"combinator": "and", "rules": []any{
				obj{"combinator": "or", "rules": []any{pair("a/b+c", "service"), pair("foreign-service", "service"), pair("never-existed", "user")}},
				obj{"property": "$datasource", "operator": "contains", "value": datasourcePrefix},
				obj{"property": "$datasource", "operator": "contains", "value": datasourceSuffix},
			},
		}).success(t, http.StatusOK)
		assert.Equal(t, []string{"a/b+c"}, identifiers(t, atList(t, r.body, "entities")))
	})

	owned := map[string]obj{} // "blueprint/identifier" → entity
	step(t, "list owned entities (datasource entities)", func(t *testing.T) {
		from, pages := "", 0
		for {
			body := obj{"datasource_prefix": datasourcePrefix, "datasource_suffix": datasourceSuffix, "limit": 10, "before": isoformat(resyncStart)}
			if from != "" {
				body["from"] = from
			}
			r := o.exporter(t, http.MethodPost, "/v1/blueprints/entities/datasource-entities", body).success(t, http.StatusOK)
			pages++
			entities := atList(t, r.body, "entities")
			assert.LessOrEqual(t, len(entities), 10)
			for _, e := range entities {
				key := atString(t, e, "blueprint") + "/" + atString(t, e, "identifier")
				assert.NotContains(t, owned, key, "pages do not overlap")
				owned[key] = e.(obj)
			}
			next, _ := r.body["next"].(string)
			if next == "" {
				break
			}
			from = next
			require.Less(t, pages, 10, "paging does not end")
		}
		want := []string{"user/jane", "service/a/b+c"}
		for _, id := range append(slices.Clone(unchanged), legacy...) {
			want = append(want, "service/"+id)
		}
		// payment-service was written by this resync: after "before".
		assert.ElementsMatch(t, want, slices.Collect(maps.Keys(owned)))
		assert.Equal(t, 3, pages)
	})

	var toDelete []obj
	step(t, "get blueprint (related-entity protection)", func(t *testing.T) {
		produced := map[string]obj{}
		for _, e := range append(slices.Clone(users), services...) {
			if !slices.Contains(failed, e["identifier"].(string)) {
				produced[e["blueprint"].(string)+"/"+e["identifier"].(string)] = e
			}
		}
		// Entities kept in Port that have relations: their targets are spared.
		r := o.api(t, http.MethodGet, "/v1/blueprints/service", nil).success(t, http.StatusOK)
		relations := at(t, r.body, "blueprint", "relations").(obj)
		spared := map[string]bool{}
		for _, e := range produced {
			if e["blueprint"] != "service" {
				continue
			}
			for name, v := range e["relations"].(obj) {
				target := atString(t, relations, name, "target")
				at(t, relations, name, "many")
				at(t, relations, name, "required")
				switch v := v.(type) {
				case string:
					spared[target+"/"+v] = true
				case []string:
					for _, id := range v {
						spared[target+"/"+id] = true
					}
				}
			}
		}
		var deleting []string
		for key, e := range owned {
			if produced[key] == nil && !spared[key] {
				toDelete = append(toDelete, e)
				deleting = append(deleting, key)
			}
		}
		assert.NotContains(t, deleting, "user/jane", "a relation target of kept entities")
		assert.LessOrEqual(t, float64(len(toDelete))/float64(len(owned)), 0.9, "entityDeletionThreshold")
		assert.Len(t, toDelete, len(legacy)+1)
	})
	step(t, "bulk delete entities", func(t *testing.T) {
		var ids []string
		for _, e := range toDelete {
			if e["identifier"] != "a/b+c" { // deleted through the single route below
				ids = append(ids, e["identifier"].(string))
			}
		}
		r := o.exporter(t, http.MethodPost, "/v1/blueprints/service/bulk/entities/delete?delete_dependents=true"+event,
			obj{"entities": append(slices.Clone(ids), "legacy-99")}).success(t, http.StatusOK)
		var deleted []string
		for _, id := range atList(t, r.body, "deletedEntities") {
			deleted = append(deleted, id.(string))
		}
		assert.ElementsMatch(t, ids, deleted, "an identifier Port does not hold is not reported deleted")
	})
	step(t, "delete entity (single)", func(t *testing.T) {
		path := "/v1/blueprints/service/entities/" + quotePlus("a/b+c") + "?delete_dependents=true" + event
		require.Contains(t, path, "/a%2Fb%2Bc?")
		o.exporter(t, http.MethodDelete, path, nil).success(t, http.StatusOK)
		// Ocean reads a 404 as "already deleted".
		o.exporter(t, http.MethodDelete, path, nil).failure(t, http.StatusNotFound, "not_found")
	})
	step(t, "patch resync state (completed)", func(t *testing.T) {
		end := time.Now()
		r := o.api(t, http.MethodPatch, "/v1/integration/"+integrationID+"/resync-state", obj{
			"status": "completed", "lastResyncEnd": isoformat(end), "nextResync": nil, "intervalInMinuets": nil,
		}).success(t, http.StatusOK)
		state := at(t, r.body, "integration", "resyncState")
		assert.Equal(t, "completed", at(t, state, "status"))
		assert.Equal(t, isoformat(resyncStart), at(t, state, "lastResyncStart"), "kept from the running PATCH")
		assert.Equal(t, isoformat(end), at(t, state, "lastResyncEnd"))
		assert.False(t, portTime(t, atString(t, state, "updatedAt")).Before(stateAt))
	})
	step(t, "post sync metrics, logs and heartbeat", func(t *testing.T) {
		o.api(t, http.MethodPost, ingestURLs["metricAttributes"]+"/syncMetrics", obj{
			"syncKindsMetrics": []any{kindMetrics(resyncID, "repository/collaborator", 0), kindMetrics(resyncID, "repository", 1)},
		}).success(t)
		o.api(t, http.MethodPost, ingestURLs["logAttributes"], obj{"logs": []any{obj{
			"message": "Resync finished successfully", "level": "INFO", "timestamp": time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
			"extra": obj{"event_id": resyncID, "event_type": "resync"},
		}}}).success(t)
		o.api(t, http.MethodPost, ingestURLs["metricAttributes"]+"/heartbeat", obj{"eventId": resyncID}).success(t)
	})

	step(t, "catalog after the resync", func(t *testing.T) {
		search := func(rules ...any) map[string]obj {
			r := o.exporter(t, http.MethodPost, "/v1/entities/search", obj{"combinator": "and", "rules": rules}).success(t, http.StatusOK)
			out := map[string]obj{}
			for _, e := range atList(t, r.body, "entities") {
				out[atString(t, e, "identifier")] = e.(obj)
			}
			return out
		}
		all := search(obj{"property": "$blueprint", "operator": "in", "value": []string{"service", "user"}})
		present := append(seq("svc", 1, 30), "payment-service", "big-1", "big-2", "big-3", "john", "jane", "mystery",
			"foreign-service", "gitops-service", "gitlab-service")
		for _, id := range present {
			assert.Contains(t, all, id)
		}
		for _, id := range append(slices.Clone(legacy), "a/b+c", "svc-bad") {
			assert.NotContains(t, all, id)
		}
		assert.Len(t, all, len(present))
		for id, e := range all {
			assert.Equal(t, oceanClientID, e["createdBy"], id)
			assert.Equal(t, oceanClientID, e["updatedBy"], id)
			portTime(t, atString(t, e, "createdAt"))
			portTime(t, atString(t, e, "updatedAt"))
		}

		pay := all["payment-service"]
		assert.Equal(t, 13.0, at(t, pay, "properties", "stars"))
		assert.Equal(t, "jane", at(t, pay, "relations", "owner"))
		assert.True(t, portTime(t, atString(t, pay, "updatedAt")).After(portTime(t, atString(t, pay, "createdAt"))))
		assert.Nil(t, at(t, all["svc-13"], "title"))
		assert.Nil(t, all["svc-13"]["properties"].(obj)["url"])
		assert.Equal(t, []any{"svc-11", "payment-service"}, at(t, all["svc-13"], "relations", "dependencies"))
		assert.Equal(t, "mystery", at(t, all["svc-12"], "relations", "owner"))
		assert.Len(t, at(t, all["big-1"], "properties", "readme"), 400<<10)

		// The datasource is the User-Agent of the last writer.
		byExporter := search(obj{"property": "$datasource", "operator": "=", "value": uaExporter})
		for _, id := range append(seq("svc", 11, 30), "payment-service", "big-1", "john", "mystery") {
			assert.Contains(t, byExporter, id)
		}
		byOlder := search(obj{"property": "$datasource", "operator": "=", "value": uaOlderVersion})
		assert.ElementsMatch(t, append(slices.Clone(unchanged), "jane"), slices.Collect(maps.Keys(byOlder)), "entities the resync skipped keep their writer")
		assert.Contains(t, search(obj{"property": "$datasource", "operator": "=", "value": uaOtherInteg}), "foreign-service")
	})

	// Outside a resync, with createMissingRelatedEntities turned off: a
	// relation to an entity Port does not hold is an unmet dependency.
	step(t, "bulk upsert with a missing related entity", func(t *testing.T) {
		e := service("svc-31", "svc-31", "go", 1, "ghost")
		r := o.exporter(t, http.MethodPost, "/v1/blueprints/service/entities/bulk"+writeQuery(false, ""), obj{"entities": []obj{e}}).success(t, http.StatusMultiStatus)
		assert.Empty(t, atList(t, r.body, "entities"))
		errs := atList(t, r.body, "errors")
		require.Len(t, errs, 1)
		assert.Equal(t, "svc-31", at(t, errs[0], "identifier"))
		assert.Equal(t, 404.0, at(t, errs[0], "statusCode"))
		assert.Equal(t, "not_found", at(t, errs[0], "error"))
	})
	step(t, "upsert entity with a missing related entity", func(t *testing.T) {
		e := service("svc-31", "svc-31", "go", 1, "ghost")
		o.exporter(t, http.MethodPost, "/v1/blueprints/service/entities"+writeQuery(false, ""), e).failure(t, http.StatusNotFound, "not_found")
		o.exporter(t, http.MethodGet, "/v1/blueprints/user/entities/ghost", nil).failure(t, http.StatusNotFound, "not_found")
		o.exporter(t, http.MethodGet, "/v1/blueprints/service/entities/svc-31", nil).failure(t, http.StatusNotFound, "not_found")
	})
}

// kindMetrics is Ocean's per-kind sync metrics payload.
func kindMetrics(eventID, kind string, index int) obj {
	return obj{
		"integrationType": integrationType, "installationType": "OnPrem", "executionMode": "single_process",
		"integrationIdentifier": integrationID, "integrationVersion": integrationVersion, "oceanVersion": oceanCoreVersion,
		"kindIdentifier": fmt.Sprintf("%s-%d", kind, index), "kind": kind, "kindIndex": index, "eventId": eventID,
		"syncState": "completed", "blueprint": "",
		"metrics": obj{"extract": obj{"object_count": 3}, "load": obj{"upserted": 2, "failed": 1}},
	}
}

// Ocean's token-expiry path: a retried request that gets a 401 drops the
// token, fetches a new one and replays.
func TestOceanTokenExpiry(t *testing.T) {
	const ttl = time.Second
	o := &ocean{base: startPortServe(t, "--client-id", oceanClientID, "--client-secret", oceanClientSecret, "--token-ttl", ttl.String())}

	step(t, "get access token (bad credentials)", func(t *testing.T) {
		o.fetchToken(t, "wrong").failure(t, http.StatusUnauthorized, "unauthorized")
	})
	var retrieved time.Time
	step(t, "get access token", func(t *testing.T) {
		retrieved = time.Now()
		r := o.fetchToken(t, oceanClientSecret).success(t, http.StatusOK)
		assert.Equal(t, 1.0, at(t, r.body, "expiresIn"))
	})
	step(t, "get organization", func(t *testing.T) {
		o.api(t, http.MethodGet, "/v1/organization", nil).success(t, http.StatusOK)
	})
	expired := ""
	step(t, "get organization (token expired)", func(t *testing.T) {
		time.Sleep(time.Until(retrieved.Add(ttl + 200*time.Millisecond)))
		o.api(t, http.MethodGet, "/v1/organization", nil).failure(t, http.StatusUnauthorized, "unauthorized")
		expired = o.token
	})
	step(t, "refresh token and replay", func(t *testing.T) {
		o.fetchToken(t, oceanClientSecret).success(t, http.StatusOK)
		assert.NotEqual(t, expired, o.token)
		o.api(t, http.MethodGet, "/v1/organization", nil).success(t, http.StatusOK)
		o.api(t, http.MethodGet, integrationPath, nil).failure(t, http.StatusNotFound, "not_found")
	})
	step(t, "expired token stays rejected", func(t *testing.T) {
		fresh := o.token
		o.token = expired
		o.api(t, http.MethodGet, "/v1/organization", nil).failure(t, http.StatusUnauthorized, "unauthorized")
		o.token = fresh
	})
}
