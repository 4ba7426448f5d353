package listeners_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/core/listeners"
	"github.com/ocean-go/ocean/localport/localporttest"
)

func TestPollingResyncsOnStartAndOnRequests(t *testing.T) {
	for _, tc := range []struct {
		name          string
		resyncOnStart bool
		// handledAfterCreate: a resync started after Port created the
		// integration (and its first request), so that request is handled.
		handledAfterCreate bool
		wantBeforeBump     int32
	}{
		{"resync on start", true, false, 1},
		{"the request made with the integration is pending", false, false, 1},
		{"a request older than the last resync is handled", false, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := localporttest.Start(t)
			client, err := port.New(port.Config{BaseURL: srv.URL(), ClientID: "a", ClientSecret: "b",
				UserAgent: port.UserAgent{Type: "poll", Version: "1", Identifier: "poll-test"}})
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err = client.CreateIntegration(ctx, port.CreateIntegrationRequest{InstallationID: "poll-test", InstallationAppType: "poll", Version: "1"})
			require.NoError(t, err)
			// handled is what the App keeps: resyncState.updatedAt of the latest
			// resync started, which reports itself running to Port.
			var handled atomic.Int64
			startResync := func() { // also runs on the listener's goroutine: assert, not require
				integ, err := client.PatchResyncState(ctx, port.ResyncState{Status: "running"})
				if assert.NoError(t, err) {
					at, err := time.Parse(time.RFC3339Nano, integ.ResyncState.UpdatedAt)
					assert.NoError(t, err)
					handled.Store(at.UnixNano())
				}
			}
			if tc.handledAfterCreate {
				time.Sleep(5 * time.Millisecond) // Port's timestamps have millisecond precision
				startResync()
			}

			var resyncs atomic.Int32
			done := make(chan error, 1)
			go func() {
				done <- listeners.Polling{
					Interval:      20 * time.Millisecond,
					ResyncOnStart: tc.resyncOnStart,
					Requests:      client,
					Handled:       func() time.Time { return time.Unix(0, handled.Load()) },
					Resync: func(context.Context) error {
						startResync()
						resyncs.Add(1)
						return nil
					},
					Log: logrus.New(),
				}.Start(ctx)
			}()
			require.Eventually(t, func() bool { return resyncs.Load() == tc.wantBeforeBump }, 5*time.Second, 5*time.Millisecond)
			time.Sleep(100 * time.Millisecond) // several polls: no new request, no resync
			assert.Equal(t, tc.wantBeforeBump, resyncs.Load())

			time.Sleep(5 * time.Millisecond)
			require.NoError(t, srv.RequestResync("poll-test"))
			require.Eventually(t, func() bool { return resyncs.Load() == tc.wantBeforeBump+1 }, 5*time.Second, 5*time.Millisecond)

			cancel()
			require.NoError(t, <-done)
		})
	}
}
