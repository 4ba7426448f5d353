// Package resync is the engine behind a resync and the other sync operations of
// an App: it fetches the mapping, runs each resource's handlers, turns their raw
// batches into entities (core/processor), writes what changed (core/applier) and,
// when every kind succeeded, deletes what disappeared.
//
// A resync never deletes anything when any kind failed, when a handler reported
// a failed batch, when the mapping could not be read, or when it was aborted by a
// newer resync. The deletion threshold, per integration and per blueprint (see
// core/applier), guards against a source that suddenly returns nothing.
//
// Live events go through SyncRawBatch: the results of many events, mapped
// with one read of the mapping, cost one bulk write for all their upserts and
// one ownership check for all their deletions, only the last operation on
// each entity counting; each event's change succeeds or fails on its own.
//
// An incremental sync (SyncIncremental) runs only the resources with an
// incremental handler, from cursors stored in Port, and deletes nothing.
package resync
