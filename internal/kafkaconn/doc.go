// Package kafkaconn connects to Kafka brokers the way every part of ocean-go
// does: the security protocols and SASL mechanisms Ocean accepts, one warning
// per outage with a capped backoff, and which broker errors no retry fixes.
//
// The KAFKA event listener and the live events' Kafka queue share it.
package kafkaconn
