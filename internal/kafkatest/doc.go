// Package kafkatest gives tests the Kafka clusters to run against: an
// in-process kfake cluster always, and the real Apache Kafka broker that
// .ci/run starts when the OCEAN_TEST_KAFKA_* variables name it, so the same
// test runs on both.
//
//	OCEAN_TEST_KAFKA_BROKERS       host:port of the real broker's PLAINTEXT listener
//	OCEAN_TEST_KAFKA_SASL_BROKERS  host:port of its SASL_PLAINTEXT listener (SCRAM-SHA-512)
//	OCEAN_TEST_KAFKA_USERNAME      the SCRAM user
//	OCEAN_TEST_KAFKA_PASSWORD      its password
//
// A real broker is shared by every test: names (topics, groups, organisations)
// come from Cluster.Unique so tests never see each other's messages.
package kafkatest
