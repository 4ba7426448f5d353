package applier

import (
	"context"
	"fmt"
	"hash/maphash"
	"sync"

	"github.com/ocean-go/ocean/clients/port"
)

// maxKeptFailures bounds the failed entities a Reconciler keeps for retry, so
// that a Port outage during a huge resync cannot grow memory without limit.
// Failures beyond it are counted but not retried.
const maxKeptFailures = 10_000

// Reconciler follows one resync (or Sync): it records the keys of every entity
// produced, keeps failed upserts for a retry, and at the end deletes the owned
// entities nobody produced. It keeps keys, never whole entities, except the
// failed ones. It is safe for concurrent use.
type Reconciler struct {
	a    *Applier
	opts Options

	mu sync.Mutex
	// The keys produced are kept as 64-bit hashes (keyHash with seed), never
	// strings, which is what keeps a resync of a million entities small: a
	// key the snapshot lists is a bit beside it (listedProduced), any other
	// is in produced (8 bytes). A collision can only keep a stale entity
	// (one in ~10^7 at a million produced and a million stale), never
	// delete a produced one.
	seed           maphash.Seed
	produced       keySet
	listedProduced []uint64                       // bit i: the snapshot's i-th entry was produced
	producedBy     map[string]int                 // distinct keys produced, per blueprint
	kinds          map[string]map[string]struct{} // blueprint → kinds producing it
	// unresolved counts, per blueprint, produced entities with a search
	// identifier Port did not resolve: one of the owned entities is theirs,
	// but which is unknown, so nothing of that blueprint may be deleted.
	unresolved map[string]int
	related    map[relRef]struct{} // relation targets of produced entities
	failures   []Failure
	overflow   int // failures not kept (beyond maxKeptFailures)

	// snap is the owned entities as the first Load found them (nil when they
	// could not be listed); change detection asks it until Reconcile.
	snap     *snapshot
	snapOnce sync.Once
	detected bool // Reconcile began: change detection is over
}

// NewReconciler starts following one resync written with opts.
func (a *Applier) NewReconciler(opts Options) *Reconciler {
	return &Reconciler{
		a: a, opts: opts,
		seed:       maphash.MakeSeed(),
		producedBy: map[string]int{},
		kinds:      map[string]map[string]struct{}{},
		unresolved: map[string]int{},
		related:    map[relRef]struct{}{},
	}
}

// Load writes a batch of kind through the Applier (see Applier.Load) and
// records it: the keys produced (search identifiers as Port resolved them) and
// the failures, for RetryFailed.
//
// The first Load lists the entities the integration owns, once, and change
// detection of the whole resync asks that snapshot before it searches Port:
// an entity it does not hold is created without a lookup, one it holds
// unchanged is skipped. An entity a user or a live event changes in Port
// while the resync runs may so be left as they made it, until the next
// resync; a key the resync already wrote is always looked up.
func (r *Reconciler) Load(ctx context.Context, kind string, entities []port.Entity) (LoadResult, error) {
	r.snapOnce.Do(func() { r.takeSnapshot(ctx) })
	r.mu.Lock()
	snap := r.snap
	if r.detected {
		snap = nil
	}
	var earlier []bool
	if snap != nil {
		earlier = make([]bool, len(entities))
		for i := range entities {
			if id, ok := entities[i].ID(); ok {
				earlier[i] = r.isProduced(entities[i].Blueprint, id)
			}
		}
	}
	for i := range entities {
		r.track(kind, &entities[i], false)
	}
	r.mu.Unlock()

	res, written, err := r.a.load(ctx, entities, r.opts, snap, earlier)

	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range written {
		r.addProduced(written[i].Blueprint, written[i].Identifier)
	}
	for _, f := range res.Failures {
		if f.Entity.HasSearchIdentifier() {
			r.unresolved[f.Entity.Blueprint]++
		}
		if len(r.failures) < maxKeptFailures {
			f.Kind = kind
			r.failures = append(r.failures, f)
		} else {
			r.overflow++
		}
	}
	return res, err
}

// takeSnapshot sets r.snap; without it, change detection searches Port.
func (r *Reconciler) takeSnapshot(ctx context.Context) {
	snap, err := r.a.takeSnapshot(ctx, r.seed)
	if err != nil {
		if ctx.Err() == nil {
			r.a.log.WithError(err).Warn("Cannot list the entities the integration owns; looking each batch up in Port instead")
		}
		return
	}
	r.a.log.WithField("entities", snap.size()).Debug("Listed the entities the integration owns, for change detection")
	r.mu.Lock()
	r.snap = snap
	r.listedProduced = make([]uint64, (snap.size()+63)/64)
	r.mu.Unlock()
}

// Track records entities of kind produced but not written through
// Reconciler.Load (which records its own). An entity with a search identifier
// recorded here protects its whole blueprint from deletion, since which entity
// it stands for is unknown.
func (r *Reconciler) Track(kind string, entities []port.Entity) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range entities {
		r.track(kind, &entities[i], true)
	}
}

// TrackBlueprint records that kind maps to blueprint even if it produces
// nothing, so that reconciliation reports that blueprint under kind.
func (r *Reconciler) TrackBlueprint(kind, blueprint string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addKind(blueprint, kind)
}

