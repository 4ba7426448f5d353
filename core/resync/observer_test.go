package resync

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/handlers"
)

// recorder is an Observer that writes down what it is told.
type recorder struct {
	mu    sync.Mutex
	calls []string
	last  *Summary
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
}

func (r *recorder) ResyncStarted(_ context.Context, id string) { r.add("started " + id) }
func (r *recorder) KindStarted(_ context.Context, id string, ks KindSummary) {
	r.add(fmt.Sprintf("kind %s-%d of %s to %s", ks.Kind, ks.Index, id, ks.Blueprint))
}
func (r *recorder) KindFinished(_ context.Context, id string, ks KindSummary) {
	r.add(fmt.Sprintf("kind %s-%d done: %d extracted, %d filtered out, %d transformed, %d map-failed, %d failed",
		ks.Kind, ks.Index, ks.Extracted, ks.FilteredOut, ks.Transformed, ks.MapFailed, ks.Failed))
}
func (r *recorder) ResyncFinished(_ context.Context, sum *Summary) {
	r.last = sum
	r.add("finished " + string(sum.Status))
}

// The observer hears of the resync, of each kind before and after it runs
// (with what it counted), and of the outcome.
func TestObserverFollowsAResync(t *testing.T) {
	e := newEngine(t, mapping(personResource(".name != \"skip\"", ".id"), personResource("true", ".id")))
	seed(t, e, "gone")
	var rec recorder
	e.Observer = &rec
	e.Handlers.OnResync("person", handlers.List(func(context.Context, string) ([]any, error) {
		return append(people("a", "b", "skip"), "not an object"), nil
	}))
	sum, err := e.SyncRawAll(t.Context(), oceanctx.Manual)
	if err == nil {
		t.Fatal("an item that cannot be mapped fails the resync")
	}
	want := []string{
		"started " + sum.EventID,
		"kind person-0 of " + sum.EventID + " to person",
		"kind person-0 done: 4 extracted, 1 filtered out, 2 transformed, 1 map-failed, 1 failed",
		"kind person-1 of " + sum.EventID + " to person",
		"kind person-1 done: 4 extracted, 0 filtered out, 3 transformed, 0 map-failed, 0 failed",
		"finished failed",
	}
	if !slices.Equal(rec.calls, want) {
		t.Errorf("calls\n%q\nwant\n%q", rec.calls, want)
	}
	if rec.last != sum {
		t.Error("the observer gets the summary returned")
	}
}

// Reconciliation's duration is recorded, its deleting part apart.
func TestReconcileDurations(t *testing.T) {
	e := newEngine(t)
	seed(t, e, "gone")
	e.Handlers.OnResync("person", handlers.List(func(context.Context, string) ([]any, error) {
		return people("a"), nil
	}))
	sum, err := e.SyncRawAll(t.Context(), oceanctx.Manual)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Totals().Deleted != 1 || sum.ReconcileDuration <= 0 || sum.DeleteDuration <= 0 || sum.DeleteDuration > sum.ReconcileDuration {
		t.Errorf("deleted %d in %v of %v reconciling", sum.Totals().Deleted, sum.DeleteDuration, sum.ReconcileDuration)
	}
}

// progressRecorder is a ProgressObserver noting the progress it is told.
type progressRecorder struct {
	recorder
	progress []string
}

func (r *progressRecorder) KindProgress(_ context.Context, _ string, ks KindSummary) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress = append(r.progress, fmt.Sprintf("%s-%d: %d extracted, %d created", ks.Kind, ks.Index, ks.Extracted, ks.Created))
}

// A ProgressObserver hears after each chunk written how far its resource is.
func TestProgressObserverHearsEachChunk(t *testing.T) {
	e := newEngine(t)
	e.ChunkSize = 2
	var rec progressRecorder
	e.Observer = &rec
	e.Handlers.OnResync("person", handlers.List(func(context.Context, string) ([]any, error) {
		return people("a", "b", "c"), nil
	}))
	if _, err := e.SyncRawAll(t.Context(), oceanctx.Manual); err != nil {
		t.Fatal(err)
	}
	want := []string{"person-0: 2 extracted, 2 created", "person-0: 3 extracted, 3 created"}
	if !slices.Equal(rec.progress, want) {
		t.Errorf("progress %q, want %q", rec.progress, want)
	}
}
