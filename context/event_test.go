package context_test

import (
	stdctx "context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/core/appconfig"
)

func TestNewResyncAbortsOlderResyncs(t *testing.T) {
	var tr oceanctx.Tracker
	old, oldEv := tr.Begin(stdctx.Background(), oceanctx.Resync, oceanctx.Machine, nil)
	req, reqEv := tr.Begin(stdctx.Background(), oceanctx.HTTPRequest, oceanctx.Request, nil)
	newer, newEv := tr.Begin(stdctx.Background(), oceanctx.Resync, oceanctx.Manual, nil)
	defer tr.End(reqEv)
	defer tr.End(newEv)

	require.Error(t, old.Err(), "the older resync must be cancelled")
	assert.ErrorIs(t, stdctx.Cause(old), oceanctx.ErrAborted)
	assert.NoError(t, newer.Err(), "the newest resync keeps running")
	assert.NoError(t, req.Err(), "other event types are not aborted")

	tr.End(oldEv)
	assert.ErrorIs(t, stdctx.Cause(old), oceanctx.ErrAborted, "ending keeps the abort cause")
	assert.ElementsMatch(t, []*oceanctx.Event{reqEv, newEv}, tr.Running())
}

func TestIncrementalResyncsAndResyncsDoNotAbortEachOther(t *testing.T) {
	var tr oceanctx.Tracker
	res, resEv := tr.Begin(stdctx.Background(), oceanctx.Resync, oceanctx.Machine, nil)
	defer tr.End(resEv)
	inc, incEv := tr.Begin(stdctx.Background(), oceanctx.IncrementalResync, oceanctx.Machine, nil)
	defer tr.End(incEv)
	assert.NoError(t, res.Err(), "an incremental sync does not abort a resync")
	_, newEv := tr.Begin(stdctx.Background(), oceanctx.Resync, oceanctx.Manual, nil)
	defer tr.End(newEv)
	assert.NoError(t, inc.Err(), "a resync does not abort an incremental sync")
	assert.Error(t, res.Err(), "it aborts the older resync")
}

func TestChildEventInheritsAttributesAndMapping(t *testing.T) {
	var tr oceanctx.Tracker
	pctx, parent := tr.Begin(stdctx.Background(), oceanctx.Resync, oceanctx.Machine, map[string]any{"a": 1, "b": 2})
	defer tr.End(parent)
	cfg := &appconfig.PortAppConfig{}
	parent.SetPortAppConfig(cfg)

	cctx, child := tr.Begin(pctx, oceanctx.HTTPRequest, oceanctx.Request, map[string]any{"b": 3})
	defer tr.End(child)
	child.SetAttribute("c", 4)

	assert.Same(t, parent, child.Parent)
	assert.Same(t, child, oceanctx.EventFrom(cctx))
	assert.Same(t, cfg, child.PortAppConfig())
	for key, want := range map[string]any{"a": 1, "b": 3, "c": 4} {
		got, ok := child.Attribute(key)
		assert.True(t, ok, key)
		assert.Equal(t, want, got, key)
	}
	_, ok := parent.Attribute("c")
	assert.False(t, ok, "a child's attributes do not leak into its parent")
	assert.NotEqual(t, parent.ID, child.ID)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, child.ID)
}

func TestAbortWithCause(t *testing.T) {
	var tr oceanctx.Tracker
	ctx, ev := tr.Begin(stdctx.Background(), oceanctx.Resync, oceanctx.Machine, nil)
	defer tr.End(ev)
	boom := errors.New("port said stale")
	ev.Abort(boom)
	assert.ErrorIs(t, stdctx.Cause(ctx), boom)
}

func TestConcurrentResyncsLeaveOneRunning(t *testing.T) {
	var tr oceanctx.Tracker
	const n = 32
	ctxs := make([]stdctx.Context, n)
	evs := make([]*oceanctx.Event, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctxs[i], evs[i] = tr.Begin(stdctx.Background(), oceanctx.Resync, oceanctx.Machine, nil)
		}()
	}
	wg.Wait()
	alive := 0
	for _, c := range ctxs {
		if c.Err() == nil {
			alive++
		}
	}
	assert.Equal(t, 1, alive, "exactly the last resync to begin survives")
	for _, ev := range evs {
		tr.End(ev)
	}
	assert.Empty(t, tr.Running())
}

func TestResourceAndIntegrationConfig(t *testing.T) {
	ctx := stdctx.Background()
	_, ok := oceanctx.ResourceFrom(ctx)
	assert.False(t, ok)
	rc := &appconfig.ResourceConfig{Kind: "project"}
	ctx = oceanctx.WithResource(ctx, rc, 2)
	r, ok := oceanctx.ResourceFrom(ctx)
	require.True(t, ok)
	assert.Same(t, rc, r.Config)
	assert.Equal(t, "project-2", r.Label())

	ctx = oceanctx.WithIntegrationConfig(ctx, map[string]any{"entityAmount": 3})
	assert.Equal(t, map[string]any{"entityAmount": 3}, oceanctx.IntegrationConfig(ctx))

	_, ok = oceanctx.CursorFrom(ctx)
	assert.False(t, ok, "no cursor outside an incremental sync")
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	got, ok := oceanctx.CursorFrom(oceanctx.WithCursor(ctx, at))
	require.True(t, ok)
	assert.Equal(t, at, got)
}

func TestScopedStateLivesAsLongAsTheEvent(t *testing.T) {
	var tr oceanctx.Tracker
	ctx, ev := tr.Begin(stdctx.Background(), oceanctx.Resync, oceanctx.Machine, nil)
	var ended []string
	made := 0
	create := func() any {
		made++
		// create may register an end callback: the state releases itself.
		ev.OnEnd(func() { ended = append(ended, "state") })
		return &made
	}
	first := ev.Scoped("k", create)
	assert.Same(t, first, ev.Scoped("k", create), "made once per event")
	assert.Equal(t, 1, made)

	_, child := tr.Begin(ctx, oceanctx.HTTPRequest, oceanctx.Request, nil)
	assert.NotSame(t, first, child.Scoped("k", func() any { return new(int) }), "not inherited by child events")
	tr.End(child)

	ev.OnEnd(func() { ended = append(ended, "second") })
	assert.Empty(t, ended)
	tr.End(ev)
	tr.End(ev)
	assert.Equal(t, []string{"state", "second"}, ended, "callbacks run once, in order")
	ev.OnEnd(func() { ended = append(ended, "late") })
	assert.Equal(t, []string{"state", "second", "late"}, ended, "a callback registered after the end runs at once")
}
