package resync

import (
	"context"

	oceanctx "github.com/ocean-go/ocean/context"
)

// Observer is told how a full resync progresses, for metrics and for the
// reports to Port that show a resync while it runs. Its methods run on the
// resync's goroutine: they must return quickly and never fail the resync.
type Observer interface {
	// ResyncStarted is called once the resync has its event id.
	ResyncStarted(ctx context.Context, eventID string)
	// KindStarted is called before a resource's raw data is fetched; ks holds
	// its kind, index and blueprint.
	KindStarted(ctx context.Context, eventID string, ks KindSummary)
	// KindFinished is called when a resource has been written, before the
	// end-of-resync retry and reconciliation.
	KindFinished(ctx context.Context, eventID string, ks KindSummary)
	// ResyncFinished is called with the final summary, whatever the outcome;
	// ctx may be cancelled (an aborted resync).
	ResyncFinished(ctx context.Context, sum *Summary)
}

// ProgressObserver is an Observer also told, after each chunk of raw items
// a resource maps and writes, the resource's counts so far (for a live
// progress display). Same rules: quick, on the resync's goroutine.
type ProgressObserver interface {
	Observer
	KindProgress(ctx context.Context, eventID string, ks KindSummary)
}

type noObserver struct{}

func (noObserver) ResyncStarted(context.Context, string)             {}
func (noObserver) KindStarted(context.Context, string, KindSummary)  {}
func (noObserver) KindFinished(context.Context, string, KindSummary) {}
func (noObserver) ResyncFinished(context.Context, *Summary)          {}

// progressed tells a ProgressObserver how a resource of a full resync
// progresses.
func (e *Engine) progressed(ctx context.Context, ks *KindSummary) {
	po, ok := e.Observer.(ProgressObserver)
	if !ok {
		return
	}
	if ev := oceanctx.EventFrom(ctx); ev != nil && ev.Type == oceanctx.Resync {
		po.KindProgress(ctx, ev.ID, *ks)
	}
}

func (e *Engine) observer() Observer {
	if e.Observer == nil {
		return noObserver{}
	}
	return e.Observer
}
