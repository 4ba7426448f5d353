package lifecycle

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

func quiet() logrus.FieldLogger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

// recorder is a runnable that waits for its context and records when it stopped.
type recorder struct {
	mu      *sync.Mutex
	stopped *[]string
	name    string
}

func (r recorder) Start(ctx context.Context) error {
	<-ctx.Done()
	r.mu.Lock()
	*r.stopped = append(*r.stopped, r.name)
	r.mu.Unlock()
	return nil
}

func TestGroup(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name    string
		last    Runnable // started after a, b, c
		cancel  bool     // end the group by its context
		wantErr error
	}{
		{"the context ends", Func(func(ctx context.Context) error { <-ctx.Done(); return nil }), true, nil},
		{"a runnable is done", Func(func(context.Context) error { return nil }), false, nil},
		{"a runnable fails", Func(func(context.Context) error { return errBoom }), false, errBoom},
		{"a runnable panics", Func(func(context.Context) error { panic("oops") }), false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var stopped []string
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			g := New(quiet())
			for _, n := range []string{"a", "b", "c"} {
				g.Go(ctx, n, recorder{&mu, &stopped, n}, time.Second)
			}
			g.Go(ctx, "last", tt.last, time.Second)
			if tt.cancel {
				cancel()
			}
			err := g.Wait(ctx)
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("err %v, want %v", err, tt.wantErr)
			case tt.name == "a runnable panics" && (err == nil || err.Error() != "last panicked: oops"):
				t.Errorf("err %v, want the panic as an error", err)
			case tt.wantErr == nil && tt.name != "a runnable panics" && err != nil:
				t.Errorf("err %v, want nil", err)
			}
			if want := []string{"c", "b", "a"}; !slices.Equal(stopped, want) {
				t.Errorf("stopped in order %v, want %v (reverse of start)", stopped, want)
			}
		})
	}
}

// A runnable that ignores its context is left behind after its bound, and
// the others still stop.
func TestGroupBoundsEachStop(t *testing.T) {
	var mu sync.Mutex
	var stopped []string
	g := New(quiet())
	release := make(chan struct{})
	defer close(release)
	g.Go(context.Background(), "first", recorder{&mu, &stopped, "first"}, time.Second)
	g.Go(context.Background(), "stuck", Func(func(context.Context) error { <-release; return nil }), 50*time.Millisecond)
	start := time.Now()
	g.Stop()
	if took := time.Since(start); took > 900*time.Millisecond {
		t.Errorf("Stop took %v; the stuck runnable should have been left after 50ms", took)
	}
	if !slices.Equal(stopped, []string{"first"}) {
		t.Errorf("stopped %v, want [first]", stopped)
	}
	g.Stop() // again: nothing left to stop
}
