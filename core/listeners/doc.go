// Package listeners holds the event listeners that decide when an integration
// resyncs. Each is a value with Start(ctx) error that blocks until its work is
// done or ctx ends:
//
//   - Once: one resync, then return (sail --once; CronJobs).
//   - Polling: ask Port for resync requests every interval (the default).
//   - Kafka: resync when Port's change log on Kafka asks for it.
//   - Scheduled: resync every interval alongside the listener, skipping a
//     tick while the previous scheduled resync still runs.
//
// A listener only triggers; the resync itself (state reporting, mapping,
// reconciliation) is the function it is given.
package listeners
