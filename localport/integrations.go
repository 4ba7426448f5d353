package localport

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// integrationDoc is a stored integration: the fields clients sent (echoed
// back as-is) plus what this server manages itself.
type integrationDoc struct {
	Fields           map[string]any `json:"fields"`
	IngestID         string         `json:"ingestId"`
	RequestUpdatedAt string         `json:"requestUpdatedAt"` // the resync request's updatedAt
}

// managedKeys are integration fields clients cannot set.
var managedKeys = []string{"_id", "_orgId", "identifier", "installationId", "logAttributes", "metricAttributes", "ingestAttributes", "resyncState", "createdAt", "createdBy", "updatedAt", "updatedBy"}

// render is the integration object of port-api.md §2.5; ingest URLs point at
// this server as the client reached it.
func (d *integrationDoc) render(r *http.Request) map[string]any {
	out := maps.Clone(d.Fields)
	base := "http://" + r.Host
	if r.TLS != nil {
		base = "https://" + r.Host
	}
	out["logAttributes"] = map[string]any{"ingestId": d.IngestID, "ingestUrl": base + "/logs/integration/" + d.IngestID}
	out["metricAttributes"] = map[string]any{"ingestId": d.IngestID, "ingestUrl": base + "/metrics/integration/" + d.IngestID}
	out["ingestAttributes"] = map[string]any{"ingestId": d.IngestID, "ingestUrl": base + "/ingest/integration/" + d.IngestID}
	return out
}

func (s *Server) loadIntegration(ctx context.Context, q querier, id string) (*integrationDoc, error) {
	var d integrationDoc
	found, err := loadDoc(ctx, q, docIntegration, id, &d)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, notFound("Integration %q was not found", id)
	}
	return &d, nil
}

// GET /v1/integration/provision-enabled
func (s *Server) provisionEnabled(*call) (int, any, error) {
	return http.StatusOK, ok("integrations", []string{}), nil
}

