package applier

import (
	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
)

// Options are the write settings of one sync operation, from the mapping and
// the event it runs in.
type Options struct {
	// Merge updates only the fields an entity sets; false replaces the entity.
	Merge bool
	// CreateMissingRelatedEntities lets Port create placeholder relation
	// targets. When false, upserts pointing at missing targets fail and are
	// retried in dependency order (Reconciler.RetryFailed).
	CreateMissingRelatedEntities bool
	// DeleteDependentEntities deletes, with an entity, the entities that
	// relate to it. When false, entities are deleted dependents first.
	DeleteDependentEntities bool
	// EventType and ResyncID tag every write for Port's audit log.
	EventType, ResyncID string
}

func (o Options) upsert() port.UpsertOptions {
	return port.UpsertOptions{
		Merge:                        o.Merge,
		CreateMissingRelatedEntities: o.CreateMissingRelatedEntities,
		EventType:                    o.EventType,
		ResyncID:                     o.ResyncID,
	}
}

func (o Options) delete() port.DeleteOptions {
	return port.DeleteOptions{DeleteDependents: o.DeleteDependentEntities, EventType: o.EventType, ResyncID: o.ResyncID}
}

// protectsRelated reports whether relation targets of entities the operation
// writes must survive it. With CreateMissingRelatedEntities Port made them for
// us; with DeleteDependentEntities deleting one would cascade into the very
// entities just written.
func (o Options) protectsRelated() bool {
	return o.CreateMissingRelatedEntities || o.DeleteDependentEntities
}

// Applier writes entities to Port and deletes the ones that went away. It is
// safe for concurrent use.
type Applier struct {
	client *port.Client
	log    logrus.FieldLogger
	// dryRun: look up, compare and count as usual, but write and delete
	// nothing (see NewDryRun).
	dryRun bool
}

// New returns an Applier writing through client.
func New(client *port.Client, log logrus.FieldLogger) *Applier {
	if log == nil {
		log = logrus.StandardLogger()
	}
	return &Applier{client: client, log: log}
}

// NewDryRun returns an Applier that plans instead of writing: Load and
// Reconcile read Port (change detection, the owned entities) and count what
// they would create, update and delete, keeping the first SampleSize keys of
// each, but send no write. RetryFailed has nothing to retry: nothing fails.
func NewDryRun(client *port.Client, log logrus.FieldLogger) *Applier {
	a := New(client, log)
	a.dryRun = true
	return a
}

// SampleSize is how many keys of each planned change a dry run keeps, per
// batch (LoadResult) and per blueprint (BlueprintResult).
const SampleSize = 5

const (
	// lookupChunk is how many identifiers one change-detection search asks for.
	lookupChunk = 50
	// lookupConcurrency bounds change-detection searches in flight per Load.
	lookupConcurrency = 4
	// deleteConcurrency bounds single-entity deletes in flight.
	deleteConcurrency = 8
)
