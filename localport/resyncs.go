package localport

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// resyncSchema keeps the sync metrics an integration reports, so that the
// console shows the last resyncs after a restart: one row per event and kind
// (the whole resync is the kind "__runtime__"), first and last received.
const resyncSchema = `
CREATE TABLE IF NOT EXISTS resync_reports (
	ingest_id  TEXT NOT NULL,
	event_id   TEXT NOT NULL,
	kind       TEXT NOT NULL,
	first_us   INTEGER NOT NULL,
	last_us    INTEGER NOT NULL,
	body       TEXT NOT NULL,
	PRIMARY KEY (ingest_id, event_id, kind)
) WITHOUT ROWID;
`

// resyncsKept bounds the resync events kept per integration.
const resyncsKept = 50

// ResyncReport is the latest sync-metrics event of one kind of one resync.
type ResyncReport struct {
	EventID string
	Kind    string // the kind identifier: "{kind}-{index}", "__runtime__", "__reconciliation__"
	// First and Last are when the first and the latest report arrived.
	First, Last time.Time
	Body        json.RawMessage // the event as the integration sent it
}

// metricsEvent is what the reports are keyed by.
type metricsEvent struct {
	EventID        string `json:"eventId"`
	KindIdentifier string `json:"kindIdentifier"`
}

// recordMetrics stores the events of a sync-metrics report: POST .../syncMetrics
// {"syncKindsMetrics":[events]} or PUT .../resync/{event}/kind/{kind}
// {"syncKindMetrics":event}. A body of another shape is not a report to keep.
func (s *Server) recordMetrics(ctx context.Context, ingestID, event, kind string, data []byte) error {
	var body struct {
		Many []json.RawMessage `json:"syncKindsMetrics"`
		One  json.RawMessage   `json:"syncKindMetrics"`
	}
	if json.Unmarshal(data, &body) != nil {
		return nil
	}
	type report struct {
		event, kind string
		body        json.RawMessage
	}
	var reports []report
	if body.One != nil && event != "" && kind != "" {
		reports = append(reports, report{event, kind, body.One})
	}
	for _, raw := range body.Many {
		var ev metricsEvent
		if json.Unmarshal(raw, &ev) == nil && ev.EventID != "" && ev.KindIdentifier != "" {
			reports = append(reports, report{ev.EventID, ev.KindIdentifier, raw})
		}
	}
	if len(reports) == 0 {
		return nil
	}
	now := time.Now().UnixMicro()
	return s.db.write(ctx, func(tx *cachedTx) error {
		for _, r := range reports {
			_, err := tx.ExecContext(ctx, `INSERT INTO resync_reports VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (ingest_id, event_id, kind) DO UPDATE SET last_us = excluded.last_us, body = excluded.body`,
				ingestID, r.event, r.kind, now, now, string(r.body))
			if err != nil {
				return fmt.Errorf("record sync metrics: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM resync_reports WHERE ingest_id = ? AND event_id NOT IN (
			SELECT event_id FROM resync_reports WHERE ingest_id = ? GROUP BY event_id ORDER BY min(first_us) DESC LIMIT ?)`,
			ingestID, ingestID, resyncsKept)
		if err != nil {
			return fmt.Errorf("prune sync metrics: %w", err)
		}
		return nil
	})
}

// ResyncReports returns the sync-metrics reports of an integration's last
// resyncs (at most 50), newest resync first, its kinds in arrival order;
// nil when the integration does not exist.
func (s *Server) ResyncReports(ctx context.Context, integrationID string) ([]ResyncReport, error) {
	var d integrationDoc
	found, err := loadDoc(ctx, s.db.r, docIntegration, integrationID, &d)
	if err != nil || !found {
		return nil, err
	}
	rows, err := s.db.r.QueryContext(ctx, `SELECT r.event_id, r.kind, r.first_us, r.last_us, r.body FROM resync_reports r
		JOIN (SELECT event_id, min(first_us) AS started FROM resync_reports WHERE ingest_id = ? GROUP BY event_id) e USING (event_id)
		WHERE r.ingest_id = ? ORDER BY e.started DESC, r.event_id, r.first_us, r.kind`, d.IngestID, d.IngestID)
	if err != nil {
		return nil, fmt.Errorf("read sync metrics: %w", err)
	}
	defer rows.Close()
	var out []ResyncReport
	for rows.Next() {
		var r ResyncReport
		var first, last int64
		var body string
		if err := rows.Scan(&r.EventID, &r.Kind, &first, &last, &body); err != nil {
			return nil, err
		}
		r.First, r.Last, r.Body = time.UnixMicro(first).UTC(), time.UnixMicro(last).UTC(), json.RawMessage(body)
		out = append(out, r)
	}
	return out, rows.Err()
}
