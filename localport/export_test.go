package localport

import (
	"context"
	"strings"
	"time"
)

// SeedEntities writes entities straight into the store in one transaction:
// benchmarks use it to build large catalogs quickly. The blueprint must exist.
func (s *Server) SeedEntities(blueprint, datasource string, entities []map[string]any) error {
	ctx := context.Background()
	now := time.Now()
	return s.db.write(ctx, func(tx *cachedTx) error {
		bp, err := newBlueprints(ctx, tx).get(blueprint)
		if err != nil {
			return err
		}
		for _, m := range entities {
			e := &entity{Identifier: m["identifier"].(string), Blueprint: blueprint, CreatedAt: stamp(now), UpdatedAt: stamp(now)}
			if p, has := m["properties"].(map[string]any); has {
				e.Properties = p
			}
			if err := saveEntity(ctx, tx, e, bp, datasource, now.UnixMicro(), false); err != nil {
				return err
			}
		}
		return nil
	})
}

// LookUpQuery is the query a bulk looks its n entities up with.
var LookUpQuery = lookUpQuery

// QueryPlan is SQLite's EXPLAIN QUERY PLAN of q on the server's readers, its
// lines joined.
func QueryPlan(s *Server, q string, args ...any) (string, error) {
	rows, err := s.db.r.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n"), rows.Err()
}
