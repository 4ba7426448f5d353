// Package ocean is a framework for writing integrations that keep Port's
// software catalog in sync with a third-party system: the Go counterpart of
// Port's Python framework Ocean.
//
// An integration registers resync handlers on an App, one per kind of resource
// (or one for all kinds), and calls Run:
//
//	app := ocean.New(ocean.WithType("my-system"), ocean.WithVersion("0.1.0"))
//	app.OnResync("project", handlers.Stream(listProjects))
//	app.Run() // sail [--once] [--dry-run], defaults dock|clean, version
//
// A resync fetches the integration's mapping (port app config) from Port, runs
// the handlers of every resource in order, maps their raw items to entities with
// the user's JQ mappings, writes only what changed and, when every kind
// succeeded, deletes the entities the integration owns that disappeared from the
// source. An incremental sync (sail --once with incremental sync enabled) runs
// the OnIncrementalResync handlers instead, from each resource's cursor
// (IncrementalCursor), and deletes nothing.
//
// sail --dry-run plans one resync without writing anything to Port: what it
// would create, update and delete, kind by kind.
//
// Without Port credentials, sail syncs into a local Port-compatible server
// persisted under ./.ocean/, so an integration can be tried and tested without a
// Port account, when its main package imports it (EmbeddedLocalPortImport):
//
//	import _ "github.com/ocean-go/ocean/localport/embedded"
//
// Without that import the binary links neither the server nor SQLite, and
// starting without credentials fails with ErrNoLocalPort.
package ocean
