package listeners_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/core/listeners"
)

const us = "my-integration"

// resyncAction is Port's explicit "resync now" message on the change log.
func resyncAction(id string) []byte {
	return []byte(`{"action":"RESYNC","context":{"integrationId":"` + id + `"}}`)
}

// integrationChange is a change-log message about an integration: its object
// after the change, with its resync state's time and changelog destination.
func integrationChange(id, updatedAt, stateUpdatedAt, destination string) []byte {
	after := map[string]any{
		"identifier": id, "installationAppType": "test", "updatedAt": updatedAt,
		"resyncState":          map[string]any{"status": "completed", "updatedAt": stateUpdatedAt},
		"changelogDestination": map[string]any{"type": destination},
	}
	b, err := json.Marshal(map[string]any{
		"action": "UPDATE", "resourceType": "integration", "status": "SUCCESS",
		"context": map[string]any{"integrationId": id},
		"diff":    map[string]any{"before": nil, "after": after},
	})
	if err != nil {
		panic(err)
	}
	return b
}

// resyncRequest is a message of the resync-requests topic.
func resyncRequest(id string) []byte {
	return []byte(`{"action":"RESYNC","context":{"integrationId":"` + id + `"},"requestedAt":"2024-01-01T00:00:00.000Z"}`)
}

// integrationChangeWithoutContext is a change of this integration that names
// it only in diff.after: wanted on the change log, not on the resync-requests
// topic.
const integrationChangeWithoutContext = `{"diff":{"after":{"identifier":"` + us + `","updatedAt":"` + t2 +
	`","resyncState":{"updatedAt":"` + t1 + `"},"changelogDestination":{"type":"KAFKA"}}}}`

const (
	t1 = "2024-01-01T00:00:00.000Z"
	t2 = "2024-01-01T00:05:00.000Z"
)

func TestWants(t *testing.T) {
	for _, tc := range []struct {
		name           string
		msg            string
		resyncRequests bool
		want           bool
		wantErr        bool
	}{
		{"RESYNC for us", string(resyncAction(us)), false, true, false},
		{"RESYNC for another", string(resyncAction("other")), false, false, false},
		{"another action for us", `{"action":"DELETE","context":{"integrationId":"` + us + `"}}`, false, false, false},
		{"config change for us", string(integrationChange(us, t2, t1, "KAFKA")), false, true, false},
		{"config change for another", string(integrationChange("other", t2, t1, "KAFKA")), false, false, false},
		{"pure resync-state update", string(integrationChange(us, t1, t1, "KAFKA")), false, false, false},
		{"destination is not KAFKA", string(integrationChange(us, t2, t1, "WEBHOOK")), false, false, false},
		{"destination on the message itself",
			`{"diff":{"after":{"identifier":"` + us + `","updatedAt":"` + t2 + `","resyncState":{"updatedAt":"` + t1 + `"}}},"changelogDestination":{"type":"KAFKA"}}`,
			false, true, false},
		{"a change of ours without context", integrationChangeWithoutContext, false, true, false},
		{"never resynced yet (no resync state)",
			`{"diff":{"after":{"identifier":"` + us + `","updatedAt":"` + t2 + `","changelogDestination":{"type":"KAFKA"}}}}`,
			false, true, false},
		{"no updatedAt", `{"diff":{"after":{"identifier":"` + us + `","changelogDestination":{"type":"KAFKA"}}}}`, false, false, false},
		{"diff.after null (deleted)", `{"action":"DELETE","diff":{"before":{"identifier":"` + us + `"},"after":null},"changelogDestination":{"type":"KAFKA"}}`, false, false, false},
		{"fields of the wrong type", `{"context":"x","diff":{"after":[1,2]},"action":7}`, false, false, false},
		{"not an object", `[1,2,3]`, false, false, false},
		{"JSON null", `null`, false, false, false},
		{"empty object", `{}`, false, false, false},
		{"malformed", `{"action":"RESYNC",`, false, false, true},
		{"empty value", ``, false, false, true},
		{"resync request for us", string(resyncRequest(us)), true, true, false},
		{"resync request for another", string(resyncRequest("other")), true, false, false},
		{"a change of ours without context on the resync-requests topic", integrationChangeWithoutContext, true, false, false},
		{"malformed resync request", `nope`, true, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := listeners.Wants([]byte(tc.msg), us, tc.resyncRequests)
			if tc.wantErr {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// An empty identifier matches nothing, not every message lacking one.
func TestWantsNeedsAnIdentifier(t *testing.T) {
	for _, msg := range []string{`{"action":"RESYNC"}`, `{"context":{}}`} {
		for _, rr := range []bool{false, true} {
			got, err := listeners.Wants([]byte(msg), "", rr)
			require.NoError(t, err)
			assert.False(t, got, "%s (resync requests topic: %v)", msg, rr)
		}
	}
}

func FuzzWants(f *testing.F) {
	for _, seed := range [][]byte{
		resyncAction(us), resyncAction("other"), resyncRequest(us),
		integrationChange(us, t2, t1, "KAFKA"), integrationChange(us, t1, t1, "KAFKA"),
		integrationChange(us, t2, t1, "WEBHOOK"),
		[]byte(`{"diff":{"after":null}}`), []byte(`{"diff":{"after":{"resyncState":null}}}`),
		[]byte(`[]`), []byte(`"x"`), []byte(`{`), nil,
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, msg []byte, resyncRequests bool) {
		got, err := listeners.Wants(msg, us, resyncRequests)
		again, errAgain := listeners.Wants(msg, us, resyncRequests)
		if got != again || (err == nil) != (errAgain == nil) {
			t.Fatalf("Wants is not deterministic on %q", msg)
		}
		if err != nil && got {
			t.Fatalf("Wants both wants and rejects %q", msg)
		}
		if json.Valid(msg) == (err != nil) {
			t.Fatalf("Wants error %v on %q disagrees with json.Valid", err, msg)
		}
	})
}

func TestKafkaTopic(t *testing.T) {
	for _, tc := range []struct {
		name           string
		flags          []string
		topic          string
		resyncRequests bool
	}{
		{"legacy change log", nil, "org_1.change.log", false},
		{"other flags", []string{"USE_PROVISIONED_DEFAULTS"}, "org_1.change.log", false},
		{"resync-requests topic", []string{"LAKEHOUSE_ELIGIBLE", "OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED"}, "org_1.integration.resync.requests", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			topic, rr := listeners.KafkaTopic("org_1", tc.flags)
			assert.Equal(t, tc.topic, topic)
			assert.Equal(t, tc.resyncRequests, rr)
		})
	}
}

func TestKafkaGroupID(t *testing.T) {
	for _, tc := range []struct {
		secured bool
		want    string
	}{
		{true, "org_1.github.my-github"},
		{false, "no-security"},
	} {
		assert.Equal(t, tc.want, listeners.KafkaGroupID("org_1", "github", "my-github", tc.secured))
	}
}
