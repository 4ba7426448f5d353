package localport

import (
	"context"

	"github.com/ocean-go/ocean/localport/internal/query"
)

// Entities returns the stored entities of a blueprint ("" = every blueprint)
// in creation order, as the API renders them (numbers are json.Number).
func (s *Server) Entities(blueprint string) ([]map[string]any, error) {
	out := []map[string]any{}
	err := scanPlan(context.Background(), s.db.r, query.Plan{}, blueprint, func(r *row) error {
		e, err := r.entity()
		if err != nil {
			return err
		}
		out = append(out, e.toMap())
		return nil
	})
	return out, err
}

// Entity returns one entity and its datasource (the User-Agent of its last
// writer); the entity is nil when it does not exist.
func (s *Server) Entity(blueprint, identifier string) (entity map[string]any, datasource string, err error) {
	r, err := loadRow(context.Background(), s.db.r, blueprint, identifier)
	if err != nil || r == nil {
		return nil, "", err
	}
	e, err := r.entity()
	if err != nil {
		return nil, "", err
	}
	return e.toMap(), r.datasource, nil
}

// Integration returns the stored integration fields (without the ingest
// attributes, which depend on the address a client uses), or nil when it does not exist.
func (s *Server) Integration(id string) (map[string]any, error) {
	var d integrationDoc
	found, err := loadDoc(context.Background(), s.db.r, docIntegration, id, &d)
	if err != nil || !found {
		return nil, err
	}
	return d.Fields, nil
}

// Examples returns the raw data examples last uploaded for a kind of an
// integration, or nil when there are none.
func (s *Server) Examples(integrationID, kind string) ([]any, error) {
	var ex []any
	_, err := loadDoc(context.Background(), s.db.r, docExamples, integrationID+"\x00"+kind, &ex)
	return ex, err
}
