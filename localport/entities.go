package localport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// maxBulk is Port's limit of entities per bulk upsert.
const maxBulk = 20

// POST /v1/blueprints/{bp}/entities
func (s *Server) upsertEntity(c *call) (int, any, error) {
	o, err := writeOptionsOf(c)
	if err != nil {
		return 0, nil, err
	}
	obj, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	var res *upsertResult
	err = s.db.writeGrouped(c.r.Context(), func(tx *cachedTx) error {
		bps := newBlueprints(c.r.Context(), tx)
		bp, err := bps.get(c.param("bp"))
		if err != nil {
			return err
		}
		in, err := parseEntityInput(obj, bp.id)
		if err != nil {
			return err
		}
		res, err = upsertOne(c.r.Context(), tx, bps, bp, in, nil, o)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	status := http.StatusOK
	if res.created && !o.validationOnly {
		status = http.StatusCreated
	}
	return status, ok("entity", res.entity), nil
}

type bulkSuccess struct {
	Index      int    `json:"index"`
	Identifier string `json:"identifier"`
	Created    bool   `json:"created"`
}

type bulkFailure struct {
	Index      int    `json:"index"`
	Identifier string `json:"identifier"`
	StatusCode int    `json:"statusCode"`
	Error      string `json:"error"`
	Message    string `json:"message"`
}

// POST /v1/blueprints/{bp}/entities/bulk: each item is written in its own
// savepoint, so one failing item never affects the others; 207 when any failed.
func (s *Server) bulkUpsert(c *call) (int, any, error) {
	o, err := writeOptionsOf(c)
	if err != nil {
		return 0, nil, err
	}
	items, err := c.entityList("entities", maxBulk)
	if err != nil {
		return 0, nil, err
	}
	successes := []bulkSuccess{}
	failures := []bulkFailure{}
	ctx := c.r.Context()
	// Built and encoded here, in parallel with other requests, rather than in
	// the writer, which only checks them (a first resync creates them all).
	prepared := make([]*preparedCreate, len(items))
	if bp := compiledBlueprints.guess(c.param("bp")); bp != nil {
		for i, item := range items {
			prepared[i] = prepareCreate(bp, item, o)
		}
	}
	err = s.db.writeGrouped(ctx, func(tx *cachedTx) error {
		bps := newBlueprints(ctx, tx)
		bp, err := bps.get(c.param("bp"))
		if err != nil {
			return err
		}
		if err := o.seen.lookUp(ctx, tx, bp.id, plainIdentifiers(items)); err != nil {
			return err
		}
		for i, item := range items {
			res, err := upsertItem(ctx, tx, bps, bp, item, prepared[i], o)
			if err != nil {
				ae := asAPIError(err)
				if ae.status >= 500 {
					return err
				}
				failures = append(failures, bulkFailure{Index: i, Identifier: failedIdentifier(item, err), StatusCode: ae.status, Error: ae.code, Message: ae.msg})
				continue
			}
			successes = append(successes, bulkSuccess{Index: i, Identifier: res.entity.Identifier, Created: res.created})
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	status := http.StatusOK
	if len(failures) > 0 {
		status = http.StatusMultiStatus
	}
	return status, ok("entities", successes, "errors", failures), nil
}

// upsertItem writes one bulk item. An item checks everything before it
// writes (upsertOne), so one that fails wrote nothing and needs no savepoint
// of its own; one that fails after it wrote fails the whole request, which
// its group commit rolls back alone.
func upsertItem(ctx context.Context, tx *cachedTx, bps *blueprints, bp *blueprint, item any, pre *preparedCreate, o writeOptions) (*upsertResult, error) {
	writes := o.seen.writes
	var in *entityInput
	var err error
	if pre != nil {
		in = pre.in
	} else {
		in, err = parseEntityInput(item, bp.id)
	}
	var res *upsertResult
	if err == nil {
		res, err = upsertOne(ctx, tx, bps, bp, in, pre, o)
	}
	if err != nil && o.seen.writes != writes {
		return nil, fmt.Errorf("bulk item failed after it was partly written: %v", err) // not the item's own error: the request's
	}
	return res, err
}

// plainIdentifiers are the items' string identifiers (not search queries),
// each once.
func plainIdentifiers(items []any) []string {
	var ids []string
	seen := map[string]bool{}
	for _, item := range items {
		if obj, isObj := item.(map[string]any); isObj {
			if id, isString := obj["identifier"].(string); isString && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// failedIdentifier is what a bulk error reports: the (resolved) identifier, or
// "unknown" when a search identifier did not resolve (Ocean drops those items).
func failedIdentifier(item any, err error) string {
	var f errFor
	if errors.As(err, &f) {
		return f.id
	}
	var u errUnresolved
	if errors.As(err, &u) {
		return "unknown"
	}
	if obj, isObj := item.(map[string]any); isObj {
		if id, isString := obj["identifier"].(string); isString {
			return id
		}
	}
	return "unknown"
}

// GET /v1/blueprints/{bp}/entities/{id}
func (s *Server) getEntity(c *call) (int, any, error) {
	proj, err := projectionOf(c)
	if err != nil {
		return 0, nil, err
	}
	ctx := c.r.Context()
	if _, err := newBlueprints(ctx, s.db.r).get(c.param("bp")); err != nil {
		return 0, nil, err
	}
	r, err := loadRow(ctx, s.db.r, c.param("bp"), c.param("id"))
	if err != nil {
		return 0, nil, err
	}
	if r == nil {
		return 0, nil, notFound("Entity %q of blueprint %q was not found", c.param("id"), c.param("bp"))
	}
	e, err := r.entity()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("entity", proj.apply(e)), nil
}
