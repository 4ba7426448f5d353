package localport

import (
	"context"
	"errors"
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
		res, err = upsertOne(c.r.Context(), tx, bps, bp, in, o)
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
	err = s.db.writeGrouped(ctx, func(tx *cachedTx) error {
		bps := newBlueprints(ctx, tx)
		bp, err := bps.get(c.param("bp"))
		if err != nil {
			return err
		}
		for i, item := range items {
			res, err := upsertItem(ctx, tx, bps, bp, item, o)
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

// upsertItem writes one bulk item inside a savepoint, rolled back on failure.
func upsertItem(ctx context.Context, tx *cachedTx, bps *blueprints, bp *blueprint, item any, o writeOptions) (*upsertResult, error) {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT item"); err != nil {
		return nil, err
	}
	in, err := parseEntityInput(item, bp.id)
	var res *upsertResult
	if err == nil {
		res, err = upsertOne(ctx, tx, bps, bp, in, o)
	}
	if err != nil {
		for _, stmt := range []string{"ROLLBACK TO item", "RELEASE item"} {
			if _, rbErr := tx.ExecContext(ctx, stmt); rbErr != nil {
				return nil, errors.Join(err, rbErr)
			}
		}
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "RELEASE item"); err != nil {
		return nil, err
	}
	return res, nil
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
