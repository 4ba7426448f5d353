package ocean

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/internal/progress"
)

func TestProgressRow(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ks := resync.KindSummary{Kind: "member", Index: 1, Extracted: 10, Transformed: 9, Created: 3, Updated: 2, Uncompared: 1,
		Unchanged: 3, StartedAt: start, Duration: 2 * time.Second}
	for _, tc := range []struct {
		name  string
		ended bool
		want  progress.Row
	}{
		{"running", false, progress.Row{Name: "member#1", Extracted: 10, Mapped: 9, Written: 6, Unchanged: 3, Started: start}},
		{"finished", true, progress.Row{Name: "member#1", Extracted: 10, Mapped: 9, Written: 6, Unchanged: 3, Started: start, Ended: start.Add(2 * time.Second)}},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, progressRow(ks, tc.ended, false)) })
	}
}

// The observers of a resync are each told everything, progress included,
// and the display ends up with one finished row per resource.
func TestObserversFeedTheDisplay(t *testing.T) {
	var buf bytes.Buffer
	d := progress.New(&buf)
	var rec recordingObserver
	obs := observers{&rec, progressObserver{d: d}}
	ctx := context.Background()
	ks := resync.KindSummary{Kind: "team", StartedAt: time.Now()}
	obs.ResyncStarted(ctx, "e1")
	obs.KindStarted(ctx, "e1", ks)
	ks.Extracted = 2
	obs.KindProgress(ctx, "e1", ks)
	obs.KindFinished(ctx, "e1", ks)
	obs.ResyncFinished(ctx, &resync.Summary{EventID: "e1"})
	assert.Equal(t, []string{"started", "kind started", "kind finished", "finished"}, rec.calls, "a plain Observer is not told progress")
	assert.Contains(t, buf.String(), "team#0")
	assert.Contains(t, buf.String(), "done")
}

type recordingObserver struct{ calls []string }

func (r *recordingObserver) ResyncStarted(context.Context, string) {
	r.calls = append(r.calls, "started")
}
func (r *recordingObserver) KindStarted(context.Context, string, resync.KindSummary) {
	r.calls = append(r.calls, "kind started")
}
func (r *recordingObserver) KindFinished(context.Context, string, resync.KindSummary) {
	r.calls = append(r.calls, "kind finished")
}
func (r *recordingObserver) ResyncFinished(context.Context, *resync.Summary) {
	r.calls = append(r.calls, "finished")
}
