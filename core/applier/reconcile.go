package applier

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"time"

	"github.com/ocean-go/ocean/clients/port"
)

// ReconcileResult is what reconciliation did, blueprint by blueprint.
type ReconcileResult struct {
	Blueprints []BlueprintResult // sorted by blueprint
	// DeleteDuration is the time spent deleting, after the stale entities
	// were found.
	DeleteDuration time.Duration
}

// Deleted is the number of entities deleted in all blueprints.
func (r ReconcileResult) Deleted() int {
	n := 0
	for _, b := range r.Blueprints {
		n += b.Deleted
	}
	return n
}

// Gone is the number of stale entities someone else deleted first.
func (r ReconcileResult) Gone() int {
	n := 0
	for _, b := range r.Blueprints {
		n += b.Gone
	}
	return n
}

// BlueprintResult is what reconciliation did with one blueprint.
type BlueprintResult struct {
	Blueprint string
	Kinds     []string // kinds that produced or map to it, sorted
	Produced  int      // entities this resync produced
	Stale     int      // owned entities, last updated before the resync, not produced
	Ratio     float64  // Stale / (Produced + Stale): the share deletion would remove
	Deleted   int
	Gone      int    // stale, but someone else deleted it first (not in Deleted)
	Kept      int    // stale but spared: relation targets of produced entities
	Failed    int    // deletions Port refused or did not confirm
	Skipped   string // why nothing was deleted; empty when deletion ran
	// DeletedKeys is, in a dry run, the first SampleSize entities it would
	// delete (counted in Deleted).
	DeletedKeys []port.Key
}

// Reconcile deletes the entities the integration owns in Port, last updated
// before startedAt, that this resync did not produce. Call it only when every
// kind succeeded. The threshold (0 never deletes, 1 always may) applies twice:
// as in Ocean, stale entities are deleted only if they are at most threshold
// of all the integration's entities; and each blueprint a kind of the mapping
// maps is judged alone as well, so that one kind whose source suddenly returns
// nothing cannot wipe its blueprint even when others are large. A blueprint
// no kind maps any more (its kind was removed from the mapping) has only the
// first check, as in Ocean. Relation targets of produced entities are
// spared when Port created them (CreateMissingRelatedEntities) or deleting
// them would cascade (DeleteDependentEntities).
//
// An error means the owned entities could not be listed; nothing is deleted
// then. Deletions that fail are counted in the result, not returned as errors.
func (r *Reconciler) Reconcile(ctx context.Context, startedAt time.Time, threshold float64) (ReconcileResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.detected = true
	stale, err := r.listStale(ctx, startedAt)
	if err != nil {
		return ReconcileResult{}, fmt.Errorf("list owned entities: %w", err)
	}
	var spared protection
	if r.opts.protectsRelated() {
		var through []target
		if r.opts.DeleteDependentEntities {
			for _, ts := range stale {
				through = append(through, ts...)
			}
		}
		spared = r.a.protect(ctx, r.related, through)
	}

	var res ReconcileResult
	var all BlueprintResult // the whole integration
	for _, bp := range r.blueprints(stale) {
		br := BlueprintResult{
			Blueprint: bp,
			Kinds:     slices.Sorted(maps.Keys(r.kinds[bp])),
			Produced:  r.producedBy[bp],
			Stale:     len(stale[bp]),
		}
		if br.Stale > 0 {
			br.Ratio = float64(br.Stale) / float64(br.Produced+br.Stale)
		}
		all.Produced += br.Produced
		all.Stale += br.Stale
		res.Blueprints = append(res.Blueprints, br)
	}
	if all.Stale > 0 {
		all.Ratio = float64(all.Stale) / float64(all.Produced+all.Stale)
	}

	var doomed []target
	var owner []int // index in res.Blueprints of each doomed target
	for i := range res.Blueprints {
		br := &res.Blueprints[i]
		bp := br.Blueprint
		if br.Stale > 0 {
			br.Skipped = r.skipReason(*br, all, threshold)
		}
		if br.Skipped != "" {
			msg := br.Skipped + "; skipping"
			if r.unresolved[bp] == 0 {
				// Every other reason is the threshold, which guards against a
				// source that suddenly returns nothing; a kind that empties
				// legitimately (open pull requests) needs it raised.
				msg += " (if these deletions are expected, raise entityDeletionThreshold in the mapping, up to 1)"
			}
			r.a.log.WithFields(map[string]any{"blueprint": bp, "kinds": br.Kinds}).Warn(msg)
		} else {
			for _, t := range stale[bp] {
				if spared.has(t.Key) {
					br.Kept++
					continue
				}
				doomed = append(doomed, t)
				owner = append(owner, i)
			}
		}
	}

	if r.a.dryRun {
		for i, t := range doomed {
			br := &res.Blueprints[owner[i]]
			br.Deleted++
			br.DeletedKeys = appendSample(br.DeletedKeys, t.Key)
		}
		return res, nil
	}
	deleting := time.Now()
	for i, err := range r.a.deleteAll(ctx, doomed, r.opts) {
		br := &res.Blueprints[owner[i]]
		switch {
		case errors.Is(err, errGone):
			br.Gone++
			r.a.log.WithField("entity", doomed[i].Key.String()).Info("A stale entity was already deleted by someone else")
		case err != nil:
			br.Failed++
			r.a.log.WithError(err).Warn("Could not delete a stale entity")
		default:
			br.Deleted++
		}
	}
	for _, br := range res.Blueprints {
		if br.Stale > 0 && br.Skipped == "" {
			r.a.log.WithFields(map[string]any{
				"blueprint": br.Blueprint, "deleted": br.Deleted, "gone": br.Gone, "kept": br.Kept, "failed": br.Failed,
			}).Info("Deleted stale entities")
		}
	}
	res.DeleteDuration = time.Since(deleting)
	return res, nil
}

