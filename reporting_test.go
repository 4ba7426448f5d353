package ocean_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/localport"
)

// syncEvent is the part of a sync-metrics event the tests look at.
type syncEvent struct {
	IntegrationType       string         `json:"integrationType"`
	InstallationType      string         `json:"installationType"`
	ExecutionMode         string         `json:"executionMode"`
	IntegrationIdentifier string         `json:"integrationIdentifier"`
	IntegrationVersion    string         `json:"integrationVersion"`
	OceanVersion          string         `json:"oceanVersion"`
	KindIdentifier        string         `json:"kindIdentifier"`
	Kind                  string         `json:"kind"`
	KindIndex             int            `json:"kindIndex"`
	EventID               string         `json:"eventId"`
	SyncState             string         `json:"syncState"`
	Blueprint             *string        `json:"blueprint"`
	Metrics               map[string]any `json:"metrics"`
	Errors                []string       `json:"errors"`
}

func decodeEvents(t *testing.T, payloads []json.RawMessage, key string) [][]syncEvent {
	t.Helper()
	var out [][]syncEvent
	for _, p := range payloads {
		var body map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(p, &body))
		var evs []syncEvent
		if key == "syncKindMetrics" {
			var ev syncEvent
			require.NoError(t, json.Unmarshal(body[key], &ev))
			evs = []syncEvent{ev}
		} else {
			require.NoError(t, json.Unmarshal(body[key], &evs))
		}
		out = append(out, evs)
	}
	return out
}

