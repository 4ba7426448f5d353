package fakeapp_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/integrations/fake/fakeapp"
	"github.com/ocean-go/ocean/localport"
	_ "github.com/ocean-go/ocean/localport/embedded" // the target of these runs
	"github.com/ocean-go/ocean/oceantest"
)

// sail runs the fake integration once on the embedded local Port kept in
// localDir, as `go run ./integrations/fake sail --once` does.
func sail(t *testing.T, localDir string, persons int, extraEnv ...string) *resync.Summary {
	t.Helper()
	app := newApp(localDir, persons, extraEnv...)
	zero := 0
	var table bytes.Buffer
	require.NoError(t, app.Sail(context.Background(), ocean.SailOptions{Once: true, Port: &zero, SummaryOut: &table}))
	assert.Contains(t, table.String(), "fake-person")
	return app.LastSummary()
}

func newApp(localDir string, persons int, extraEnv ...string) *ocean.App {
	env := append([]string{
		"OCEAN__LOCAL_PORT__DIR=" + localDir,
		"OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=" + strconv.Itoa(persons),
		"OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE=7",
		"APPLICATION__LOG_LEVEL=WARNING",
	}, extraEnv...)
	app := ocean.New(ocean.WithType("fake-integration"), ocean.WithVersion("0.1.0"), ocean.WithDir(".."),
		ocean.WithEnviron(env), ocean.WithLogOutput(&lockedBuffer{}))
	fakeapp.Setup(app)
	return app
}

func TestSailOnceOnTheEmbeddedLocalPort(t *testing.T) {
	local := t.TempDir()
	first := sail(t, local, 30)
	statics := 5 + 8 + 12 + 40
	assert.Equal(t, resync.Completed, first.Status)
	assert.Equal(t, statics+5*30, first.Totals().Created)
	assert.Zero(t, first.Totals().Failed)

	second := sail(t, local, 30)
	tot := second.Totals()
	assert.Equal(t, [3]int{0, 0, 0}, [3]int{tot.Created, tot.Updated, tot.Deleted}, "the same data again changes nothing")
	assert.Equal(t, statics+5*30, tot.Unchanged)

	third := sail(t, local, 20)
	assert.Equal(t, 5*10, third.Totals().Deleted, "persons beyond the new amount are deleted")
	assert.Equal(t, 5*20, third.Totals().Unchanged-statics)
}

func TestResyncReachesItsAPIUnderAPathPrefix(t *testing.T) {
	for _, prefix := range []string{"fake", "/team/fake/"} {
		t.Run(prefix, func(t *testing.T) {
			h := oceantest.New(t, fakeapp.Setup, oceantest.Dir(".."), oceantest.Env(
				"OCEAN__PATH_PREFIX="+prefix,
				"OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=3",
				"OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE=7",
			))
			s, err := h.Resync(context.Background())
			require.NoError(t, err)
			var table bytes.Buffer
			require.NoError(t, s.WriteTable(&table))
			assert.Contains(t, table.String(), "fake-person")
			assert.Equal(t, resync.Completed, s.Status)
			assert.Equal(t, 5+8+12+40+5*3, s.Totals().Created)
			assert.Len(t, s.Created, 5+8+12+40+5*3)
		})
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// On the embedded local Port the mapping file is the mapping: an edit to it
// applies on the next run.
func TestMappingFileEditAppliesToTheEmbeddedLocalPort(t *testing.T) {
	local, resources := t.TempDir(), t.TempDir()
	for _, name := range []string{"blueprints.json", "port-app-config.yml"} {
		data, err := os.ReadFile(filepath.Join("..", ".port", "resources", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(resources, name), data, 0o644))
	}
	env := "OCEAN__RESOURCES_PATH=" + resources
	sail(t, local, 3, env)

	mappingFile := filepath.Join(resources, "port-app-config.yml")
	data, err := os.ReadFile(mappingFile)
	require.NoError(t, err)
	edited := strings.Replace(string(data), "title: .name\n          blueprint: '\"fake-department\"'",
		"title: .name + \" department\"\n          blueprint: '\"fake-department\"'", 1)
	require.NotEqual(t, string(data), edited)
	require.NoError(t, os.WriteFile(mappingFile, []byte(edited), 0o644))

	s := sail(t, local, 3, env)
	assert.Equal(t, 5, s.Kinds[0].Updated, "every department gets the new title")
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Port answering 503 to bulk upserts and 429 to the owned-entity listing
// for a while costs retries, not entities.
func TestResyncRidesOutPortFaults(t *testing.T) {
	h := oceantest.New(t, fakeapp.Setup, oceantest.Dir(".."), oceantest.Env("OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=4"))
	h.InjectFault(localport.Fault{Method: http.MethodPost, Path: oceantest.RouteBulkUpsert, Status: http.StatusServiceUnavailable, Count: 3})
	h.InjectFault(localport.Fault{Method: http.MethodPost, Path: oceantest.RouteOwned, Status: http.StatusTooManyRequests,
		RetryAfter: time.Second, Count: 1})
	s, err := h.Resync(context.Background())
	require.NoError(t, err)
	assert.Equal(t, resync.Completed, s.Status)
	assert.Equal(t, 5+8+12+40+5*4, s.Totals().Created)
	assert.Zero(t, s.Totals().Failed)
	assert.Len(t, h.Entities(fakeapp.KindPerson), 5*4)
	assert.Empty(t, h.Errors())
	retried := map[string]bool{}
	for _, l := range h.Warnings() {
		if l.Message == "Retrying Port request" {
			retried[l.Fields["path"]+" "+l.Fields["status"]] = true
		}
	}
	assert.True(t, retried["/blueprints/fake-department/entities/bulk 503"], "the departments' upsert met the 503s: %v", retried)
	assert.True(t, retried["/blueprints/entities/datasource-entities 429"], "the owned-entity listing met the 429: %v", retried)
}
