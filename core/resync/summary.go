package resync

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ocean-go/ocean/clients/port"
)

// Status is how a resync ended; the values are the ones reported to Port's
// resync-state.
type Status string

const (
	Completed Status = "completed"
	Failed    Status = "failed"
	Aborted   Status = "aborted"
)

// KindSummary counts what happened to one resource of the mapping.
type KindSummary struct {
	Kind  string
	Index int
	// Blueprint is the blueprint the mapping writes to, when it names one
	// literally.
	Blueprint   string
	Extracted   int // raw items the handlers produced (after itemsToParse)
	FilteredOut int // items the selector rejected
	Transformed int // entities the mapping produced
	Created     int
	Updated     int
	Unchanged   int // entities equal to Port's copy, not written
	// Uncompared counts entities Port already had that were written without
	// knowing whether they changed: their change-detection lookup failed.
	Uncompared int
	Deleted    int // stale entities deleted at reconciliation (by blueprint)
	// Failed counts entities lost: items that could not be mapped and
	// entities Port refused (for good, once the end-of-resync retry ran).
	Failed int
	// MapFailed is the part of Failed that could not be mapped (the rest
	// are entities Port refused).
	MapFailed int
	// FailedBatches counts raw batches the handlers failed to fetch (an error
	// or a panic instead of a batch), and is 1 when the kind could not run at
	// all (no handler, a mapping that does not compile, an unreadable cursor).
	FailedBatches int
	Errors        []error // what failed the kind (extract, mapping); capped at maxKindErrors
	StartedAt     time.Time
	Duration      time.Duration
	// CreatedKeys, UpdatedKeys and DeletedKeys are, in a dry run, the first
	// entities it would create, update and delete (applier.SampleSize each).
	CreatedKeys, UpdatedKeys, DeletedKeys []port.Key

	refused       int       // entities Port refused (retry aside)
	refusal       error     // the first of them
	refusedLogged int       // entities refused by Port that were logged
	lastProgress  time.Time // when progress was last logged
}

// maxKindErrors bounds the errors kept per kind; the Failed count stays exact.
const maxKindErrors = 20

// maxRefusedLogged bounds the "Port refused an entity" lines per kind.
const maxRefusedLogged = 10

// rate is the raw items extracted per second since the resource started,
// rounded to an integer (0 in its first millisecond).
func (k *KindSummary) rate() int {
	secs := time.Since(k.StartedAt).Seconds()
	if k.StartedAt.IsZero() || secs < 0.001 {
		return 0
	}
	return int(float64(k.Extracted)/secs + 0.5)
}

// Refusal is the first entity Port refused in this kind (its key and Port's
// answer), nil when Port took every entity it was sent.
func (k *KindSummary) Refusal() error { return k.refusal }

func (k *KindSummary) addError(err error) {
	if len(k.Errors) < maxKindErrors {
		k.Errors = append(k.Errors, err)
	}
}

// Summary is the outcome of one resync or incremental sync.
type Summary struct {
	EventID   string
	Status    Status
	StartedAt time.Time
	Duration  time.Duration
	Kinds     []KindSummary
	// Incremental marks an incremental sync: Kinds holds only the resources
	// it ran, and it deletes nothing.
	Incremental bool
	// Orphaned counts the stale entities deleted from blueprints that no kind
	// of this resync maps (say, of a kind removed from the mapping).
	Orphaned int
	// OrphanedKeys are, in a dry run, the first of the Orphaned.
	OrphanedKeys []port.Key
	// DryRun marks a plan: its counts are what a resync would do.
	DryRun bool
	// Deletion says what reconciliation did: "deleted N", or why nothing was
	// deleted (for an incremental sync: where it stopped, if it did).
	Deletion string
	// ReconcileDuration is the time reconciliation took (finding the stale
	// entities and deleting them), DeleteDuration the deleting alone.
	ReconcileDuration time.Duration
	DeleteDuration    time.Duration
	// Requests counts the API requests the sync sent to Port (every attempt),
	// by route (port.Route).
	Requests map[string]int
	Err      error
}

