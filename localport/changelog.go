package localport

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Change-log actions (Port's audit log vocabulary).
const (
	actionCreate = "CREATE"
	actionUpdate = "UPDATE"
	actionDelete = "DELETE"
	actionResync = "RESYNC"
)

// changeMessage is one message of Port's change log, as a KAFKA listener reads
// it (port-api.md §4.3, ocean-behaviour.md §6.4).
type changeMessage struct {
	Action       string        `json:"action"`
	ResourceType string        `json:"resourceType"`
	Status       string        `json:"status"`
	Context      changeContext `json:"context"`
	Diff         *changeDiff   `json:"diff,omitempty"` // none on RESYNC
	// ChangelogDestination is the integration's, so a listener can tell
	// the changes meant for Kafka.
	ChangelogDestination any           `json:"changelogDestination,omitempty"`
	Trigger              changeTrigger `json:"trigger"`
}

type changeContext struct {
	IntegrationID string `json:"integrationId"`
}

// changeDiff holds the integration as GET /v1/integration/{id} renders it
// before and after the change; null when it did not (yet, or any more) exist.
type changeDiff struct {
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

type changeTrigger struct {
	By     map[string]string `json:"by"`
	Origin string            `json:"origin"`
	At     string            `json:"at"`
}

// snapshot freezes an integration as the API renders it, before a change
// mutates the maps it shares with the stored document; nil when there is no
// change log to write it to.
func (s *Server) snapshot(d *integrationDoc, r *http.Request) json.RawMessage {
	if s.changes == nil || d == nil {
		return nil
	}
	data, err := json.Marshal(d.render(r))
	if err != nil {
		s.log.WithError(err).WithField("integration", d.Fields["identifier"]).Error("local port: render integration for the change log")
		return nil
	}
	return data
}

// publishChange queues a change-log message for integration id, keyed by it
// so one integration's messages stay in order. It never blocks: see kafkapub.
func (s *Server) publishChange(action, id, by, at string, diff *changeDiff, destination any) {
	if s.changes == nil {
		return
	}
	trigger := changeTrigger{By: map[string]string{"orgId": s.opts.OrgID}, Origin: "API", At: at}
	if by != "" {
		trigger.By["userId"] = by
	}
	msg := changeMessage{
		Action: action, ResourceType: "integration", Status: "SUCCESS",
		Context: changeContext{IntegrationID: id}, Diff: diff, ChangelogDestination: destination, Trigger: trigger,
	}
	data, err := json.Marshal(msg)
	if err != nil {
		s.log.WithError(err).WithFields(map[string]any{"integration": id, "action": action}).Error("local port: encode change-log message")
		return
	}
	s.changes.Publish(id, data)
}

// skipResync reports a client that asked to change an integration without a
// resync (x-skip-resync: true): no resync request moves and no change is
// published, so no listener resyncs.
func skipResync(c *call) bool {
	return strings.EqualFold(c.r.Header.Get("x-skip-resync"), "true")
}

// nextStamp is the time of a change to d: now, or just after the latest time
// d records if that is not earlier. An integration's times strictly increase,
// so an update is never mistaken for the resync-state PATCH of the same
// millisecond (updatedAt == resyncState.updatedAt means a pure state update),
// and a resync request is always newer than the last resync state.
func (d *integrationDoc) nextStamp(now time.Time) string {
	latest := now.Add(-time.Millisecond)
	seen := []any{d.Fields["updatedAt"], d.RequestUpdatedAt}
	if state, _ := d.Fields["resyncState"].(map[string]any); state != nil {
		seen = append(seen, state["updatedAt"])
	}
	for _, v := range seen {
		if s, _ := v.(string); s != "" {
			if t, err := time.Parse(timeFormat, s); err == nil && t.After(latest) {
				latest = t
			}
		}
	}
	return stamp(latest.Add(time.Millisecond))
}
