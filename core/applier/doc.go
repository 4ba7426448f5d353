// Package applier decides what is written to Port and what is deleted from it.
//
// Writing. Applier.Load writes one batch of a resync. It first asks Port for
// the entities the integration already owns (50 identifiers of one blueprint
// per search) and skips those that would not change: same title, icon and team
// (teams as sets), same properties and relations compared as JSON with numbers
// by value (1.10 equals 1.1, big integers exactly) and null equal to absent.
// So a resync over unchanged data writes nothing. A resync (a Reconciler)
// first lists what the integration owns, once, keeping a digest per entity:
// an entity the listing did not hold is written without a lookup, one whose
// digest matches is skipped, and only the rest is searched for as above; so
// a first resync searches nothing, an unchanged one lists and writes nothing
// else (reconciliation lists again only when the snapshot holds an entity the
// resync did not produce, see Deleting). Search queries of an
// identifier or a relation are resolved as Port resolves them on write (one
// search per 50 `$identifier =` queries of a blueprint, one per other query)
// and the result is compared: Port stores the identifiers, not the query.
// (Ocean writes every entity that uses a search query; this is deliberate.)
// Entities with a search-query team, or a query Port would not resolve to one
// stored value, are always written; if a lookup fails, its entities are
// written. The rest goes to Port in bulk; an entity Port refuses never stops
// the others and is kept for a retry.
//
// Counting. A write counts as Port's created flag says, corrected by what the
// lookup saw: an entity the integration did not have, that Port says existed
// after a request re-sent because an attempt's answer was lost, was created by
// that attempt; an entity written because its lookup failed is Uncompared
// unless Port created it (whether it changed is unknown). A stale entity Port
// no longer has when deleted (404) was deleted by someone else: Gone, not
// Deleted.
//
// Deleting. A Reconciler follows one resync: it records the key of every
// entity produced, whether or not it changed and whether or not Port accepted
// it, and retries failed upserts in dependency order. Reconcile then deletes
// the owned entities nobody produced: it lists them (those last updated
// before the resync began) unless the resync produced every entity of its
// snapshot — each entity that listing could return was in the snapshot, so
// then nothing is stale. The caller decides whether reconciliation
// runs at all: the resync engine skips it when any kind or batch failed, when
// the mapping could not be read, and when the resync was aborted.
//
// Nothing is deleted, by construction:
//   - that the integration does not own (its data source is another
//     integration, another integration identifier, or a user);
//   - that was updated after the resync started (a live event, a user), since
//     only entities last updated before the start are listed;
//   - that this resync produced, even if its upsert failed;
//   - when the stale entities are more than the deletion threshold of all the
//     integration's entities (as in Ocean), and of a blueprint a kind maps
//     whose own stale share is above it: a kind whose source suddenly
//     returns nothing would remove 100% of its blueprint, so that blueprint
//     is skipped (with a warning giving the numbers) while the others still
//     reconcile, however large they are. A blueprint no kind maps any more
//     (its kind was removed from the mapping) has only the first check, so
//     its entities go, as in Ocean. Threshold 0 disables deletion; 1 allows
//     deleting everything;
//   - of a blueprint where an entity with a search identifier could not be
//     written, since which owned entity it stands for is unknown;
//   - that is a relation target of a produced entity, when Port created it as
//     a placeholder (CreateMissingRelatedEntities) or deleting it would
//     cascade into produced entities (DeleteDependentEntities);
//   - when the owned entities could not be listed completely: deletion
//     starts only after the last page.
//
// Without DeleteDependentEntities, entities are deleted one per request, each
// before the entities it relates to, so that Port does not refuse to delete an
// entity something still points at.
//
// The other sync operations follow the same rules: Unregister and ApplyDiff
// delete only entities Port confirms the integration owns; ApplyDiff never
// deletes what it just wrote; Sync reconciles like a resync.
// RegisterEach and UnregisterEach report per entity, for writes gathered from
// several sources (live events); RegisterEach writes relation targets before
// the entities relating to them unless Port creates missing ones.
//
// Memory: a Reconciler keeps keys (and relation keys where protection or
// ordering needs them), never whole entities, except failed upserts
// (bounded). Keys are 64-bit hashes: 16 bytes an owned entity listed (with
// its digest; that it was produced is a bit beside it), 8 bytes any other
// entity produced.
package applier