func (r *Reconciler) track(kind string, e *port.Entity, searchUnresolved bool) {
	r.addKind(e.Blueprint, kind)
	if e.HasSearchIdentifier() {
		if searchUnresolved {
			r.unresolved[e.Blueprint]++
		}
	} else {
		r.addProduced(e.Blueprint, e.Identifier)
	}
	if r.opts.protectsRelated() {
		for _, ref := range relRefs(e, false) {
			r.related[ref] = struct{}{}
		}
	}
}

func (r *Reconciler) addKind(blueprint, kind string) {
	if kind == "" {
		return
	}
	if r.kinds[blueprint] == nil {
		r.kinds[blueprint] = map[string]struct{}{}
	}
	r.kinds[blueprint][kind] = struct{}{}
}

// addProduced records a key produced, once.
func (r *Reconciler) addProduced(blueprint string, identifier any) {
	id, ok := identifier.(string)
	if !ok {
		r.unresolved[blueprint]++
		return
	}
	h := keyHash(r.seed, blueprint, id)
	if at, ok := r.listed(h); ok {
		bit := &r.listedProduced[at/64]
		if *bit&(1<<(at%64)) != 0 {
			return
		}
		*bit |= 1 << (at % 64)
		if !r.produced.has(h) { // recorded before the snapshot was taken
			r.producedBy[blueprint]++
		}
		return
	}
	if r.produced.add(h) {
		r.producedBy[blueprint]++
	}
}

// isProduced reports whether the key was produced.
func (r *Reconciler) isProduced(blueprint, id string) bool {
	h := keyHash(r.seed, blueprint, id)
	if at, ok := r.listed(h); ok && r.listedProduced[at/64]&(1<<(at%64)) != 0 {
		return true
	}
	return r.produced.has(h)
}

// listed returns the position of the key hashed to h in the snapshot.
func (r *Reconciler) listed(h uint64) (int, bool) {
	if r.snap == nil {
		return 0, false
	}
	_, at, ok := r.snap.find(h)
	return at, ok
}

// Failures returns the upserts that failed and were not recovered, and how
// many more failed beyond those kept.
func (r *Reconciler) Failures() ([]Failure, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Failure(nil), r.failures...), r.overflow
}

// maxRefusedLogged bounds the entities still refused after the retry that
// are logged one by one.
const maxRefusedLogged = 10

// RetriesFailures reports whether RetryFailed will retry the failed upserts.
func (r *Reconciler) RetriesFailures() bool { return !r.opts.CreateMissingRelatedEntities }

// RetryFailed re-upserts the failed entities one by one, relation targets
// before the entities pointing at them, so that an entity that failed because
// its target did not exist yet succeeds once the target is written. Entities
// in a dependency cycle keep their original order. It does nothing when Port
// creates missing related entities itself. It returns, per kind, the
// entities the retry wrote (Created, Updated, Uncompared).
func (r *Reconciler) RetryFailed(ctx context.Context) map[string]LoadResult {
	if r.opts.CreateMissingRelatedEntities {
		return nil
	}
	r.mu.Lock()
	failed := r.failures
	r.failures = nil
	r.mu.Unlock()
	if len(failed) == 0 {
		return nil
	}

	keys := make([]port.Key, len(failed))
	refs := make([][]relRef, len(failed))
	for i := range failed {
		keys[i] = retryKey(&failed[i].Entity)
		refs[i] = relRefs(&failed[i].Entity, true)
	}
	order := layers(r.a.targets(ctx).dependencyEdges(keys, refs))

	var remaining []Failure
	recovered := map[string]LoadResult{}
	for _, layer := range order {
		for _, i := range layer {
			e := &failed[i].Entity
			if ctx.Err() != nil {
				remaining = append(remaining, failed[i])
				continue
			}
			got, created, err := r.a.client.UpsertEntity(ctx, *e, r.opts.upsert())
			if err != nil {
				remaining = append(remaining, Failure{Entity: *e, Kind: failed[i].Kind, Err: fmt.Errorf("retry upsert %s: %w", e.Key(), err), copy: failed[i].copy})
				continue
			}
			n := recovered[failed[i].Kind]
			n.countWrite(created, failed[i].copy, mayHaveWritten(failed[i].Err))
			recovered[failed[i].Kind] = n
			r.mu.Lock()
			if e.HasSearchIdentifier() {
				r.unresolved[e.Blueprint]--
			}
			r.addProduced(e.Blueprint, got.Identifier)
			r.mu.Unlock()
		}
	}
	r.mu.Lock()
	r.failures = append(remaining, r.failures...)
	r.mu.Unlock()
	r.a.log.WithFields(map[string]any{"retried": len(failed), "recovered": len(failed) - len(remaining)}).
		Info("Retried failed upserts in dependency order")
	for i, f := range remaining {
		if i == maxRefusedLogged {
			r.a.log.WithField("more", len(remaining)-i).Error("Port refused more entities")
			break
		}
		r.a.log.WithError(f.Err).WithField("entity", f.Entity.Key().String()).Error("Port refused an entity")
	}
	return recovered
}

// retryKey is the key other failed entities use to point at e: for a search
// identifier, its `$identifier =` value when it has one.
func retryKey(e *port.Entity) port.Key {
	if e.HasSearchIdentifier() {
		if ids := queryIdentifiers(e.Identifier); len(ids) > 0 {
			return port.Key{Blueprint: e.Blueprint, Identifier: ids[0]}
		}
	}
	return e.Key()
}
