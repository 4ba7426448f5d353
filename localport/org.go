package localport

import "net/http"

// GET /v1/organization
func (s *Server) organization(*call) (int, any, error) {
	flags := append([]string{}, s.opts.FeatureFlags...)
	return http.StatusOK, ok("organization", map[string]any{"id": s.opts.OrgID, "name": "Local Port", "featureFlags": flags}), nil
}

// GET /v1/kafka-credentials: the credentials the change log is published
// with (Options.Kafka); 404 without them, so Ocean raises KafkaCredentialsNotFound.
func (s *Server) kafkaCredentials(*call) (int, any, error) {
	k := s.opts.Kafka
	if k.Username == "" {
		return 0, nil, notFound("This local Port has no Kafka credentials: start it with --kafka-credentials USER:PASS (and --kafka-brokers)")
	}
	return http.StatusOK, ok("credentials", map[string]any{"username": k.Username, "password": k.Password}), nil
}
