package ocean_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
)

// A request still running when the shutdown wait is over is cut off: its
// context ends and its client gets an error, instead of the handler running on
// after Sail returned (against a closed local Port, in a leaked goroutine).
func TestShutdownEndsRequestsStillRunning(t *testing.T) {
	for _, tc := range []struct {
		name  string
		route func(c *gin.Context, started chan<- struct{})
	}{
		{"handler waiting on its context", func(c *gin.Context, started chan<- struct{}) {
			started <- struct{}{}
			<-c.Request.Context().Done()
		}},
		{"handler streaming until its context ends", func(c *gin.Context, started chan<- struct{}) {
			c.Writer.WriteHeaderNow()
			c.Writer.Flush()
			started <- struct{}{}
			<-c.Request.Context().Done()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			app := h.newApp("OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY", "OCEAN__MAX_WAIT_SECONDS_BEFORE_SHUTDOWN=1")
			started, ended := make(chan struct{}, 1), make(chan struct{})
			app.Router().GET("/slow", func(c *gin.Context) {
				defer close(ended)
				tc.route(c, started)
			})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			zero := 0
			sailed := make(chan error, 1)
			go func() { sailed <- app.Sail(ctx, ocean.SailOptions{Port: &zero}) }()
			<-app.Ready()

			go func() {
				if resp, err := http.Get(app.URL() + "/integration/slow"); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body) // a client waiting for the whole body
					resp.Body.Close()
				}
			}()
			<-started
			cancel()
			select {
			case err := <-sailed:
				require.NoError(t, err)
			case <-time.After(10 * time.Second):
				t.Fatal("Sail did not return after shutdown")
			}
			select {
			case <-ended:
			case <-time.After(3 * time.Second):
				assert.Fail(t, "the request still runs after Sail returned")
			}
		})
	}
}

// A second SIGINT or SIGTERM kills an integration whose graceful shutdown is
// stuck in a hook that ignores its context, as with uvicorn under Ocean.
func TestSecondSignalEndsAStuckShutdown(t *testing.T) {
	if os.Getenv("OCEAN_TEST_STUCK_CHILD") == "1" {
		h := newHarness(t)
		app := h.newApp("OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY")
		app.OnStart(func(context.Context) error {
			fmt.Println("stuck")
			select {} // ignores ctx
		})
		os.Args = []string{"shop", "sail", "--port", "0"}
		app.Run()
		return
	}
	for _, tc := range []struct {
		name string
		sig  os.Signal
	}{
		{"SIGINT", os.Interrupt},
		{"SIGTERM", syscall.SIGTERM},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSecondSignalEndsAStuckShutdown$")
			// The killed child cannot clean up its temporary files: keep them in ours.
			cmd.Env = append(os.Environ(), "OCEAN_TEST_STUCK_CHILD=1", "TMPDIR="+t.TempDir())
			out, err := cmd.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			defer func() { _ = cmd.Process.Kill() }()
			line, err := bufio.NewReader(out).ReadString('\n')
			require.NoError(t, err)
			require.Equal(t, "stuck\n", line)
			go func() { _, _ = io.Copy(io.Discard, out) }()

			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			// The first signal starts the (stuck) graceful shutdown; the next
			// ones, however soon the child takes it in, must kill it.
			require.NoError(t, cmd.Process.Signal(tc.sig))
			again := time.NewTicker(300 * time.Millisecond)
			defer again.Stop()
			deadline := time.After(10 * time.Second)
			for {
				select {
				case err := <-exited:
					assert.Error(t, err, "killed by a second signal")
					return
				case <-again.C:
					_ = cmd.Process.Signal(tc.sig)
				case <-deadline:
					t.Fatal("a second signal did not end the process")
				}
			}
		})
	}
}
