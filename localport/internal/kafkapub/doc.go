// Package kafkapub publishes messages to one Kafka topic without ever making
// its caller wait: Publish puts a message on a bounded in-memory queue (a full
// queue drops it, with an Error log) and one goroutine writes the queue in
// order, retrying with backoff while the broker is down or the topic is still
// being created. Close flushes within a bound and reports what was left.
//
// The local Port uses it for its change log: an API call must neither block
// nor fail because a broker is slow or away.
package kafkapub
