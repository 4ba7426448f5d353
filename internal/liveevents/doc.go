// Package liveevents runs webhook processors: the route of a webhook path
// authenticates and validates an event, queues it and answers 202; workers
// handle it and sync its results. Events of one group key go to one worker,
// in arrival order; others run in parallel. At shutdown the queues are
// drained up to a bound and what is left is logged.
package liveevents
