package ocean_test

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/core/resync"
)

const incrementalInterval = 30 * time.Minute

// incremental records the cursor each incremental handler received and, when
// want has one for the kind, asserts it; it yields the source's items.
type incremental struct {
	t    *testing.T
	src  *source
	mu   sync.Mutex
	got  map[string]time.Time
	want map[string]time.Time
}

func (in *incremental) handler(ctx context.Context, kind string) iter.Seq2[[]any, error] {
	cursor, ok := ocean.IncrementalCursor(ctx)
	assert.True(in.t, ok, "an incremental handler gets a cursor")
	in.mu.Lock()
	in.got[kind] = cursor
	want, check := in.want[kind]
	in.mu.Unlock()
	if check {
		assert.True(in.t, want.Equal(cursor), "kind %s: cursor %s, want %s", kind, cursor, want)
	}
	return in.src.handler(ctx, kind)
}

// expect sets the cursors the next run must hand to the handlers, and forgets
// what the previous run received.
func (in *incremental) expect(want map[string]time.Time) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.want, in.got = want, map[string]time.Time{}
}

func (in *incremental) received() map[string]time.Time {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.got
}

// incrementalOnce runs `sail --once` with incremental sync enabled and the
// incremental handler registered for kinds.
func (h *harness) incrementalOnce(in *incremental, kinds ...string) (*resync.Summary, string, error) {
	return h.sailIncremental(h.newApp(incrementalEnv...), in, kinds...)
}

var incrementalEnv = []string{"OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED=true", "OCEAN__INTEGRATION__INCREMENTAL_SYNC_INTERVAL=30"}

// sailIncremental registers the incremental handler for kinds on app and runs
// `sail --once`; it returns the summary and the printed table.
func (h *harness) sailIncremental(app *ocean.App, in *incremental, kinds ...string) (*resync.Summary, string, error) {
	for _, k := range kinds {
		app.OnIncrementalResync(k, in.handler)
	}
	zero := 0
	var table bytes.Buffer
	err := app.Sail(context.Background(), ocean.SailOptions{Once: true, Port: &zero, SummaryOut: &table})
	return app.LastSummary(), table.String(), err
}

