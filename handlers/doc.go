// Package handlers holds the integration's registered code: resync and
// incremental-resync handlers per kind (and for every kind), start hooks, and
// resync start/complete hooks.
//
// A resync handler streams the raw items of one kind as a Go iterator of
// batches, the Go shape of Ocean's async generator:
//
//	func(ctx context.Context, kind string) iter.Seq2[[]any, error]
//
// It yields each batch as it arrives from the third-party API, so memory stays
// bounded by the batch size. A failed page is yielded as (nil, err): the resync
// records the error (so nothing is deleted at the end) and keeps pulling until
// the handler returns. When yield returns false the resync is over (it was
// aborted or cancelled) and the handler must return.
//
// List and Stream adapt handlers that return a slice, or stream typed items
// (structs are fine: items are converted to JSON values before mapping).
package handlers
