package processor

import (
	"fmt"
	"maps"
	"slices"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
)

// Result is what Process made of a batch.
type Result struct {
	Passed      []port.Entity // selector true, in input order
	Failed      []port.Entity // mapped although the selector rejected them (parseAll only)
	FilteredOut int           // items the selector rejected
	Skipped     int           // mapped but without a truthy identifier and blueprint
	Errors      []ItemError   // one per failed item, in input order
	// Misconfigured maps the path of every field that evaluated to null at
	// least once ("properties.url", "relations.owner", "identifier.rules.value")
	// to its JQ source.
	Misconfigured map[string]string
	// FieldErrors maps the path of a field that failed (compile or runtime
	// error) to its first error; such fields are also in Misconfigured.
	FieldErrors map[string]string
}

// ItemError is the failure of one item; the rest of the batch is unaffected.
type ItemError struct {
	Index int    // position in the batch given to Process
	Stage string // "selector", a field path ("blueprint", "title"…), "timeout" or "canceled"
	Err   error
}

func (e ItemError) Error() string {
	return fmt.Sprintf("item %d: %s: %v", e.Index, e.Stage, e.Err)
}

func (e ItemError) Unwrap() error { return e.Err }

// ReportMisconfigured logs one line per misconfigured field: ERROR when bp (the
// mapped blueprint, may be nil) requires the field, WARNING otherwise; and one
// WARNING with the number of skipped items.
func (r *Result) ReportMisconfigured(log logrus.FieldLogger, bp *port.Blueprint) {
	for _, path := range slices.Sorted(maps.Keys(r.Misconfigured)) {
		l := log.WithFields(logrus.Fields{"field": path, "pattern": r.Misconfigured[path]})
		if msg, ok := r.FieldErrors[path]; ok {
			l = l.WithField("error", msg)
		}
		const msg = "Unable to find valid data for field (null, missing, or misconfigured)"
		if bp != nil && bp.IsRequired(path) {
			l.Error(msg + "; the blueprint requires it")
		} else {
			l.Warn(msg)
		}
	}
	if r.Skipped > 0 {
		log.WithField("skipped", r.Skipped).Warn("Items skipped: their identifier or blueprint is empty, null or missing")
	}
}
