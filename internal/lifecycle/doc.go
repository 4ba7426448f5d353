// Package lifecycle runs the parts of an App — the embedded local Port, the
// HTTP server, the scheduler, the event listener — as runnables, the way
// controller-runtime's manager does: each is started in turn with a context of
// its own; when the App's context ends, or any runnable returns (a ONCE
// listener that is done, or one that failed), they are stopped in reverse
// order, each given a bounded time to return.
package lifecycle