// skipReason says why br's stale entities are not deleted, given all (the
// integration's totals), or "" when they are.
func (r *Reconciler) skipReason(br, all BlueprintResult, threshold float64) string {
	switch {
	case r.unresolved[br.Blueprint] > 0:
		return fmt.Sprintf("%d %s entities with a search identifier were not written, so which entities are stale is unknown",
			r.unresolved[br.Blueprint], br.Blueprint)
	case !(threshold > 0): // also NaN
		return fmt.Sprintf("would delete %d of %d %s entities but the deletion threshold is 0 (deletion disabled)",
			br.Stale, br.Produced+br.Stale, br.Blueprint)
	case len(br.Kinds) > 0 && br.Ratio > threshold:
		return fmt.Sprintf("would delete %d of %d %s entities (%s%% > threshold %s%%)",
			br.Stale, br.Produced+br.Stale, br.Blueprint, percent(br.Ratio), percent(threshold))
	case all.Ratio > threshold:
		return fmt.Sprintf("would delete %d of the integration's %d entities (%s%% > threshold %s%%)",
			all.Stale, all.Produced+all.Stale, percent(all.Ratio), percent(threshold))
	}
	return ""
}

func percent(x float64) string { return strconv.FormatFloat(math.Round(x*10000)/100, 'f', -1, 64) }

// listStale streams the owned entities and keeps the keys of those not
// produced, with their relations (for the deletion order and protection).
// When the resync produced every entity its snapshot listed, nothing can be
// stale and nothing is listed again (see allListedProduced).
func (r *Reconciler) listStale(ctx context.Context, startedAt time.Time) (map[string][]target, error) {
	stale := map[string][]target{}
	if r.allListedProduced() {
		return stale, nil
	}
	seen := map[port.Key]bool{}
	// Only keys (and relations, for the deletion order) are needed: ask for
	// nothing else, so pages stay small whatever the entities carry.
	for page, err := range r.a.client.OwnedEntities(ctx, startedAt, "identifier", "blueprint", "relations") {
		if err != nil {
			return nil, err
		}
		for i := range page {
			e := &page[i]
			id, ok := e.ID()
			if !ok {
				continue
			}
			if r.isProduced(e.Blueprint, id) {
				continue
			}
			k := port.Key{Blueprint: e.Blueprint, Identifier: id}
			if seen[k] {
				continue
			}
			seen[k] = true
			t := target{Key: k, Refs: relRefs(e, false)}
			stale[e.Blueprint] = append(stale[e.Blueprint], t)
		}
	}
	return stale, nil
}

// allListedProduced reports whether the resync produced every entity its
// snapshot listed. Then the reconciliation listing could only return produced
// entities: it lists those owned and last updated before the resync began,
// and each of them was owned when the snapshot was listed, after the resync
// began (becoming owned is an update, and a deleted entity that comes back is
// new). Where the two listings could disagree the snapshot holds more (what
// changed since the start), which only makes this answer false. A key hash
// two listed entities share leaves one of them unmarked: false too.
func (r *Reconciler) allListedProduced() bool {
	if r.snap == nil {
		return false
	}
	n := 0
	for _, w := range r.listedProduced {
		n += bits.OnesCount64(w)
	}
	return n == r.snap.size()
}

// blueprints lists every blueprint seen: produced, mapped or stale.
func (r *Reconciler) blueprints(stale map[string][]target) []string {
	set := map[string]bool{}
	for bp := range r.producedBy {
		set[bp] = true
	}
	for bp := range r.kinds {
		set[bp] = true
	}
	for bp := range stale {
		set[bp] = true
	}
	return slices.Sorted(maps.Keys(set))
}
