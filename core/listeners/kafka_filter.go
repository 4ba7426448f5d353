package listeners

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
)

// resyncRequestsTopicFlag is the organization feature flag that moves Port's
// resync requests off the org-wide change log to a topic of their own.
const resyncRequestsTopicFlag = "OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED"

// KafkaTopic is the topic the integrations of organization orgID listen on,
// and whether it is the resync-requests topic (whose messages Wants filters
// differently from the change log's).
func KafkaTopic(orgID string, featureFlags []string) (topic string, resyncRequests bool) {
	if slices.Contains(featureFlags, resyncRequestsTopicFlag) {
		return orgID + ".integration.resync.requests", true
	}
	return orgID + ".change.log", false
}

// KafkaGroupID is the consumer group of an integration. Without Kafka
// security every integration of every organization shares the group
// "no-security": that is what Ocean does and what Port's unsecured brokers
// expect, so it is kept, odd as it is.
func KafkaGroupID(orgID, integrationType, identifier string, secured bool) string {
	if !secured {
		return "no-security"
	}
	return orgID + "." + integrationType + "." + identifier
}

// errMalformedMessage is the reason Wants gives for a value that is not JSON.
var errMalformedMessage = errors.New("kafka message is not valid JSON")

// Wants reports whether a message of the integration's topic asks the
// integration identified by identifier to resync (§6.4):
//
//   - on the resync-requests topic: context.integrationId is identifier;
//   - on the change log: an explicit RESYNC action for identifier, or a change
//     of the integration itself (diff.after.identifier is identifier) that is
//     not a pure resync-state update (updatedAt differs from
//     resyncState.updatedAt, so the state a resync reports never triggers the
//     next one) and whose changelog destination is KAFKA. The destination is
//     read from the integration object (diff.after) or, as Port's change log
//     also carries it, from the message itself.
//
// A value that is not JSON gives an error; valid JSON of another shape is
// simply not wanted.
func Wants(msg []byte, identifier string, resyncRequests bool) (bool, error) {
	// Numbers stay text: the filter reads none, and one too large for a
	// float64 (1E1000) is still JSON.
	d := json.NewDecoder(bytes.NewReader(msg))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil || d.InputOffset() != int64(len(bytes.TrimRight(msg, " \t\r\n"))) {
		return false, errMalformedMessage
	}
	if identifier == "" { // a missing field must not match
		return false, nil
	}
	if resyncRequests {
		return str(v, "context", "integrationId") == identifier, nil
	}
	if str(v, "context", "integrationId") == identifier && str(v, "action") == "RESYNC" {
		return true, nil
	}
	after, ok := field(v, "diff", "after").(map[string]any)
	if !ok || str(after, "identifier") != identifier {
		return false, nil
	}
	updatedAt := str(after, "updatedAt")
	if updatedAt == "" || updatedAt == str(after, "resyncState", "updatedAt") {
		return false, nil
	}
	return str(after, "changelogDestination", "type") == "KAFKA" ||
		str(v, "changelogDestination", "type") == "KAFKA", nil
}

// field walks v along path through JSON objects; nil when a step is missing
// or not an object.
func field(v any, path ...string) any {
	for _, key := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[key]
	}
	return v
}

// str is the string at path, "" when missing or not a string.
func str(v any, path ...string) string {
	s, _ := field(v, path...).(string)
	return s
}
