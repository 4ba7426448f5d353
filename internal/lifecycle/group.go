package lifecycle

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// Runnable is a part of an App that runs until its context ends. Start returns
// nil when it stopped because ctx ended or its work is done; an error otherwise.
type Runnable interface {
	Start(ctx context.Context) error
}

// Func adapts a function to a Runnable.
type Func func(ctx context.Context) error

// Start calls f.
func (f Func) Start(ctx context.Context) error { return f(ctx) }

// Group is a set of running runnables.
type Group struct {
	log logrus.FieldLogger

	mu      sync.Mutex
	running []*running
	// ended receives the first runnable that returns, ending the group.
	ended chan *running
}

type running struct {
	name   string
	stop   time.Duration
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// New returns an empty group that logs to log.
func New(log logrus.FieldLogger) *Group {
	return &Group{log: log, ended: make(chan *running, 1)}
}

// Go starts r now as name, with ctx's values. Its context ends when the group
// stops (not when ctx does: Wait stops the runnables one by one, in reverse).
// At shutdown it is given up to stop to return once its context is cancelled;
// after that it is logged and left behind.
func (g *Group) Go(ctx context.Context, name string, r Runnable, stop time.Duration) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	rn := &running{name: name, stop: stop, cancel: cancel, done: make(chan struct{})}
	g.mu.Lock()
	g.running = append(g.running, rn)
	g.mu.Unlock()
	g.log.WithField("runnable", name).Debug("Starting")
	go func() {
		defer close(rn.done)
		defer func() {
			if p := recover(); p != nil {
				rn.err = fmt.Errorf("%s panicked: %v", name, p)
			}
			select {
			case g.ended <- rn:
			default: // another one ended first
			}
		}()
		rn.err = r.Start(ctx)
	}()
}

// Wait blocks until ctx ends or a runnable returns, then stops every runnable
// in reverse order of start. It returns the error of the runnable that ended
// the group, if any (a runnable that returned nil, like a ONCE listener whose
// resync completed, ends it without an error).
func (g *Group) Wait(ctx context.Context) error {
	var first *running
	select {
	case <-ctx.Done():
	case first = <-g.ended:
		if first.err != nil {
			g.log.WithError(first.err).WithField("runnable", first.name).Error("Stopping: a part of the integration failed")
		}
	}
	g.Stop()
	if first != nil {
		return first.err
	}
	return nil
}

// Stop cancels the runnables in reverse order of start, waiting for each up
// to its stop bound. It is safe to call more than once.
func (g *Group) Stop() {
	g.mu.Lock()
	rs := g.running
	g.running = nil
	g.mu.Unlock()
	for i := len(rs) - 1; i >= 0; i-- {
		rn := rs[i]
		rn.cancel()
		t := time.NewTimer(rn.stop)
		select {
		case <-rn.done:
			g.log.WithField("runnable", rn.name).Debug("Stopped")
		case <-t.C:
			g.log.WithFields(logrus.Fields{"runnable": rn.name, "waited": rn.stop.String()}).
				Warn("Did not stop in time at shutdown; leaving it behind")
		}
		t.Stop()
	}
}
