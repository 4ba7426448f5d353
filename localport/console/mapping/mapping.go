package mapping

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/core/appconfig"
	"github.com/ocean-go/ocean/core/processor"
	"github.com/ocean-go/ocean/localport/console"
)

// itemTimeout bounds one item's mapping: a JQ loop typed in the editor must
// not hold the server.
const itemTimeout = 2 * time.Second

// Engine maps raw items with a resource's mapping; env and $ENV are {}, as
// in `ocean map` without --allow-env.
type Engine struct{ p *processor.Processor }

// New builds the engine.
func New() *Engine {
	return &Engine{p: processor.New(processor.Options{ItemTimeout: itemTimeout})}
}

var _ console.Mapper = (*Engine)(nil)

// Map implements console.Mapper.
func (e *Engine) Map(ctx context.Context, res *appconfig.ResourceConfig, items []any, blueprint func(string) (map[string]any, error)) ([]any, console.Report, error) {
	m, err := e.p.Compile(res)
	if err != nil {
		return nil, console.Report{}, fmt.Errorf("%w: %v", console.ErrInvalid, err)
	}
	var bp *port.Blueprint
	if id, ok := m.LiteralBlueprint(); ok {
		body, err := blueprint(id)
		switch {
		case errors.Is(err, console.ErrNotFound): // no field is known to be required
		case err != nil:
			return nil, console.Report{}, err
		default:
			if bp, err = portBlueprint(body); err != nil {
				return nil, console.Report{}, fmt.Errorf("blueprint %q: %w", id, err)
			}
		}
	}
	entities, rep := mapItems(ctx, m, items, bp)
	return entities, rep, nil
}

func portBlueprint(body map[string]any) (*port.Blueprint, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	var bp port.Blueprint
	return &bp, json.Unmarshal(data, &bp)
}

// mapItems maps the items one by one, as `ocean map` does, so that the report
// names each item.
func mapItems(ctx context.Context, m *processor.Mapping, items []any, bp *port.Blueprint) ([]any, console.Report) {
	entities := []any{}
	r, _ := m.MapEach(ctx, items, func(e port.Entity) error { // emit never fails
		entities = append(entities, e)
		return nil
	})
	rep := console.Report{Items: r.Items, Entities: r.Entities, Filtered: r.Filtered, Skipped: r.Skipped, Failed: r.Failed,
		Lines: append([]string{}, r.Lines...), Fields: []console.FieldReport{}}
	for _, path := range slices.Sorted(maps.Keys(r.Fields)) {
		f := r.Fields[path]
		level := "WARNING"
		if bp != nil && bp.IsRequired(path) {
			level = "ERROR"
		}
		rep.Fields = append(rep.Fields, console.FieldReport{Path: path, Source: f.Source, Level: level,
			Nulls: f.Nulls, Mapped: r.Mapped, Error: f.FirstError})
	}
	return entities, rep
}