// at follows keys down nested metrics.
func at(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

// A resync reports to Port's metrics sink: the whole resync as syncing at the
// start, each kind before (syncing) and after (completed) it runs, and the
// final state of the resync and of reconciliation at the end.
func TestResyncReportsSyncMetricsToPort(t *testing.T) {
	h := newHarness(t)
	h.src.set("member",
		map[string]any{"id": "ann", "name": "Ann", "email": "ann@shop.test", "team": "red"},
		map[string]any{"id": "bob", "name": "Bob", "email": "bob@shop.test", "team": "blue"},
		map[string]any{"id": "cid", "name": "Cid", "email": "cid@shop.test", "team": "red"},
		map[string]any{"id": "dan", "name": "Dan", "team": "red"}, // no email: Port refuses it
		map[string]any{"id": "eve", "name": "Eve", "email": "eve@shop.test", "active": false})
	sum, err := h.once()
	require.Error(t, err, "an entity Port refuses fails the resync")
	require.Equal(t, resync.Failed, sum.Status)

	sinks := h.port.Sinks()
	posts := decodeEvents(t, sinks[localport.SinkSyncMetrics].Last, "syncKindsMetrics")
	require.Len(t, posts, 2, "one POST at the start, one at the end")
	start, end := posts[0], posts[1]
	require.Len(t, start, 1)
	assert.Equal(t, syncEvent{
		IntegrationType: "shop", InstallationType: "OnPrem", ExecutionMode: "single_process",
		IntegrationIdentifier: "shop-test", IntegrationVersion: "1.0.0", OceanVersion: ocean.Version,
		KindIdentifier: "__runtime__", Kind: "__runtime__", EventID: sum.EventID, SyncState: "syncing",
		Metrics: map[string]any{},
	}, start[0])
	require.Len(t, end, 2)
	assert.Equal(t, [2]string{"__runtime__", "__reconciliation__"}, [2]string{end[0].KindIdentifier, end[1].KindIdentifier})
	assert.Equal(t, [2]string{"failed", "failed"}, [2]string{end[0].SyncState, end[1].SyncState})
	assert.Equal(t, 0.0, at(end[0].Metrics, "phase", "resync", "success"))
	assert.IsType(t, 0.0, at(end[0].Metrics, "phase", "resync", "duration_seconds"))

	puts := decodeEvents(t, sinks[localport.SinkKindMetrics].Last, "syncKindMetrics")
	require.Len(t, puts, 4, "two kinds, each before and after")
	var got []string
	for _, p := range puts {
		ev := p[0]
		got = append(got, ev.KindIdentifier+" "+ev.SyncState)
		assert.Equal(t, sum.EventID, ev.EventID)
		require.NotNil(t, ev.Blueprint)
		assert.Equal(t, ev.Kind, *ev.Blueprint, "the test mapping writes each kind to its namesake blueprint")
	}
	assert.Equal(t, []string{"team-0 syncing", "team-0 completed", "member-1 syncing", "member-1 failed"}, got)
	team, member := puts[1][0], puts[3][0]
	assert.Equal(t, [2]any{"team", 0}, [2]any{team.Kind, team.KindIndex})
	assert.Equal(t, [2]any{"member", 1}, [2]any{member.Kind, member.KindIndex})
	count := func(ev syncEvent, phase, typ string) any {
		return at(ev.Metrics, "phase", phase, "object_count_type", typ, "object_count")
	}
	assert.Equal(t, 2.0, count(team, "load", "loaded"))
	assert.Equal(t, 1.0, at(team.Metrics, "phase", "resync", "success"))
	assert.Equal(t, 5.0, count(member, "extract", "raw_extracted"))
	assert.Equal(t, 0.0, count(member, "extract", "failed"))
	assert.Equal(t, 1.0, count(member, "transform", "filtered_out"))
	assert.Equal(t, 4.0, count(member, "transform", "transformed"))
	assert.Equal(t, 0.0, count(member, "transform", "failed"))
	assert.Equal(t, 3.0, count(member, "load", "loaded"))
	assert.Equal(t, 1.0, count(member, "load", "failed"))
	assert.Equal(t, 0.0, at(member.Metrics, "phase", "resync", "success"))
	assert.Empty(t, team.Errors)
	require.Len(t, member.Errors, 1, "what failed the kind, beside its counts")
	assert.Contains(t, member.Errors[0], "Port refused 1 entities, the first: member/dan: ")
	assert.IsType(t, 0.0, at(member.Metrics, "phase", "resync", "duration_seconds"))
	assert.NotNil(t, at(member.Metrics, "phase", "load", "endpoint", "POST /blueprints/member/entities/bulk", "rate_limit_wait_seconds"),
		"the kind's waits on the rate limiter, by endpoint")

	// A second resync: members unchanged are skipped, member cid is gone and deleted.
	h.src.set("member",
		map[string]any{"id": "ann", "name": "Ann", "email": "ann@shop.test", "team": "red"},
		map[string]any{"id": "bob", "name": "Bob", "email": "bob@shop.test", "team": "blue"})
	_, err = h.once()
	require.NoError(t, err)
	sinks = h.port.Sinks()
	puts = decodeEvents(t, sinks[localport.SinkKindMetrics].Last, "syncKindMetrics")
	last := puts[len(puts)-1][0]
	assert.Equal(t, "member-1 completed", last.KindIdentifier+" "+last.SyncState)
	assert.Equal(t, 2.0, count(last, "load", "skipped"))
	assert.Equal(t, 0.0, count(last, "load", "loaded"))
	posts = decodeEvents(t, sinks[localport.SinkSyncMetrics].Last, "syncKindsMetrics")
	rec := posts[len(posts)-1][1]
	assert.Equal(t, "completed", rec.SyncState)
	assert.Equal(t, 1.0, at(rec.Metrics, "phase", "delete", "object_count_type", "deleted", "object_count"))
	assert.IsType(t, 0.0, at(rec.Metrics, "phase", "delete", "duration_seconds"))
}

// While a resync runs, Port gets a heartbeat every
// STATUS_HEARTBEAT_INTERVAL_SECONDS; it stops with the resync.
func TestHeartbeatWhileAResyncRuns(t *testing.T) {
	h := newHarness(t)
	h.src.gate, h.src.waiting = make(chan struct{}), make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		_, err := h.once("OCEAN__STATUS_HEARTBEAT_INTERVAL_SECONDS=1")
		done <- err
	}()
	<-h.src.waiting
	beats := func() int { return h.port.Sinks()[localport.SinkHeartbeat].Count }
	require.Eventually(t, func() bool { return beats() >= 2 }, 20*time.Second, 50*time.Millisecond)
	close(h.src.gate)
	require.NoError(t, <-done)

	sink := h.port.Sinks()[localport.SinkHeartbeat]
	var body map[string]string
	require.NoError(t, json.Unmarshal(sink.Last[0], &body))
	assert.NotEmpty(t, body["eventId"])
	assert.Equal(t, []string{"eventId"}, keys(body))
	n := beats()
	assert.Never(t, func() bool { return beats() > n }, 2500*time.Millisecond, 100*time.Millisecond,
		"no heartbeat once the resync ended")
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// webhook is a metrics webhook of the user's: it records what it receives.
type webhook struct {
	mu     sync.Mutex
	bodies []syncEvent
	auth   []string
}

func startWebhook(t *testing.T) (*webhook, string) {
	t.Helper()
	w := &webhook{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var ev syncEvent
		_ = json.Unmarshal(b, &ev)
		w.mu.Lock()
		w.bodies = append(w.bodies, ev)
		w.auth = append(w.auth, r.Header.Get("Authorization"))
		w.mu.Unlock()
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return w, "http://" + ln.Addr().String() + "/hook"
}

// With METRICS__ENABLED and METRICS__WEBHOOK_URL, every event reported to
// Port is also POSTed to the webhook, without Port's credentials.
func TestMetricsWebhookGetsTheSameEvents(t *testing.T) {
	h := newHarness(t)
	w, url := startWebhook(t)
	_, err := h.once("OCEAN__METRICS__ENABLED=true", "OCEAN__METRICS__WEBHOOK_URL="+url)
	require.NoError(t, err)

	w.mu.Lock()
	defer w.mu.Unlock()
	var got []string
	for _, ev := range w.bodies {
		got = append(got, ev.KindIdentifier+" "+ev.SyncState)
	}
	assert.Equal(t, []string{
		"__runtime__ syncing", "team-0 syncing", "team-0 completed", "member-1 syncing", "member-1 completed",
		"__runtime__ completed", "__reconciliation__ completed",
	}, got)
	for _, a := range w.auth {
		assert.Empty(t, a, "the webhook is not Port: no Port token")
	}
	assert.Equal(t, 7, h.port.Sinks()[localport.SinkKindMetrics].Count+h.port.Sinks()[localport.SinkSyncMetrics].Count+1,
		"Port got the same events: 4 PUTs, and 2 POSTs carrying 3 events")
}
