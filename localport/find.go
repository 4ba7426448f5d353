package localport

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/ocean-go/ocean/localport/internal/query"
)

const (
	// evalBatch is how many rows one worker evaluates at a time.
	evalBatch = 256
	// maxSearchChecks bounds the work of one search: the query's checks per
	// entity (query.Cost) times the entities left after the indexes narrowed
	// them. 50 million checks take about a second of CPU.
	maxSearchChecks = 50_000_000
)

// findEntities evaluates a query: the indexed part of its plan narrows the rows
// in SQL, the full query is evaluated in Go over the candidates, in parallel,
// keeping creation order. onlyBP restricts the search to one blueprint.
func findEntities(ctx context.Context, q querier, qu *query.Query, onlyBP string) ([]*row, error) {
	bps := newBlueprints(ctx, q)
	if err := qu.Resolve(func(rel query.Related) (map[query.Key]bool, error) {
		return relatedKeys(ctx, q, bps, rel)
	}); err != nil {
		return nil, err
	}

	type batch struct {
		seq  int
		rows []*row
	}
	work := make(chan batch)
	var (
		mu       sync.Mutex
		matched  = map[int][]*row{}
		firstErr error
		wg       sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					mu.Lock()
					firstErr = fmt.Errorf("search evaluation panicked: %v", p)
					mu.Unlock()
					for range work { // keep draining so the producer never blocks
					}
				}
			}()
			for b := range work {
				if ctx.Err() != nil {
					continue // the client is gone: drain without evaluating
				}
				var keep []*row
				for _, r := range b.rows {
					if qu.Match(r) {
						if !r.decodable() {
							continue // a body that cannot be decoded is never returned
						}
						keep = append(keep, r)
					}
				}
				mu.Lock()
				matched[b.seq] = keep
				mu.Unlock()
			}
		})
	}

	seq, candidates := 0, 0
	cur := make([]*row, 0, evalBatch)
	err := scanPlan(ctx, q, qu.Plan(), onlyBP, func(r *row) error {
		candidates++
		if candidates*qu.Cost() > maxSearchChecks {
			return invalid("search too costly: its %d checks per entity on at least %d entities exceed the local Port's budget of %d checks; narrow it with $blueprint or $identifier rules, or use fewer rules",
				qu.Cost(), candidates, maxSearchChecks)
		}
		cur = append(cur, r)
		if len(cur) == evalBatch {
			work <- batch{seq: seq, rows: cur}
			seq++
			cur = make([]*row, 0, evalBatch)
		}
		return nil
	})
	if len(cur) > 0 {
		work <- batch{seq: seq, rows: cur}
		seq++
	}
	close(work)
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	if firstErr != nil {
		return nil, firstErr
	}
	var out []*row
	for i := range seq {
		out = append(out, matched[i]...)
	}
	// Identifiers are looked up in chunks, each in id order: merge them.
	slices.SortFunc(out, func(a, b *row) int { return cmp.Compare(a.id, b.id) })
	return out, nil
}

// relatedKeys walks the relation graph from the given entities, transitively:
// upstream follows their relations to targets, downstream the entities that
// point at them, no direction both. Required restricts the walk to relations
// marked required in their blueprint.
func relatedKeys(ctx context.Context, q querier, bps *blueprints, rel query.Related) (map[query.Key]bool, error) {
	out := map[query.Key]bool{}
	for _, upstream := range []bool{true, false} {
		if rel.Direction == "upstream" && !upstream || rel.Direction == "downstream" && upstream {
			continue
		}
		seen := map[query.Key]bool{}
		var frontier []query.Key
		for _, id := range rel.Identifiers {
			k := query.Key{Blueprint: rel.Blueprint, Identifier: id}
			seen[k] = true
			frontier = append(frontier, k)
		}
		for len(frontier) > 0 {
			k := frontier[0]
			frontier = frontier[1:]
			edges, err := edgesOf(ctx, q, k, !upstream)
			if err != nil {
				return nil, err
			}
			for _, e := range edges {
				if rel.Required {
					bp, err := bps.get(e.src.Blueprint)
					if err != nil || bp.relations[e.relation] == nil || !bp.relations[e.relation].required {
						continue
					}
				}
				next := e.target
				if !upstream {
					next = e.src
				}
				if !seen[next] {
					seen[next] = true
					out[next] = true
					frontier = append(frontier, next)
				}
			}
		}
	}
	return out, nil
}
