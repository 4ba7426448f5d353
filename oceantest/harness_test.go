package oceantest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/oceantest"
)

const token = "tiny-token-7c41e9a05b3d"

func tiny(t *testing.T, repos int, opts ...oceantest.Option) *oceantest.Harness {
	return oceantest.New(t, setupTiny, append([]oceantest.Option{
		oceantest.Dir(tinyDir),
		oceantest.IntegrationConfig(map[string]any{"repos": repos, "token": token}),
	}, opts...)...)
}

func refs(ids ...string) []oceantest.Ref {
	var out []oceantest.Ref
	for _, id := range ids {
		out = append(out, oceantest.Ref{Blueprint: "repo", Identifier: id})
	}
	return out
}

func TestResyncReportsWhatItChanged(t *testing.T) {
	ctx := context.Background()
	h := tiny(t, 3)

	first, err := h.Resync(ctx)
	require.NoError(t, err)
	assert.Equal(t, resync.Completed, first.Status)
	repo := first.Kind("repo")
	assert.Equal(t, [3]int{4, 1, 3}, [3]int{repo.Extracted, repo.FilteredOut, repo.Created})
	assert.Equal(t, refs("repo-1", "repo-2", "repo-3"), first.Created)
	assert.Empty(t, first.Updated)
	assert.Empty(t, first.Deleted)
	assert.Len(t, h.Entities("repo"), 3)
	require.NotNil(t, h.Entity("repo", "repo-2"))
	assert.Equal(t, 20.0, h.Entity("repo", "repo-2").Properties["stars"])
	assert.Nil(t, h.Entity("repo", "old"), "the selector drops archived repositories")

	again, err := h.Resync(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, again.Kind("repo").Unchanged)
	assert.Empty(t, again.Created)
	assert.Empty(t, again.Updated)
	require.NoError(t, h.Stop())

	// The same integration with fewer repositories, on what the first wrote.
	fewer := tiny(t, 2, oceantest.WithPort(h.Port()))
	last, err := fewer.Resync(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, last.Kind("repo").Deleted)
	assert.Equal(t, refs("repo-3"), last.Deleted)
	assert.Empty(t, last.Created)
}

func TestLogsAreCapturedWithSecretsMasked(t *testing.T) {
	h := tiny(t, 1)
	_, err := h.Resync(context.Background())
	require.NoError(t, err)

	var listed *oceantest.LogLine
	for _, l := range h.Logs() {
		assert.NotContains(t, l.String(), token)
		if l.Message == "Listing the repositories" {
			listed = &l
		}
	}
	require.NotNil(t, listed, "the handler's line is captured")
	assert.NotEmpty(t, listed.Fields["token"])
	assert.NotContains(t, listed.Fields["token"], token[6:])
	assert.Empty(t, h.Errors())
	i := slices.IndexFunc(h.Logs(), func(l oceantest.LogLine) bool { return l.Message == "Serving the integration's HTTP routes" })
	require.GreaterOrEqual(t, i, 0)
	assert.True(t, strings.HasPrefix(h.Logs()[i].Fields["address"], "127.0.0.1:"), "the App listens on the loopback interface only")
}

func TestWebhooks(t *testing.T) {
	h := tiny(t, 0)
	push := func(name string, stars int, deleted bool) []byte {
		b, err := json.Marshal(map[string]any{"repo": map[string]any{"name": name, "stars": stars, "archived": false}, "deleted": deleted})
		require.NoError(t, err)
		return b
	}

	for i, stars := range []int{1, 2, 3} {
		body := push("live", stars, false)
		a := h.PostWebhook("/push", body, sign(token, body))
		require.Equal(t, http.StatusAccepted, a.Status, "event %d: %s", i, a.Message)
		assert.NotEmpty(t, a.EventID)
	}
	h.WaitWebhooks()
	require.NotNil(t, h.Entity("repo", "live"))
	assert.Equal(t, 3.0, h.Entity("repo", "live").Properties["stars"], "events of one repository apply in order")

	body := push("live", 0, true)
	for _, tc := range []struct {
		name    string
		body    []byte
		headers []string
		status  int
		code    string
	}{
		{"unsigned", body, nil, http.StatusUnauthorized, "unauthorized"},
		{"wrongly signed", body, []string{sign("guess", body)}, http.StatusUnauthorized, "unauthorized"},
		{"not JSON", []byte(`{"repo":`), []string{sign(token, []byte(`{"repo":`))}, http.StatusBadRequest, "invalid_json"},
		{"invalid", []byte(`{"repo":1}`), []string{sign(token, []byte(`{"repo":1}`))}, http.StatusBadRequest, "invalid_payload"},
	} {
		a := h.PostWebhook("/push", tc.body, tc.headers...)
		assert.Equal(t, tc.status, a.Status, tc.name)
		assert.Equal(t, tc.code, a.Error, tc.name)
		assert.NotEmpty(t, a.Message, tc.name)
	}
	require.NotNil(t, h.Entity("repo", "live"), "refused events change nothing")

	require.Equal(t, http.StatusAccepted, h.PostWebhook("push", body, sign(token, body)).Status)
	h.WaitWebhooks()
	assert.Nil(t, h.Entity("repo", "live"))
	warned := false
	for _, l := range h.Warnings() {
		warned = warned || l.Message == "Webhook event rejected"
	}
	assert.True(t, warned, "refusals are logged as warnings")
}

