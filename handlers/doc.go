// Package handlers holds the integration's registered code: resync and
// incremental-resync handlers per kind (and for every kind), start hooks,
// resync start/complete hooks, and the contract of webhook processors.
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
// The resync reads one batch ahead: the handler runs in a goroutine of its
// own and fetches its next page while the previous batch is mapped and
// written. So yield returns once the resync took the batch, before it reached
// Port, and a handler must not change a batch (or its items) once yielded.
//
// List and Stream adapt handlers that return a slice, or stream typed items
// (structs are fine: items are converted to JSON values before mapping).
//
// Live events come through a WebhookProcessor per webhook path: it decides
// whether it processes an event, authenticates and validates it (in the
// request: a refusal is answered 401 or 400), and handles it later in a
// worker, returning the raw items it updated and deleted. Optional interfaces
// add a group key (ordering), an HMAC Signature (fail closed), a retry policy
// and hooks. Retryable marks an error worth retrying.
package handlers
