package ocean_test

import (
	"context"
	"iter"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/internal/kafkatest"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
)

// The whole Port → integration path over Kafka: the local Port publishes its
// change log, hands out the broker's SCRAM credentials, and the integration,
// configured by OCEAN__* variables only, resyncs on a RESYNC request and on a
// mapping change, and on nothing else: not on another integration's request,
// not on the resync-state updates of its own resyncs.
func TestKafkaListenerResyncsOnPortsChangeLog(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		h := newHarness(t)
		org := c.Unique("org")
		h.port = localporttest.Start(t, func(o *localport.Options) {
			o.OrgID = org
			o.Kafka = localport.KafkaOptions{Brokers: c.Brokers, Username: c.Username, Password: c.Password}
		})
		// Someone else's integration, to ask for a resync that is not ours.
		_, err := h.client().CreateIntegration(t.Context(), port.CreateIntegrationRequest{InstallationID: "other", InstallationAppType: "shop"})
		require.NoError(t, err)

		app := h.bareApp(
			"OCEAN__EVENT_LISTENER__TYPE=KAFKA",
			"OCEAN__EVENT_LISTENER__BROKERS="+strings.Join(c.Brokers, ","),
			"OCEAN__EVENT_LISTENER__SECURITY_PROTOCOL=SASL_PLAINTEXT",
		)
		var resyncs atomic.Int32 // each resync extracts the teams once
		app.OnResync("team", func(ctx context.Context, kind string) iter.Seq2[[]any, error] {
			resyncs.Add(1)
			return h.src.handler(ctx, kind)
		})
		app.OnResync("member", h.src.handler)
		s := h.sail(app)
		s.waitReady()
		assert.Equal(t, map[string]any{"type": "KAFKA"}, h.integration().ChangelogDestination)
		assert.NotContains(t, h.logs.String(), c.Password, "the credentials Port hands out are never logged")

		// settled waits until at least want resyncs ran, the last completed,
		// and no other followed for a second; it returns how many ran.
		settled := func(want int) int {
			t.Helper()
			n := int32(-1)
			require.Eventually(t, func() bool {
				sum, was := app.LastSummary(), n
				n = resyncs.Load()
				return int(n) >= want && n == was && sum != nil && sum.Status == resync.Completed &&
					h.integration().ResyncState.Status == "completed"
			}, 60*time.Second, time.Second, "the resyncs end")
			return int(n)
		}
		// Its own creation is on the change log: its first resync.
		base := settled(1)
		assert.Len(t, h.entities("member"), 3)

		require.NoError(t, h.port.RequestResync("shop-test"))
		assert.Equal(t, base+1, settled(base+1), "one resync per request")

		h.setMapping(strings.ReplaceAll(mappingYAML, "title: .name", "title: (.name + \"!\")"))
		assert.Equal(t, base+2, settled(base+2), "one resync for the mapping change")
		assert.Equal(t, "Ann!", h.entities("member")["ann"]["title"], "the resync used the new mapping")

		require.NoError(t, h.port.RequestResync("other"))
		assert.Never(t, func() bool { return int(resyncs.Load()) > base+2 }, 2*time.Second, 20*time.Millisecond,
			"no resync for another integration's request")
		// The next request shows the consumer was reading.
		require.NoError(t, h.port.RequestResync("shop-test"))
		assert.Equal(t, base+3, settled(base+3), "one resync per request; none for its own state updates")
		require.NoError(t, s.stop())
	})
}
