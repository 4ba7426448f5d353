// Package cache keeps the results of third-party calls for the event that
// made them, Ocean's cache_coroutine_result and cache_iterator_result:
//
//   - Result caches a function's result: the first call in an event runs it,
//     later calls in the same event get its value.
//   - Batches caches an iterator's batches: the first walk streams them from
//     the API and keeps them, later walks replay them. In a resync handler it
//     holds them for the resync, so kinds that need the same list fetch it once.
//
// The store belongs to the innermost event in the context (package context)
// and is dropped when that event ends, so a resync starts with an empty cache
// and leaves none behind: Ocean clears its cache at the start and end of
// every resync, and live events never see a resync's entries. Outside an event
// nothing is cached and calls go through.
//
// Concurrent callers of one key wait for the first (or for their context):
// one API call, not one per goroutine; so a call must not ask for its own key. Errors are not cached, nor is an
// iterator that failed, was stopped early, or yielded nothing: the next caller
// tries again. Entries live in memory (go-cache) until the event ends; a
// cached list costs what the list weighs, so cache lists that are reused, not
// every kind.
//
// Keys are the caller's: a name, with Key for arguments. Results of different
// types never share an entry.
package cache
