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
		// Without resync on start, the request Port created with the
		// integration counts as pending and triggers the first resync.
		wantBeforeBump int32
	}{
		{"resync on start", true, 1},
		{"wait for a request", false, 1},
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

			var resyncs atomic.Int32
			done := make(chan error, 1)
			go func() {
				done <- listeners.Polling{
					Interval:      20 * time.Millisecond,
					ResyncOnStart: tc.resyncOnStart,
					Requests:      client,
					Resync:        func(context.Context) error { resyncs.Add(1); return nil },
					Log:           logrus.New(),
				}.Start(ctx)
			}()
			require.Eventually(t, func() bool { return resyncs.Load() == tc.wantBeforeBump }, 5*time.Second, 5*time.Millisecond)
			time.Sleep(100 * time.Millisecond) // several polls: no new request, no resync
			assert.Equal(t, tc.wantBeforeBump, resyncs.Load())

			time.Sleep(5 * time.Millisecond) // Port's timestamps have millisecond precision
			require.NoError(t, srv.RequestResync("poll-test"))
			require.Eventually(t, func() bool { return resyncs.Load() == tc.wantBeforeBump+1 }, 5*time.Second, 5*time.Millisecond)

			cancel()
			require.NoError(t, <-done)
		})
	}
}
