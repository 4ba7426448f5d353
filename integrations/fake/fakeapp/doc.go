// Package fakeapp wires the fake integration onto an ocean App: it mounts the
// fake third-party API on the App's own HTTP server, registers a resync handler
// per kind that calls that API over HTTP (persons streamed page by page), and a
// signed webhook processor at /integration/webhook that upserts and deletes
// persons.
package fakeapp