// cursor reads the stored cursor of a resource from Port.
func (h *harness) cursor(kind string, index int) time.Time {
	h.t.Helper()
	s, err := h.client().GetCursor(context.Background(), kind, index)
	require.NoError(h.t, err)
	if s == "" {
		return time.Time{}
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(h.t, err)
	return at
}

func TestIncrementalSyncCursors(t *testing.T) {
	h := newHarness(t)
	in := &incremental{t: t, src: h.src}

	// First run: no stored cursor, so handlers fetch from one interval ago.
	in.expect(nil)
	first, table, err := h.incrementalOnce(in, "team", "member")
	require.NoError(t, err)
	require.True(t, first.Incremental)
	assert.Equal(t, resync.Completed, first.Status)
	assert.Equal(t, 5, first.Totals().Created, "entities are mapped and written as in a resync")
	assert.Contains(t, table, "incremental sync "+first.EventID+": completed")
	start1 := first.StartedAt.Truncate(time.Microsecond)
	for kind, cursor := range in.received() {
		assert.True(t, start1.Add(-incrementalInterval).Equal(cursor), "kind %s: cursor %s is the run start - interval", kind, cursor)
	}
	assert.Len(t, in.received(), 2)
	assert.True(t, start1.Equal(h.cursor("team", 0)), "the run start is stored as the cursor")
	assert.True(t, start1.Equal(h.cursor("member", 1)))
	assert.Equal(t, "completed", h.integration().ResyncState.Status, "the resync state is reported as for a resync")

	// Second run: the handlers see the stored cursors; unchanged data writes nothing.
	in.expect(map[string]time.Time{"team": start1, "member": start1})
	second, _, err := h.incrementalOnce(in, "team", "member")
	require.NoError(t, err)
	assert.Len(t, in.received(), 2)
	assert.Equal(t, 5, second.Totals().Unchanged, "change detection applies")
	start2 := second.StartedAt.Truncate(time.Microsecond)
	assert.True(t, start2.Equal(h.cursor("member", 1)), "the cursor advances")
}

func TestIncrementalSyncStopsAtFailingKind(t *testing.T) {
	h := newHarness(t)
	in := &incremental{t: t, src: h.src}
	in.expect(nil)
	first, _, err := h.incrementalOnce(in, "team", "member")
	require.NoError(t, err)
	start1 := first.StartedAt.Truncate(time.Microsecond)

	// The first kind fails: the run stops there, and no cursor moves.
	h.src.mu.Lock()
	h.src.fail["team"] = errors.New("third-party API answered 500")
	h.src.mu.Unlock()
	in.expect(map[string]time.Time{"team": start1})
	sum, table, err := h.incrementalOnce(in, "team", "member")
	require.ErrorContains(t, err, "third-party API answered 500")
	assert.Equal(t, resync.Failed, sum.Status)
	assert.NotContains(t, in.received(), "member", "the kinds after the failing one do not run")
	require.Len(t, sum.Kinds, 1)
	assert.Contains(t, sum.Deletion, "stopped at team-0, its cursor not advanced")
	assert.Contains(t, table, "stopped at team-0")
	assert.True(t, start1.Equal(h.cursor("team", 0)), "the failing kind keeps its cursor")
	assert.True(t, start1.Equal(h.cursor("member", 1)))
	assert.Equal(t, "failed", h.integration().ResyncState.Status)

	// The second kind fails: the first advances, the failing one fetches the
	// same changes again next time.
	h.src.mu.Lock()
	delete(h.src.fail, "team")
	h.src.fail["member"] = errors.New("third-party API answered 500")
	h.src.mu.Unlock()
	in.expect(map[string]time.Time{"team": start1, "member": start1})
	sum, _, err = h.incrementalOnce(in, "team", "member")
	require.Error(t, err)
	assert.Len(t, in.received(), 2)
	start3 := sum.StartedAt.Truncate(time.Microsecond)
	assert.True(t, start3.Equal(h.cursor("team", 0)), "the kind that succeeded advances")
	assert.True(t, start1.Equal(h.cursor("member", 1)), "the failing kind keeps its cursor")
}

func TestIncrementalSyncNeverDeletesAndSkipsKindsWithoutHandler(t *testing.T) {
	h := newHarness(t)
	_, err := h.once() // a full resync writes every entity
	require.NoError(t, err)

	// ann changed; bob and cid disappeared from the source, as did team blue.
	h.src.set("member", map[string]any{"id": "ann", "name": "Ann", "email": "ann@shop.test", "age": 32, "team": "red"})
	h.src.set("team", map[string]any{"id": "red", "name": "Red"})
	in := &incremental{t: t, src: h.src}
	in.expect(nil)
	sum, table, err := h.incrementalOnce(in, "member")
	require.NoError(t, err)

	require.Len(t, sum.Kinds, 1, "only kinds with an incremental handler run")
	assert.Equal(t, "member", sum.Kinds[0].Kind)
	assert.Equal(t, 1, sum.Kinds[0].Updated)
	assert.NotContains(t, in.received(), "team")
	assert.True(t, h.cursor("team", 0).IsZero(), "a skipped kind gets no cursor")
	assert.Contains(t, table, "nothing deleted")
	assert.Len(t, h.entities("member"), 3, "entities missing from an incremental sync are not deleted")
	assert.Len(t, h.entities("team"), 2)
}

func TestIncrementalOnlyIntegration(t *testing.T) {
	h := newHarness(t)
	in := &incremental{t: t, src: h.src}
	in.expect(nil)
	sum, _, err := h.sailIncremental(h.bareApp(incrementalEnv...), in, "member")
	require.NoError(t, err, "under ONCE an incremental sync needs no full resync handler")
	assert.Equal(t, 3, kind(sum, "member").Created)

	polling := h.bareApp(incrementalEnv...)
	polling.OnIncrementalResync("member", in.handler)
	err = polling.Sail(context.Background(), ocean.SailOptions{})
	assert.ErrorContains(t, err, "no resync handler registered", "Port-requested resyncs need a full resync handler")
}
