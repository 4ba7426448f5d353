package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/core/processor"
)

const (
	// playgroundItemTimeout bounds one item's mapping: a JQ loop typed in the
	// editor must not hold the server.
	playgroundItemTimeout = 2 * time.Second
	// maxPlaygroundItems bounds the raw items of one run.
	maxPlaygroundItems = 1000
)

// Report is what a mapping made of the items, as `ocean map` reports it.
type Report struct {
	Items    int           `json:"items"` // after itemsToParse
	Entities int           `json:"entities"`
	Filtered int           `json:"filtered"` // the selector returned false
	Skipped  int           `json:"skipped"`  // identifier or blueprint empty
	Failed   int           `json:"failed"`
	Lines    []string      `json:"lines"` // per item that did not make an entity
	Fields   []FieldReport `json:"fields"`
}

// FieldReport is a field that evaluated to null (or failed) on some items.
type FieldReport struct {
	Path   string `json:"path"`
	Source string `json:"source"` // its JQ
	Nulls  int    `json:"nulls"`  // items where it was null
	Mapped int    `json:"mapped"` // items whose fields were evaluated
	Level  string `json:"level"`  // ERROR when the blueprint requires the field, else WARNING
	Error  string `json:"error,omitempty"`
}

// POST /console/api/playground {"resource": YAML, "items": [...]}
func (c *Console) playground(r *http.Request) (int, any, error) {
	var body struct {
		Resource string `json:"resource"`
		Items    []any  `json:"items"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return 0, nil, fmt.Errorf("%w: the body must be {\"resource\": YAML text, \"items\": [raw items]}: %v", errBadRequest, err)
	}
	if len(body.Items) > maxPlaygroundItems {
		return 0, nil, fmt.Errorf("%w: %d items; the playground maps at most %d", ErrInvalid, len(body.Items), maxPlaygroundItems)
	}
	_, res, err := parseResource(body.Resource)
	if err != nil {
		return 0, nil, err
	}
	m, err := c.mapper.Compile(res)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	var bp *port.Blueprint
	if id, ok := m.LiteralBlueprint(); ok {
		bp, err = c.portBlueprint(r.Context(), id)
		if err != nil {
			return 0, nil, err
		}
	}
	entities, rep := mapItems(r.Context(), m, body.Items, bp)
	return http.StatusOK, map[string]any{"entities": entities, "report": rep}, nil
}

// portBlueprint is the stored blueprint in the client's shape, nil when it does not exist.
func (c *Console) portBlueprint(ctx context.Context, id string) (*port.Blueprint, error) {
	body, err := c.store.Blueprint(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil // no field is known to be required
	}
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	var bp port.Blueprint
	if err := json.Unmarshal(data, &bp); err != nil {
		return nil, fmt.Errorf("decode blueprint %q: %w", id, err)
	}
	return &bp, nil
}

// mapItems maps the items one by one, as `ocean map` does, so that the report
// names each item.
func mapItems(ctx context.Context, m *processor.Mapping, items []any, bp *port.Blueprint) ([]port.Entity, Report) {
	rep := Report{Lines: []string{}, Fields: []FieldReport{}}
	entities := []port.Entity{}
	mapped := 0
	fields := map[string]*FieldReport{}
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
			entities = append(entities, res.Passed...)
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
					f = &FieldReport{Path: path, Source: src, Level: "WARNING"}
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
