package ocean

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/ocean-go/ocean/config"
	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/internal/progress"
)

// liveProgress returns the live progress display of a ONCE run whose summary
// goes to a terminal, or nil: elsewhere the resync's log lines say how it
// progresses. Logs shown on a terminal too are routed through it, so that
// they appear above the block instead of being overwritten by it.
func (a *App) liveProgress() *progress.Display {
	if a.settings.EventListener.Type != config.ListenerOnce || !onTerminal(a.summaryOut) {
		return nil
	}
	d := progress.New(a.summaryOut)
	if onTerminal(a.log.Out) {
		a.log.SetOutput(d.Writer(a.log.Out))
	}
	return d
}

func onTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}

// progressObserver feeds a live progress display; planned: of a dry run.
type progressObserver struct {
	d       *progress.Display
	planned bool
}

var _ resync.ProgressObserver = progressObserver{}

func (p progressObserver) ResyncStarted(context.Context, string) {}

func (p progressObserver) KindStarted(_ context.Context, _ string, ks resync.KindSummary) {
	p.d.Update(progressRow(ks, false, p.planned))
}

func (p progressObserver) KindProgress(_ context.Context, _ string, ks resync.KindSummary) {
	p.d.Update(progressRow(ks, false, p.planned))
}

func (p progressObserver) KindFinished(_ context.Context, _ string, ks resync.KindSummary) {
	p.d.Update(progressRow(ks, true, p.planned))
}

func (p progressObserver) ResyncFinished(context.Context, *resync.Summary) { p.d.Finish() }

// progressRow is a resource's row; a resource is named by kind and index, so
// that a kind mapped twice has two rows.
func progressRow(ks resync.KindSummary, ended, planned bool) progress.Row {
	r := progress.Row{
		Name:      fmt.Sprintf("%s#%d", ks.Kind, ks.Index),
		Extracted: ks.Extracted, Mapped: ks.Transformed,
		Written: ks.Created + ks.Updated + ks.Uncompared, Unchanged: ks.Unchanged,
		Started: ks.StartedAt, Planned: planned,
	}
	if ended {
		r.Ended = ks.StartedAt.Add(ks.Duration)
	}
	return r
}

// observers tells each of its observers, in order.
type observers []resync.Observer

var _ resync.ProgressObserver = observers(nil)

func (obs observers) ResyncStarted(ctx context.Context, id string) {
	for _, o := range obs {
		o.ResyncStarted(ctx, id)
	}
}

func (obs observers) KindStarted(ctx context.Context, id string, ks resync.KindSummary) {
	for _, o := range obs {
		o.KindStarted(ctx, id, ks)
	}
}

func (obs observers) KindProgress(ctx context.Context, id string, ks resync.KindSummary) {
	for _, o := range obs {
		if po, ok := o.(resync.ProgressObserver); ok {
			po.KindProgress(ctx, id, ks)
		}
	}
}

func (obs observers) KindFinished(ctx context.Context, id string, ks resync.KindSummary) {
	for _, o := range obs {
		o.KindFinished(ctx, id, ks)
	}
}

func (obs observers) ResyncFinished(ctx context.Context, sum *resync.Summary) {
	for _, o := range obs {
		o.ResyncFinished(ctx, sum)
	}
}