// POST /v1/integration
func (s *Server) createIntegration(c *call) (int, any, error) {
	body, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	id, _ := body["installationId"].(string)
	if id == "" {
		id, _ = body["identifier"].(string)
	}
	if id == "" || strings.ContainsAny(id, "/?#") {
		return 0, nil, invalid("installationId is required and must be a non-empty string without '/', '?' or '#'")
	}
	now := stamp(time.Now())
	d := &integrationDoc{Fields: map[string]any{}, IngestID: randomID(), RequestUpdatedAt: now}
	for k, v := range body {
		d.Fields[k] = v
	}
	for _, k := range managedKeys {
		delete(d.Fields, k)
	}
	if d.Fields["config"] == nil {
		d.Fields["config"] = map[string]any{}
	}
	maps.Copy(d.Fields, map[string]any{
		"_id": "integration_" + randomID(), "_orgId": s.opts.OrgID, "identifier": id, "installationId": id,
		"resyncState": map[string]any{"status": nil, "lastResyncStart": nil, "lastResyncEnd": nil, "nextResync": nil, "intervalInMinuets": nil, "updatedAt": now},
		"createdAt":   now, "createdBy": c.clientID, "updatedAt": now, "updatedBy": c.clientID,
	})
	ctx := c.r.Context()
	err = s.db.writeThen(ctx, func(tx *cachedTx) error {
		var existing integrationDoc
		found, err := loadDoc(ctx, tx, docIntegration, id, &existing)
		if err != nil {
			return err
		}
		if found {
			return conflict("Integration %q already exists", id)
		}
		return saveDoc(ctx, tx, docIntegration, id, d)
	}, func() {
		s.publishChange(actionCreate, id, c.clientID, now, &changeDiff{After: s.snapshot(d, c.r)}, d.Fields["changelogDestination"])
		// A new installation's first resync, requested as Port does
		// (RequestUpdatedAt above is the same request, for POLLING).
		s.publishChange(actionResync, id, c.clientID, now, nil, nil)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, ok("integration", d.render(c.r)), nil
}

// GET /v1/integration: every integration, by identifier (Port's "Get all
// integrations"; Ocean itself never lists them).
func (s *Server) listIntegrations(c *call) (int, any, error) {
	ctx := c.r.Context()
	rows, err := s.db.r.QueryContext(ctx, "SELECT body FROM documents WHERE kind = ? ORDER BY id", docIntegration)
	if err != nil {
		return 0, nil, fmt.Errorf("list integrations: %w", err)
	}
	defer rows.Close()
	out := []any{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return 0, nil, err
		}
		var d integrationDoc
		if err := decodeJSON([]byte(body), &d); err != nil {
			return 0, nil, fmt.Errorf("decode integration: %w", err)
		}
		out = append(out, d.render(c.r))
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("list integrations: %w", err)
	}
	return http.StatusOK, ok("integrations", out), nil
}

// GET /v1/integration/{id}
func (s *Server) getIntegration(c *call) (int, any, error) {
	d, err := s.loadIntegration(c.r.Context(), s.db.r, c.param("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("integration", d.render(c.r)), nil
}

// updateIntegration loads, changes and saves an integration in one write,
// and publishes the change (unless the client asked to skip the resync).
func (s *Server) updateIntegration(c *call, change func(d *integrationDoc, now string) error) (int, any, error) {
	ctx := c.r.Context()
	id := c.param("id")
	var (
		d      *integrationDoc
		before json.RawMessage
		now    string
	)
	err := s.db.writeThen(ctx, func(tx *cachedTx) error {
		var err error
		if d, err = s.loadIntegration(ctx, tx, id); err != nil {
			return err
		}
		before = s.snapshot(d, c.r)
		now = d.nextStamp(time.Now())
		if err := change(d, now); err != nil {
			return err
		}
		d.Fields["updatedAt"], d.Fields["updatedBy"] = now, c.clientID
		return saveDoc(ctx, tx, docIntegration, id, d)
	}, func() {
		if !skipResync(c) {
			s.publishChange(actionUpdate, id, c.clientID, now, &changeDiff{Before: before, After: s.snapshot(d, c.r)}, d.Fields["changelogDestination"])
		}
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("integration", d.render(c.r)), nil
}

// setConfig stores a new config; a change (or an empty PATCH, which asks Port
// for a resync) moves the resync request unless the client sent x-skip-resync.
func setConfig(c *call, d *integrationDoc, config any, now string) {
	if config != nil && jsonEqual(config, d.Fields["config"]) {
		return
	}
	if config != nil {
		d.Fields["config"] = config
	}
	if !skipResync(c) {
		d.RequestUpdatedAt = now
	}
}

// PATCH /v1/integration/{id}
func (s *Server) patchIntegration(c *call) (int, any, error) {
	patch, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	return s.updateIntegration(c, func(d *integrationDoc, now string) error {
		for _, k := range sortedKeys(patch) {
			v := patch[k]
			switch {
			case k == "config":
			case slices.Contains(managedKeys, k):
				if (k == "identifier" || k == "installationId") && v == c.param("id") {
					continue
				}
				return invalid("%s is managed by Port and cannot be changed, got %s", k, compact(v))
			default:
				d.Fields[k] = v
			}
		}
		if config, has := patch["config"]; has || len(patch) == 0 {
			if has && config == nil {
				config = map[string]any{}
			}
			if _, isObj := config.(map[string]any); has && !isObj {
				return invalid("config must be an object, got %s", compact(config))
			}
			setConfig(c, d, config, now)
		}
		return nil
	})
}

// PATCH /v1/integration/{id}/config
func (s *Server) patchIntegrationConfig(c *call) (int, any, error) {
	body, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	config, isObj := body["config"].(map[string]any)
	if !isObj {
		return 0, nil, invalid("config is required and must be an object")
	}
	return s.updateIntegration(c, func(d *integrationDoc, now string) error {
		setConfig(c, d, config, now)
		return nil
	})
}

// PATCH /v1/integration/{id}/resync-state: every PATCH bumps
// resyncState.updatedAt, to the same time as updatedAt: a pure state update is
// recognisably one, and a KAFKA listener does not resync on its own reports.
func (s *Server) patchResyncState(c *call) (int, any, error) {
	body, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	return s.updateIntegration(c, func(d *integrationDoc, now string) error {
		state, _ := d.Fields["resyncState"].(map[string]any)
		if state == nil {
			state = map[string]any{}
		}
		maps.Copy(state, body)
		state["updatedAt"] = now
		d.Fields["resyncState"] = state
		return nil
	})
}

// GET /v1/integration/{id}/resync-request
func (s *Server) resyncRequest(c *call) (int, any, error) {
	d, err := s.loadIntegration(c.r.Context(), s.db.r, c.param("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("request", map[string]any{"id": "resync-" + c.param("id"), "updatedAt": d.RequestUpdatedAt}), nil
}

// RequestResync moves the integration's resync request, as a user pressing
// "resync" in Port would: a POLLING integration picks it up on its next poll,
// a KAFKA one from the RESYNC message on the change log.
func (s *Server) RequestResync(integrationID string) error {
	return s.requestResync(context.Background(), integrationID, "")
}

// requestResync is RequestResync on behalf of a client id ("" = this server).
func (s *Server) requestResync(ctx context.Context, integrationID, by string) error {
	var at string
	return s.db.writeThen(ctx, func(tx *cachedTx) error {
		d, err := s.loadIntegration(ctx, tx, integrationID)
		if err != nil {
			return err
		}
		at = d.nextStamp(time.Now())
		d.RequestUpdatedAt = at
		return saveDoc(ctx, tx, docIntegration, integrationID, d)
	}, func() {
		s.publishChange(actionResync, integrationID, by, at, nil, nil)
	})
}

// DELETE /v1/integration/{id}
func (s *Server) deleteIntegration(c *call) (int, any, error) {
	ctx, id := c.r.Context(), c.param("id")
	var d *integrationDoc
	err := s.db.writeThen(ctx, func(tx *cachedTx) error {
		var err error
		if d, err = s.loadIntegration(ctx, tx, id); err != nil {
			return err
		}
		_, err = deleteDoc(ctx, tx, docIntegration, id)
		return err
	}, func() {
		s.publishChange(actionDelete, id, c.clientID, stamp(time.Now()), &changeDiff{Before: s.snapshot(d, c.r)}, d.Fields["changelogDestination"])
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok(), nil
}

// POST /v1/integration/{id}/kinds/{kind}/examples: the latest examples per kind.
func (s *Server) postExamples(c *call) (int, any, error) {
	body, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if _, isList := body["examples"].([]any); !isList {
		return 0, nil, invalid("examples is required and must be an array")
	}
	ctx := c.r.Context()
	err = s.db.write(ctx, func(tx *cachedTx) error {
		if _, err := s.loadIntegration(ctx, tx, c.param("id")); err != nil {
			return err
		}
		return saveDoc(ctx, tx, docExamples, c.param("id")+"\x00"+c.param("kind"), body["examples"])
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok(), nil
}

// cursorKey identifies an incremental-sync cursor: integration, kind, and the
// index of the kind's resource in the integration's config.
func cursorKey(c *call, d *integrationDoc) (string, error) {
	q := c.r.URL.Query()
	if q.Get("kind") == "" {
		return "", invalid("query parameter kind is required")
	}
	raw := q.Get("index")
	index, err := strconv.Atoi(raw)
	if err != nil || index < 0 || strconv.Itoa(index) != raw {
		return "", badCursor("query parameter index must be the position of the kind's resource in the integration's config (0, 1, ...), got %q", raw)
	}
	config, _ := d.Fields["config"].(map[string]any)
	if resources, isList := config["resources"].([]any); isList && index >= len(resources) {
		return "", badCursor("index %d is out of range: the config of integration %q has %d resources", index, c.param("id"), len(resources))
	}
	return c.param("id") + "\x00" + q.Get("kind") + "\x00" + raw, nil
}

// GET /v1/integration/{id}/cursor
func (s *Server) getCursor(c *call) (int, any, error) {
	ctx := c.r.Context()
	d, err := s.loadIntegration(ctx, s.db.r, c.param("id"))
	if err != nil {
		return 0, nil, err
	}
	key, err := cursorKey(c, d)
	if err != nil {
		return 0, nil, err
	}
	var cursor map[string]any
	if _, err := loadDoc(ctx, s.db.r, docCursor, key, &cursor); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("cursor", cursor), nil
}

// PUT (update: 404 when absent, so clients fall back to POST) and POST (create
// or replace) /v1/integration/{id}/cursor
func (s *Server) putCursor(create bool) handler {
	return func(c *call) (int, any, error) {
		body, err := c.object()
		if err != nil {
			return 0, nil, err
		}
		ctx := c.r.Context()
		err = s.db.write(ctx, func(tx *cachedTx) error {
			d, err := s.loadIntegration(ctx, tx, c.param("id"))
			if err != nil {
				return err
			}
			key, err := cursorKey(c, d)
			if err != nil {
				return err
			}
			var old map[string]any
			found, err := loadDoc(ctx, tx, docCursor, key, &old)
			if err != nil {
				return err
			}
			if !found && !create {
				return notFound("No cursor for kind %q of integration %q", c.r.URL.Query().Get("kind"), c.param("id"))
			}
			return saveDoc(ctx, tx, docCursor, key, body)
		})
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, ok("cursor", body), nil
	}
}
