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
	rep := console.Report{Lines: []string{}, Fields: []console.FieldReport{}}
	entities := []any{}
	mapped := 0
	fields := map[string]*console.FieldReport{}
	for n, raw := range items {
		expanded, err := m.ExpandItems(ctx, raw)
		if err != nil {
			rep.Failed++
			rep.Lines = append(rep.Lines, fmt.Sprintf("item %d: %v", n, err))
			continue
		}
		for k, item := range expanded {
			label := fmt.Sprintf("item %d", n)
			if m.HasItemsToParse() {
				label = fmt.Sprintf("item %d[%d]", n, k)
			}
			rep.Items++
			res := m.Process(ctx, []any{item}, false)
			rep.Entities += len(res.Passed)
			for _, e := range res.Passed {
				entities = append(entities, e)
			}
			switch {
			case len(res.Errors) > 0:
				rep.Failed++
				e := res.Errors[0]
				rep.Lines = append(rep.Lines, fmt.Sprintf("%s: failed in %s: %v", label, e.Stage, e.Err))
			case res.FilteredOut > 0:
				rep.Filtered++
				rep.Lines = append(rep.Lines, label+": filtered out (the selector returned false)")
			case res.Skipped > 0:
				rep.Skipped++
				rep.Lines = append(rep.Lines, label+": skipped (identifier or blueprint is empty, null or missing)")
			}
			if len(res.Passed) > 0 || res.Skipped > 0 || (len(res.Errors) > 0 && res.Errors[0].Stage != "selector") {
				mapped++
			}
			for path, src := range res.Misconfigured {
				f := fields[path]
				if f == nil {
					f = &console.FieldReport{Path: path, Source: src, Level: "WARNING"}
					if bp != nil && bp.IsRequired(path) {
						f.Level = "ERROR"
					}
					fields[path] = f
				}
				f.Nulls++
				if msg, ok := res.FieldErrors[path]; ok && f.Error == "" {
					f.Error = msg
				}
			}
		}
	}
	for _, path := range slices.Sorted(maps.Keys(fields)) {
		f := fields[path]
		f.Mapped = mapped
		rep.Fields = append(rep.Fields, *f)
	}
	return entities, rep
}
