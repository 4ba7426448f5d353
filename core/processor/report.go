package processor

import (
	"context"
	"fmt"

	"github.com/ocean-go/ocean/clients/port"
)

// ItemsReport is what a mapping made of raw items mapped one by one, so that
// each item can be named: `ocean map` prints it, the local Port's mapping
// playground shows it.
type ItemsReport struct {
	Items, Entities, Filtered, Skipped, Failed int
	Mapped                                     int      // items whose fields were evaluated
	Lines                                      []string // per item, in input order
	Fields                                     map[string]*FieldNulls
}

// FieldNulls is how often a field of the mapping evaluated to null.
type FieldNulls struct {
	Source     string // the field's JQ
	Nulls      int
	FirstError string // the field's first error, "" when it only gave null
}

// MapEach maps items one by one (each expanded by itemsToParse first),
// passes the entities to emit in input order, and reports per item. It stops
// at emit's first error and returns it.
func (m *Mapping) MapEach(ctx context.Context, items []any, emit func(port.Entity) error) (*ItemsReport, error) {
	rep := &ItemsReport{Fields: map[string]*FieldNulls{}}
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
			rep.record(label, &res)
			for _, e := range res.Passed {
				if err := emit(e); err != nil {
					return rep, err
				}
			}
		}
	}
	return rep, nil
}

func (r *ItemsReport) record(label string, res *Result) {
	r.Entities += len(res.Passed)
	switch {
	case len(res.Errors) > 0:
		r.Failed++
		e := res.Errors[0]
		r.Lines = append(r.Lines, fmt.Sprintf("%s: failed in %s: %v", label, e.Stage, e.Err))
	case res.FilteredOut > 0:
		r.Filtered++
		r.Lines = append(r.Lines, label+": filtered out (the selector returned false)")
	case res.Skipped > 0:
		r.Skipped++
		r.Lines = append(r.Lines, label+": skipped (identifier or blueprint is empty, null or missing)")
	}
	if len(res.Passed) > 0 || res.Skipped > 0 || (len(res.Errors) > 0 && res.Errors[0].Stage != "selector") {
		r.Mapped++
	}
	for path, src := range res.Misconfigured {
		f := r.Fields[path]
		if f == nil {
			f = &FieldNulls{Source: src}
			r.Fields[path] = f
		}
		f.Nulls++
		if msg, ok := res.FieldErrors[path]; ok && f.FirstError == "" {
			f.FirstError = msg
		}
	}
}
