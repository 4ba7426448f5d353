package oceantest_test

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// recordingT stands in for a test's *testing.T where there is none (an
// Example) or where the harness is to fail one (its own tests): it records
// failures, and runs the cleanups once the body ends.
type recordingT struct {
	testing.TB // nil: a method the harness does not use would panic

	mu       sync.Mutex
	failures []string
	cleanups []func()
	dirs     []string
}

// run runs body as a test does: in a goroutine of its own, which Fatalf
// ends, then the cleanups, last registered first.
func (r *recordingT) run(body func(t testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		body(r)
	}()
	<-done
	for _, f := range slices.Backward(r.cleanups) {
		f()
	}
	for _, d := range r.dirs {
		_ = os.RemoveAll(d)
	}
}

func (r *recordingT) Helper()                   {}
func (r *recordingT) Logf(string, ...any)       {}
func (r *recordingT) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }
func (r *recordingT) Fatalf(f string, a ...any) { r.Errorf(f, a...); runtime.Goexit() }

func (r *recordingT) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recordingT) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.failures) > 0
}

func (r *recordingT) TempDir() string {
	d, err := os.MkdirTemp("", "oceantest")
	if err != nil {
		panic(err)
	}
	r.dirs = append(r.dirs, d)
	return d
}