// Totals sums the per-kind counts.
func (s *Summary) Totals() KindSummary {
	var t KindSummary
	for _, k := range s.Kinds {
		t.Extracted += k.Extracted
		t.FilteredOut += k.FilteredOut
		t.Transformed += k.Transformed
		t.Created += k.Created
		t.Updated += k.Updated
		t.Unchanged += k.Unchanged
		t.Uncompared += k.Uncompared
		t.Deleted += k.Deleted
		t.Failed += k.Failed
		t.MapFailed += k.MapFailed
		t.FailedBatches += k.FailedBatches
	}
	t.Deleted += s.Orphaned
	t.Duration = s.Duration
	return t
}

// WriteTable prints the per-kind summary table shown at the end of a resync:
// one row per resource of the mapping (kind#index when a kind has several),
// entities that failed to be written apart from raw batches that failed to
// be fetched, a closing line that counts both and, when they were counted,
// the requests sent to Port.
func (s *Summary) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "KIND\tEXTRACTED\tFILTERED OUT\tCREATED\tUPDATED\tUNCHANGED\tUNCOMPARED\tDELETED\tFAILED ENTITIES\tFAILED FETCHES\tSECONDS\t")
	row := func(name string, k KindSummary) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.2f\t\n", name, k.Extracted, k.FilteredOut,
			k.Created, k.Updated, k.Unchanged, k.Uncompared, k.Deleted, k.Failed, k.FailedBatches, k.Duration.Seconds())
	}
	resources := map[string]int{}
	for _, k := range s.Kinds {
		resources[k.Kind]++
	}
	for _, k := range s.Kinds {
		name := k.Kind
		if resources[k.Kind] > 1 {
			name = fmt.Sprintf("%s#%d", k.Kind, k.Index)
		}
		row(name, k)
	}
	if s.Orphaned > 0 {
		row("(no kind)", KindSummary{Deleted: s.Orphaned})
	}
	tot := s.Totals()
	row("total", tot)
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "%s %s: %s; %s%s\n", s.name(), s.EventID, s.Status, failures(tot), s.Deletion); err != nil {
		return err
	}
	if s.Requests == nil { // not counted
		return nil
	}
	_, err := fmt.Fprintln(w, RequestsLine(s.Requests))
	return err
}

// routeNames are the short names of the routes a resync uses.
var routeNames = map[string]string{
	"POST /v1/blueprints/{bp}/entities/bulk":           "bulk upsert",
	"POST /v1/blueprints/{bp}/entities":                "upsert",
	"POST /v1/entities/search":                         "search",
	"POST /v1/blueprints/entities/datasource-entities": "owned listing",
	"POST /v1/blueprints/{bp}/bulk/entities/delete":    "bulk delete",
	"DELETE /v1/blueprints/{bp}/entities/{identifier}": "delete",
	"GET /v1/blueprints/{bp}":                          "blueprint",
	"GET /v1/integration/{id}":                         "integration",
	"PATCH /v1/integration/{id}/resync-state":          "resync state",
	"POST /v1/integration/{id}/kinds/{kind}/examples":  "examples",
	"POST /v1/auth/access_token":                       "token",
	"GET /v1/organization":                             "organization",
}

// RequestsLine renders request counts by route as "Port requests: 57 (bulk
// upsert 50, search 5, owned listing 2)": the total, then each route by
// decreasing count, by its short name when it has one.
func RequestsLine(byRoute map[string]int) string {
	type part struct {
		name string
		n    int
	}
	var parts []part
	total := 0
	for route, n := range byRoute {
		name := routeNames[route]
		if name == "" {
			name = route
		}
		parts = append(parts, part{name, n})
		total += n
	}
	slices.SortFunc(parts, func(a, b part) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.name, b.name)) })
	line := fmt.Sprintf("Port requests: %d", total)
	if len(parts) > 0 {
		items := make([]string, len(parts))
		for i, p := range parts {
			items[i] = fmt.Sprintf("%s %d", p.name, p.n)
		}
		line += " (" + strings.Join(items, ", ") + ")"
	}
	return line
}