func TestFaultsOfThePortReachTheIntegration(t *testing.T) {
	for _, tc := range []struct {
		name    string
		faults  []localport.Fault
		created int
		failed  int
		retried string // the status a retry warning names
	}{
		{"3 bulk upserts answer 503, retried", []localport.Fault{
			{Method: http.MethodPost, Path: oceantest.RouteBulkUpsert, Status: http.StatusServiceUnavailable, Count: 3},
		}, 3, 0, "503"},
		{"a bulk upsert answers 429 with Retry-After, retried", []localport.Fault{
			{Method: http.MethodPost, Path: oceantest.RouteBulkUpsert, Status: http.StatusTooManyRequests, RetryAfter: 1, Count: 1},
		}, 3, 0, "429"},
		{"every upsert is refused", []localport.Fault{
			{Method: http.MethodPost, Path: oceantest.RouteBulkUpsert, Status: http.StatusBadRequest},
			{Method: http.MethodPost, Path: oceantest.RouteUpsert, Status: http.StatusBadRequest},
		}, 0, 3, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tiny(t, 3)
			for _, f := range tc.faults {
				h.InjectFault(f)
			}
			res, _ := h.Resync(context.Background())
			require.NotNil(t, res)
			repo := res.Kind("repo")
			assert.Equal(t, tc.created, repo.Created)
			assert.Equal(t, tc.failed, repo.Failed)
			assert.Len(t, h.Entities("repo"), tc.created)
			if tc.failed > 0 {
				assert.NotEmpty(t, h.Errors(), "what Port refused is logged")
			} else {
				assert.Equal(t, resync.Completed, res.Status)
				assert.True(t, slices.ContainsFunc(h.Warnings(), func(l oceantest.LogLine) bool {
					return l.Message == "Retrying Port request" && l.Fields["status"] == tc.retried
				}), "the client met the fault and retried")
			}
			h.ClearFaults()
		})
	}
}

func TestNewFailsTheTestWhenTheIntegrationCannotStart(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []oceantest.Option
		want string
	}{
		{"no .port", []oceantest.Option{oceantest.Dir(t.TempDir())}, "no .port directory"},
		{"a bad setting", []oceantest.Option{oceantest.Dir(tinyDir), oceantest.Env("OCEAN__EVENT_LISTENER__TYPE=SOMETIMES")}, "stopped at start"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := &recordingT{}
			rt.run(func(tb testing.TB) {
				oceantest.New(tb, setupTiny, tc.opts...)
				tb.Errorf("New returned")
			})
			require.Len(t, rt.failures, 1)
			assert.Contains(t, rt.failures[0], tc.want)
		})
	}
}

func TestEnvOverridesTheDefaults(t *testing.T) {
	h := tiny(t, 1, oceantest.Env("APPLICATION__LOG_LEVEL=DEBUG", "OCEAN__PATH_PREFIX=tiny"))
	assert.True(t, strings.HasSuffix(h.URL(), "/tiny"))
	debug := false
	for _, l := range h.Logs() {
		debug = debug || l.Level.String() == "debug"
	}
	assert.True(t, debug, "APPLICATION__LOG_LEVEL=DEBUG applies")
	body := []byte(`{"repo":{"name":"p","stars":1,"archived":false}}`)
	assert.Equal(t, http.StatusAccepted, h.PostWebhook("/push", body, sign(token, body)).Status, "routes are reached under the prefix")
	h.WaitWebhooks()
	assert.NotNil(t, h.Entity("repo", "p"))
}

func TestSettingsAndAppOptionsReachTheApp(t *testing.T) {
	h := tiny(t, 1, oceantest.Settings(map[string]any{"integration": map[string]any{"identifier": "tiny-two"}}),
		oceantest.AppOptions(ocean.WithVersion("1.2.3")))
	integ, err := h.Port().Integration("tiny-two")
	require.NoError(t, err)
	require.NotNil(t, integ, "the integration exists in Port under the identifier the settings give")
	assert.Equal(t, "1.2.3", integ["version"])
	res, err := h.Resync(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, res.Kind("repo").Created, "IntegrationConfig merges with Settings")
}
