package oceantest

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/core/resync"
)

// Ref names an entity in Port.
type Ref struct {
	Blueprint, Identifier string
}

func (r Ref) String() string { return r.Blueprint + "/" + r.Identifier }

// Result is what a resync did: its summary (status, and per kind what was
// extracted, created, updated, deleted and failed, with the errors), and the
// entities of Port it created, updated and deleted, seen by comparing Port
// before and after it (a webhook processed meanwhile shows there too).
type Result struct {
	*resync.Summary
	Created, Updated, Deleted []Ref
}

// Kind sums the rows of the summary for kind (a kind mapped twice has a row
// per resource).
func (r *Result) Kind(kind string) resync.KindSummary {
	sum := resync.KindSummary{Kind: kind}
	for _, k := range r.Kinds {
		if k.Kind != kind {
			continue
		}
		sum.Extracted += k.Extracted
		sum.FilteredOut += k.FilteredOut
		sum.Transformed += k.Transformed
		sum.Created += k.Created
		sum.Updated += k.Updated
		sum.Unchanged += k.Unchanged
		sum.Uncompared += k.Uncompared
		sum.Deleted += k.Deleted
		sum.Failed += k.Failed
		sum.MapFailed += k.MapFailed
		sum.FailedBatches += k.FailedBatches
		sum.Errors = append(sum.Errors, k.Errors...)
		sum.Duration += k.Duration
	}
	return sum
}

// Resync runs a full resync of every kind of the mapping now, as a listener
// triggers one (without reporting the resync state to Port), and returns
// what it did with its error: nil only when it completed. A resync that
// failed has its Result too; one that could not run (the App stopped) has
// none.
func (h *Harness) Resync(ctx context.Context) (*Result, error) {
	h.t.Helper()
	before := h.snapshot()
	sum, err := h.app.SyncRawAll(ctx)
	if sum == nil {
		return nil, err
	}
	res := &Result{Summary: sum}
	after := h.snapshot()
	for ref, e := range after {
		if b, ok := before[ref]; !ok {
			res.Created = append(res.Created, ref)
		} else if b.UpdatedAt != e.UpdatedAt {
			res.Updated = append(res.Updated, ref)
		}
	}
	for ref := range before {
		if _, ok := after[ref]; !ok {
			res.Deleted = append(res.Deleted, ref)
		}
	}
	for _, refs := range [][]Ref{res.Created, res.Updated, res.Deleted} {
		sortRefs(refs)
	}
	return res, err
}

// Entities are the entities of blueprint in Port ("" = of every blueprint),
// oldest first.
func (h *Harness) Entities(blueprint string) []port.Entity {
	h.t.Helper()
	raw, err := h.port.Entities(blueprint)
	if err != nil {
		h.t.Fatalf("oceantest: entities of %q: %v", blueprint, err)
	}
	out := make([]port.Entity, len(raw))
	for i, m := range raw {
		out[i] = h.entity(m)
	}
	return out
}

// Entity is the entity of blueprint with identifier in Port, or nil.
func (h *Harness) Entity(blueprint, identifier string) *port.Entity {
	h.t.Helper()
	m, _, err := h.port.Entity(blueprint, identifier)
	if err != nil {
		h.t.Fatalf("oceantest: entity %s/%s: %v", blueprint, identifier, err)
	}
	if m == nil {
		return nil
	}
	e := h.entity(m)
	return &e
}

// entity decodes an entity as the API renders it: numbers become float64,
// as for any JSON decoded into any.
func (h *Harness) entity(m map[string]any) port.Entity {
	h.t.Helper()
	var e port.Entity
	data, err := json.Marshal(m)
	if err == nil {
		err = json.Unmarshal(data, &e)
	}
	if err != nil {
		h.t.Fatalf("oceantest: decode entity: %v", err)
	}
	return e
}

// snapshot is every entity in Port by reference.
func (h *Harness) snapshot() map[Ref]port.Entity {
	h.t.Helper()
	out := map[Ref]port.Entity{}
	for _, e := range h.Entities("") {
		out[Ref{Blueprint: e.Blueprint, Identifier: fmt.Sprint(e.Identifier)}] = e
	}
	return out
}

func sortRefs(refs []Ref) {
	slices.SortFunc(refs, func(a, b Ref) int {
		return cmp.Or(cmp.Compare(a.Blueprint, b.Blueprint), cmp.Compare(a.Identifier, b.Identifier))
	})
}
