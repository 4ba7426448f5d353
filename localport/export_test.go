package localport

import (
	"context"
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