// failures counts what failed, for the closing line: "" when nothing did.
func failures(tot KindSummary) string {
	var parts []string
	if tot.Failed > 0 {
		parts = append(parts, entityCount(tot.Failed)+" not written")
	}
	if tot.FailedBatches > 0 {
		batches := "raw batches"
		if tot.FailedBatches == 1 {
			batches = "raw batch"
		}
		parts = append(parts, fmt.Sprintf("%d %s not fetched", tot.FailedBatches, batches))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ", ") + "; "
}

func (s *Summary) name() string {
	switch {
	case s.Incremental:
		return "incremental sync"
	case s.DryRun:
		return "dry run"
	}
	return "resync"
}

// WritePlan prints a dry run's plan: per resource of the mapping, what a
// resync would create, update and delete, with the first identifiers of each,
// then what it would leave alone and what failed.
func (s *Summary) WritePlan(w io.Writer) error {
	resources := map[string]int{}
	for _, k := range s.Kinds {
		resources[k.Kind]++
	}
	var b strings.Builder
	for _, k := range s.Kinds {
		name := k.Kind
		if resources[k.Kind] > 1 {
			name = fmt.Sprintf("%s#%d", k.Kind, k.Index)
		}
		if k.Blueprint != "" {
			name += " → " + k.Blueprint
		}
		fmt.Fprintf(&b, "%s\n", name)
		planLine(&b, "create", k.Created, k.CreatedKeys, identifier)
		planLine(&b, "update", k.Updated, k.UpdatedKeys, identifier)
		planLine(&b, "delete", k.Deleted, k.DeletedKeys, identifier)
		var rest []string
		for _, c := range []struct {
			n    int
			what string
		}{
			{k.Extracted, "extracted"}, {k.FilteredOut, "filtered out"}, {k.Unchanged, "unchanged"},
			{k.Uncompared, "would be written without comparison (lookup failed)"},
			{k.Failed, "failed to map"}, {k.FailedBatches, "raw batches not fetched"},
		} {
			if c.n > 0 || c.what == "extracted" {
				rest = append(rest, fmt.Sprintf("%d %s", c.n, c.what))
			}
		}
		fmt.Fprintf(&b, "  %s\n", strings.Join(rest, ", "))
		for _, err := range k.Errors {
			fmt.Fprintf(&b, "  error: %v\n", err)
		}
	}
	if s.Orphaned > 0 {
		b.WriteString("(no kind)\n")
		planLine(&b, "delete", s.Orphaned, s.OrphanedKeys, port.Key.String)
	}
	tot := s.Totals()
	// The deletion count is said already; what reconciliation adds (kept
	// blueprints, why nothing would be deleted) is not.
	note := strings.TrimPrefix(s.Deletion, fmt.Sprintf("would delete %d stale entities", tot.Deleted))
	if note = strings.TrimPrefix(note, "; "); note != "" {
		note += "; "
	}
	fmt.Fprintf(&b, "%s %s: %s; would create %d, update %d, delete %d; %s%snothing was written to Port\n",
		s.name(), s.EventID, s.Status, tot.Created, tot.Updated, tot.Deleted, failures(tot), note)
	_, err := io.WriteString(w, b.String())
	return err
}

func identifier(k port.Key) string { return k.Identifier }

// planLine prints "  create 12: a, b, c, d, e, ..." (nothing when n is 0),
// each key as name renders it.
func planLine(b *strings.Builder, verb string, n int, keys []port.Key, name func(port.Key) string) {
	if n == 0 {
		return
	}
	fmt.Fprintf(b, "  %s %d", verb, n)
	if len(keys) > 0 {
		ids := make([]string, len(keys))
		for i, k := range keys {
			ids[i] = name(k)
		}
		more := ""
		if n > len(keys) {
			more = ", ..."
		}
		fmt.Fprintf(b, ": %s%s", strings.Join(ids, ", "), more)
	}
	b.WriteString("\n")
}
