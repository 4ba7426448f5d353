package main

import (
	"os"
	"runtime/debug"
)

const (
	// serveGCPercent: what the server allocates is request garbage (bodies,
	// answers, rows) over a live heap of a few MB, so at the default 100 it
	// collected every few MB and the collector took a quarter of its CPU.
	serveGCPercent = 400
	// serveMemoryLimit bounds the Go heap the higher percent would let grow
	// with a large live set (a search answering thousands of entities):
	// the collector then runs earlier instead of the heap growing 5-fold.
	// SQLite's page caches are outside it.
	serveMemoryLimit = 64 << 20
)

// tuneServeGC sets the garbage collection policy of `ocean port serve`, a
// process of its own, unless the user set GOGC or GOMEMLIMIT. The local Port
// embedded in an integration keeps the integration's policy.
func tuneServeGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(serveGCPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
}
