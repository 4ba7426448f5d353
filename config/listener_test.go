package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestListenerDefaults(t *testing.T) {
	for _, tc := range []struct {
		env                       []string
		resync, webhooks, actions bool
		check                     func(t *testing.T, l EventListenerSettings)
		changelog                 map[string]any
	}{
		{env: nil, resync: true, webhooks: true, actions: true, changelog: map[string]any{},
			check: func(t *testing.T, l EventListenerSettings) {
				assert.Equal(t, ListenerPolling, l.Type)
				assert.True(t, l.ResyncOnStart)
				assert.Equal(t, 60*time.Second, l.Interval)
			}},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=ONCE"}, resync: true, changelog: map[string]any{}},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=ONCE", "OCEAN__EVENT_LISTENER__SHOULD_PROCESS_WEBHOOKS=true"}, resync: true, webhooks: true, changelog: map[string]any{}},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY"}, webhooks: true, changelog: map[string]any{}},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=ACTIONS_ONLY"}, actions: true, changelog: map[string]any{}},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=KAFKA"}, resync: true, webhooks: true, actions: true, changelog: map[string]any{"type": "KAFKA"},
			check: func(t *testing.T, l EventListenerSettings) {
				assert.Equal(t, DefaultKafkaBrokers, l.Brokers)
				assert.Equal(t, "SASL_SSL", l.SecurityProtocol)
				assert.Equal(t, "SCRAM-SHA-512", l.AuthenticationMechanism)
				assert.True(t, l.KafkaSecurityEnabled)
				assert.Equal(t, time.Second, l.ConsumerPollTimeout)
				assert.Zero(t, l.Interval, "polling fields stay unset")
			}},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=KAFKA", "OCEAN__EVENT_LISTENER__BROKERS=a:1, b:2"}, resync: true, webhooks: true, actions: true, changelog: map[string]any{"type": "KAFKA"},
			check: func(t *testing.T, l EventListenerSettings) { assert.Equal(t, []string{"a:1", "b:2"}, l.Brokers) }},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=KAFKA", `OCEAN__EVENT_LISTENER__BROKERS=["c:3"]`}, resync: true, webhooks: true, actions: true, changelog: map[string]any{"type": "KAFKA"},
			check: func(t *testing.T, l EventListenerSettings) { assert.Equal(t, []string{"c:3"}, l.Brokers) }},
		{env: []string{"OCEAN__EVENT_LISTENER__TYPE=WEBHOOK", "OCEAN__EVENT_LISTENER__APP_HOST=https://app.example.com/"}, resync: true, webhooks: true, actions: true,
			changelog: map[string]any{"type": "WEBHOOK", "url": "https://app.example.com/resync"}},
	} {
		t.Run(string(setup{env: tc.env}.mustLoad(t).EventListener.Type), func(t *testing.T) {
			l := setup{env: tc.env}.mustLoad(t).EventListener
			assert.Equal(t, tc.resync, l.ShouldResync, "should_resync")
			assert.Equal(t, tc.webhooks, l.ShouldProcessWebhooks, "should_process_webhooks")
			assert.Equal(t, tc.actions, l.ShouldRunActions, "should_run_actions")
			assert.Equal(t, tc.changelog, l.ChangelogDestination())
			if tc.check != nil {
				tc.check(t, l)
			}
		})
	}
}

func TestOnceOverride(t *testing.T) {
	// What `sail --once` does.
	s := setup{
		env:       []string{"OCEAN__EVENT_LISTENER__TYPE=POLLING"},
		overrides: map[string]any{"event_listener": map[string]any{"type": "ONCE"}},
	}.mustLoad(t)
	assert.Equal(t, ListenerOnce, s.EventListener.Type)
	assert.False(t, s.EventListener.ShouldProcessWebhooks)
}
