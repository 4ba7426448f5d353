package listeners

import (
	"context"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
)

// ResyncRequests is where Polling looks for resync requests: Port's
// GET /v1/integration/{id}/resync-request.
type ResyncRequests interface {
	GetResyncRequest(ctx context.Context) (*port.ResyncRequest, error)
}

// Polling resyncs at start (unless ResyncOnStart is false) and whenever Port
// holds a resync request newer than the last one handled. Polls never overlap:
// the next one starts Interval after the previous one (and its resync) ended.
type Polling struct {
	Interval      time.Duration
	ResyncOnStart bool
	Requests      ResyncRequests
	// Handled returns the Port time up to which requests count as handled:
	// the resyncState.updatedAt of the latest resync this integration started
	// (zero when unknown, and then any request is pending). Both sides of the
	// comparison are Port's clock.
	Handled func() time.Time
	Resync  func(ctx context.Context) error
	Log     logrus.FieldLogger
}

// Start polls until ctx ends; the first poll is at once unless a resync on
// start ran. Resync errors are logged; they do not stop the listener.
func (p Polling) Start(ctx context.Context) error {
	interval := p.Interval
	if interval <= 0 {
		interval = time.Minute
	}
	var first time.Duration
	// Ocean's resync_on_start never fires (its watermark starts as "" rather than
	// null); here it does what its name says.
	if p.ResyncOnStart {
		p.resync(ctx)
		first = interval
	}
	var lastRequest time.Time
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		req, err := p.Requests.GetResyncRequest(ctx)
		switch {
		case ctx.Err() != nil: // shutting down
			return nil
		case err != nil:
			p.Log.WithError(err).Warn("Could not read resync requests from Port")
		case req != nil:
			at, perr := time.Parse(time.RFC3339Nano, req.UpdatedAt)
			if perr == nil && at.After(lastRequest) && at.After(p.handled()) {
				lastRequest = at
				p.Log.WithField("request", req.ID).Info("Port requested a resync")
				p.resync(ctx)
			}
		}
		t.Reset(interval)
	}
}

func (p Polling) handled() time.Time {
	if p.Handled == nil {
		return time.Time{}
	}
	return p.Handled()
}

func (p Polling) resync(ctx context.Context) {
	if err := p.Resync(ctx); err != nil && ctx.Err() == nil {
		p.Log.WithError(err).Error("Resync failed")
	}
}
