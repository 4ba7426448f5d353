// Package bufpool lends byte buffers for HTTP bodies: pages of a third-party
// API, Port's answers, bulk-upsert bodies. A resync moves its data through
// such buffers page after page; lent again, they cost neither an allocation
// nor the zeroing of fresh memory, and the garbage collector has less to
// collect.
//
// Unlike a sync.Pool, the buffers kept survive collections: under the soft
// memory limit a resync collects every few megabytes allocated, which would
// empty a sync.Pool between two pages. What is kept is bounded (see Put).
package bufpool
