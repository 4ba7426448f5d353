package localport

import (
	"context"
	"net/http"
	"time"

	"github.com/ocean-go/ocean/localport/internal/query"
)

// GET /v1/blueprints
func (s *Server) listBlueprintsRoute(c *call) (int, any, error) {
	all, err := listBlueprints(c.r.Context(), s.db.r)
	if err != nil {
		return 0, nil, err
	}
	out := make([]any, len(all))
	for i, bp := range all {
		out[i] = bp.body
	}
	return http.StatusOK, ok("blueprints", out), nil
}

// GET /v1/blueprints/{bp}
func (s *Server) getBlueprint(c *call) (int, any, error) {
	bp, err := newBlueprints(c.r.Context(), s.db.r).get(c.param("bp"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("blueprint", bp.body), nil
}

// POST /v1/blueprints
func (s *Server) createBlueprint(c *call) (int, any, error) {
	if _, err := c.flag("create_catalog_page", true); err != nil {
		return 0, nil, err
	}
	body, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	now := stamp(time.Now())
	body["createdAt"], body["createdBy"], body["updatedAt"], body["updatedBy"] = now, c.clientID, now, c.clientID
	bp, err := compileBlueprint(body)
	if err != nil {
		return 0, nil, err
	}
	ctx := c.r.Context()
	err = s.db.write(ctx, func(tx *cachedTx) error {
		existing, err := loadBlueprint(ctx, tx, bp.id)
		if err != nil {
			return err
		}
		if existing != nil {
			return conflict("Blueprint %q already exists", bp.id)
		}
		return storeBlueprint(ctx, tx, bp)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, ok("blueprint", bp.body), nil
}

// PATCH /v1/blueprints/{bp} (top-level keys replace the stored ones) and
// PUT /v1/blueprints/{bp} (the body replaces the blueprint).
func (s *Server) updateBlueprint(replace bool) handler {
	return func(c *call) (int, any, error) {
		patch, err := c.object()
		if err != nil {
			return 0, nil, err
		}
		ctx := c.r.Context()
		var bp *blueprint
		err = s.db.write(ctx, func(tx *cachedTx) error {
			// Its own copy, not the shared one: the patch changes its body.
			old, err := loadBlueprint(ctx, tx, c.param("bp"))
			if err != nil {
				return err
			}
			if old == nil {
				return notFound("Blueprint %q was not found", c.param("bp"))
			}
			if id, has := patch["identifier"]; has && id != old.id {
				return invalid("identifier %s cannot change (blueprint %q)", compact(id), old.id)
			}
			body := old.body
			if replace {
				body = map[string]any{"createdAt": old.body["createdAt"], "createdBy": old.body["createdBy"]}
			}
			for k, v := range patch {
				body[k] = v
			}
			body["identifier"] = old.id
			body["updatedAt"], body["updatedBy"] = stamp(time.Now()), c.clientID
			if bp, err = compileBlueprint(body); err != nil {
				return err
			}
			return storeBlueprint(ctx, tx, bp)
		})
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, ok("blueprint", bp.body), nil
	}
}

// storeBlueprint saves a blueprint whose relation targets exist (or are itself).
func storeBlueprint(ctx context.Context, tx querier, bp *blueprint) error {
	for _, name := range sortedKeys(bp.relations) {
		target := bp.relations[name].target
		if target == bp.id {
			continue
		}
		t, err := loadBlueprint(ctx, tx, target)
		if err != nil {
			return err
		}
		if t == nil {
			return notFound("Relation %q of blueprint %q targets blueprint %q, which was not found", name, bp.id, target)
		}
	}
	return saveBlueprint(ctx, tx, bp)
}

// DELETE /v1/blueprints/{bp}: only without entities and incoming relations.
func (s *Server) deleteBlueprint(c *call) (int, any, error) {
	if _, err := c.flag("delete_actions", false); err != nil {
		return 0, nil, err
	}
	ctx := c.r.Context()
	err := s.db.write(ctx, func(tx *cachedTx) error {
		bp, err := newBlueprints(ctx, tx).get(c.param("bp"))
		if err != nil {
			return err
		}
		return dropBlueprint(ctx, tx, bp.id)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok(), nil
}

// migration is the record GET /v1/migrations/{id} returns; deletes here are
// synchronous, so it is COMPLETE as soon as it exists.
type migration struct {
	ID              string         `json:"id"`
	Actor           string         `json:"actor"`
	SourceBlueprint string         `json:"sourceBlueprint"`
	Mapping         map[string]any `json:"mapping"`
	Status          string         `json:"status"`
}

// DELETE /v1/blueprints/{bp}/all-entities?delete_blueprint=
func (s *Server) deleteAllEntities(c *call) (int, any, error) {
	dropBP, err := c.flag("delete_blueprint", false)
	if err != nil {
		return 0, nil, err
	}
	ctx := c.r.Context()
	m := migration{ID: "migration_" + randomID(), Actor: c.clientID, Mapping: map[string]any{}, Status: "COMPLETE"}
	err = s.db.write(ctx, func(tx *cachedTx) error {
		bps := newBlueprints(ctx, tx)
		bp, err := bps.get(c.param("bp"))
		if err != nil {
			return err
		}
		m.SourceBlueprint = bp.id
		var keys []query.Key
		if err := scanPlan(ctx, tx, query.Plan{}, bp.id, func(r *row) error {
			keys = append(keys, r.Key())
			return nil
		}); err != nil {
			return err
		}
		if _, err := deleteKeys(ctx, tx, bps, keys, true); err != nil {
			return err
		}
		if dropBP {
			if err := dropBlueprint(ctx, tx, bp.id); err != nil {
				return err
			}
		}
		return saveDoc(ctx, tx, docMigration, m.ID, m)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("migrationId", m.ID), nil
}

// GET /v1/migrations/{id}
func (s *Server) getMigration(c *call) (int, any, error) {
	var m migration
	found, err := loadDoc(c.r.Context(), s.db.r, docMigration, c.param("id"), &m)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		return 0, nil, notFound("Migration %q was not found", c.param("id"))
	}
	return http.StatusOK, ok("migration", m), nil
}

// POST /v1/blueprints/{bp}/scorecards: stored, not evaluated.
func (s *Server) createScorecard(c *call) (int, any, error) {
	body, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	id, isString := body["identifier"].(string)
	if !isString || checkEntityID(id) != nil {
		return 0, nil, invalid("scorecard identifier is required and must match the entity identifier pattern")
	}
	ctx := c.r.Context()
	err = s.db.write(ctx, func(tx *cachedTx) error {
		bp, err := newBlueprints(ctx, tx).get(c.param("bp"))
		if err != nil {
			return err
		}
		body["blueprint"] = bp.id
		return saveDoc(ctx, tx, docScorecard, bp.id+"/"+id, body)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, ok("scorecard", body), nil
}

// storeNamed returns a handler that stores a body by its identifier (pages, actions).
func (s *Server) storeNamed(kind, key string) handler {
	return func(c *call) (int, any, error) {
		body, err := c.object()
		if err != nil {
			return 0, nil, err
		}
		id, isString := body["identifier"].(string)
		if !isString || id == "" {
			return 0, nil, invalid("%s identifier is required and must be a non-empty string", kind)
		}
		if err := s.db.write(c.r.Context(), func(tx *cachedTx) error {
			return saveDoc(c.r.Context(), tx, kind, id, body)
		}); err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, ok(key, body), nil
	}
}

// DELETE /v1/pages/{id}
func (s *Server) deletePage(c *call) (int, any, error) {
	err := s.db.write(c.r.Context(), func(tx *cachedTx) error {
		found, err := deleteDoc(c.r.Context(), tx, docPage, c.param("id"))
		if err == nil && !found {
			err = notFound("Page %q was not found", c.param("id"))
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok(), nil
}
