package localport

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ocean-go/ocean/localport/internal/query"
)

// maxBulkDelete is Port's limit of identifiers per bulk delete.
const maxBulkDelete = 100

// deleteKeys deletes the existing entities among keys. Entities that depend on
// one of them through a required relation block the delete (409
// has_dependents) unless deleteDependents, which deletes them too,
// transitively. Optional relations pointing at a deleted entity are cleared.
// It returns the deleted keys among the requested ones.
func deleteKeys(ctx context.Context, tx querier, bps *blueprints, keys []query.Key, deleteDependents bool) ([]query.Key, error) {
	doomed := map[query.Key]bool{}
	var requested, queue []query.Key
	for _, k := range keys {
		if doomed[k] {
			continue
		}
		exists, err := entityExists(ctx, tx, k.Blueprint, k.Identifier)
		if err != nil {
			return nil, err
		}
		if exists {
			doomed[k] = true
			requested = append(requested, k)
			queue = append(queue, k)
		}
	}
	var toClear []edge
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		edges, err := edgesOf(ctx, tx, k, true)
		if err != nil {
			return nil, err
		}
		for _, e := range edges {
			if doomed[e.src] {
				continue
			}
			srcBP, err := bps.get(e.src.Blueprint)
			if err != nil {
				return nil, err
			}
			rel := srcBP.relations[e.relation]
			if rel == nil || !rel.required {
				toClear = append(toClear, e)
				continue
			}
			if !deleteDependents {
				return nil, newError(http.StatusConflict, codeHasDependents,
					"Entity %q of blueprint %q has dependent entities (%s/%s through required relation %q); delete them first or send delete_dependents=true",
					k.Identifier, k.Blueprint, e.src.Blueprint, e.src.Identifier, e.relation)
			}
			doomed[e.src] = true
			queue = append(queue, e.src)
		}
	}
	for k := range doomed {
		if err := removeEntity(ctx, tx, k); err != nil {
			return nil, err
		}
	}
	for _, e := range toClear {
		if doomed[e.src] {
			continue
		}
		if err := clearReference(ctx, tx, bps, e); err != nil {
			return nil, err
		}
	}
	return requested, nil
}

// clearReference removes a deleted target from a source's optional relation.
func clearReference(ctx context.Context, tx querier, bps *blueprints, e edge) error {
	r, err := loadRow(ctx, tx, e.src.Blueprint, e.src.Identifier)
	if err != nil || r == nil {
		return err
	}
	ent, err := r.entity()
	if err != nil {
		return fmt.Errorf("decode entity %s/%s: %w", e.src.Blueprint, e.src.Identifier, err)
	}
	switch v := ent.Relations[e.relation].(type) {
	case string:
		if v == e.target.Identifier {
			ent.Relations[e.relation] = nil
		}
	case []any:
		ent.Relations[e.relation] = slices.DeleteFunc(slices.Clone(v), func(x any) bool { return x == e.target.Identifier })
	}
	bp, err := bps.get(e.src.Blueprint)
	if err != nil {
		return err
	}
	return updateBody(ctx, tx, ent, bp)
}

// DELETE /v1/blueprints/{bp}/entities/{id}
func (s *Server) deleteEntity(c *call) (int, any, error) {
	deps, err := c.flag("delete_dependents", false)
	if err != nil {
		return 0, nil, err
	}
	ctx := c.r.Context()
	err = s.db.write(ctx, func(tx *cachedTx) error {
		bps := newBlueprints(ctx, tx)
		bp, err := bps.get(c.param("bp"))
		if err != nil {
			return err
		}
		deleted, err := deleteKeys(ctx, tx, bps, []query.Key{{Blueprint: bp.id, Identifier: c.param("id")}}, deps)
		if err != nil {
			return err
		}
		if len(deleted) == 0 {
			return notFound("Entity %q of blueprint %q was not found", c.param("id"), bp.id)
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok(), nil
}

// POST /v1/blueprints/{bp}/bulk/entities/delete: all or nothing; identifiers
// that do not exist are simply absent from deletedEntities.
func (s *Server) bulkDelete(c *call) (int, any, error) {
	deps, err := c.flag("delete_dependents", false)
	if err != nil {
		return 0, nil, err
	}
	list, err := c.entityList("entity identifiers", maxBulkDelete)
	if err != nil {
		return 0, nil, err
	}
	ctx := c.r.Context()
	deletedIDs := []string{}
	err = s.db.write(ctx, func(tx *cachedTx) error {
		bps := newBlueprints(ctx, tx)
		bp, err := bps.get(c.param("bp"))
		if err != nil {
			return err
		}
		keys := make([]query.Key, len(list))
		for i, v := range list {
			id, isString := v.(string)
			if !isString {
				return invalid("entities[%d] must be an identifier string, got %s", i, jsonType(v))
			}
			keys[i] = query.Key{Blueprint: bp.id, Identifier: id}
		}
		deleted, err := deleteKeys(ctx, tx, bps, keys, deps)
		for _, k := range deleted {
			deletedIDs = append(deletedIDs, k.Identifier)
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("deletedEntities", deletedIDs), nil
}

// blueprintDependents names the blueprints whose relations target bp.
func blueprintDependents(ctx context.Context, q querier, bpID string) ([]string, error) {
	all, err := listBlueprints(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, other := range all {
		if other.id == bpID {
			continue
		}
		for _, name := range sortedKeys(other.relations) {
			if other.relations[name].target == bpID {
				out = append(out, other.id+"."+name)
			}
		}
	}
	return out, nil
}

// dropBlueprint deletes a blueprint that has no entities and no incoming relations.
func dropBlueprint(ctx context.Context, tx querier, bpID string) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM entities WHERE blueprint = ?", bpID).Scan(&n); err != nil {
		return fmt.Errorf("count entities of %q: %w", bpID, err)
	}
	if n > 0 {
		return conflict("Blueprint %q still has %d entities; delete them first (DELETE /v1/blueprints/%s/all-entities)", bpID, n, bpID)
	}
	deps, err := blueprintDependents(ctx, tx, bpID)
	if err != nil {
		return err
	}
	if len(deps) > 0 {
		return conflict("Blueprint %q is the target of relations %s; remove them first", bpID, strings.Join(deps, ", "))
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM blueprints WHERE identifier = ?", bpID); err != nil {
		return fmt.Errorf("delete blueprint %q: %w", bpID, err)
	}
	return nil
}
