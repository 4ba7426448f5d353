package processor

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/ocean-go/ocean/clients/port"
)

// Process runs the selector and the mappings on every item, in parallel over
// the processor's workers, each item bounded by the item timeout. A failing,
// panicking or runaway item becomes an ItemError and never stops the batch.
// Entities come out in input order. With parseAll, items the selector rejects
// are mapped too and returned in Failed.
//
// Items must be JSON-shaped (see Normalize). Entity values may share memory
// with the items; neither must be modified afterwards.
func (m *Mapping) Process(ctx context.Context, items []any, parseAll bool) Result {
	if len(items) == 0 {
		return Result{}
	}
	outcomes := make([]outcome, len(items))
	workers := min(m.p.workers, len(items))
	if workers <= 1 {
		for i, item := range items {
			m.evalItem(ctx, i, item, parseAll, &outcomes[i])
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for {
					i := int(next.Add(1) - 1)
					if i >= len(items) {
						return
					}
					m.evalItem(ctx, i, items[i], parseAll, &outcomes[i])
				}
			})
		}
		wg.Wait()
	}
	return m.collect(outcomes)
}

// collect merges per-item outcomes in input order.
func (m *Mapping) collect(outcomes []outcome) Result {
	var r Result
	passed := 0
	for i := range outcomes {
		if outcomes[i].state == statePassed {
			passed++
		}
	}
	r.Passed = make([]port.Entity, 0, passed)
	for i := range outcomes {
		o := &outcomes[i]
		for _, l := range o.nulls {
			if r.Misconfigured == nil {
				r.Misconfigured = map[string]string{}
			}
			r.Misconfigured[l.path] = l.src
		}
		for _, fe := range o.fieldErrs {
			r.addFieldError(fe.path, fe.msg)
		}
		switch o.state {
		case statePassed:
			r.Passed = append(r.Passed, o.entity)
		case stateFailed:
			r.Failed = append(r.Failed, o.entity)
			r.FilteredOut++
		case stateFiltered:
			r.FilteredOut++
		case stateSkipped:
			r.Skipped++
			if !o.selected {
				r.FilteredOut++
			}
		case stateError:
			r.Errors = append(r.Errors, o.err)
		}
	}
	return r
}

func (r *Result) addFieldError(path, msg string) {
	if r.FieldErrors == nil {
		r.FieldErrors = map[string]string{}
	}
	if _, ok := r.FieldErrors[path]; !ok {
		r.FieldErrors[path] = msg
	}
}
