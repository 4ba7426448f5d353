// Package context carries Ocean's event context through a context.Context: what
// kind of event is running (a resync, a start hook, an HTTP request, ...), what
// triggered it, the port app config and resource config in force, the
// incremental-sync cursor, free-form attributes, and the parent event.
//
// It also makes "the newest resync wins" hold: a Tracker aborts every older
// running resync when a new one begins. The aborted resync sees its context
// cancelled with ErrAborted as the cause, stops between batches, is reported as
// aborted and deletes nothing.
//
// An event can keep state of its own (Event.Scoped) and run callbacks when it
// ends (Event.OnEnd); package cache keeps its per-event results that way.
//
// The package shares its name with the standard library's context; importers
// usually alias it:
//
//	import oceanctx "github.com/ocean-go/ocean/context"
package context
