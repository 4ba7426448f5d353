package localport

import "net/http"

// GET /v1/organization
func (s *Server) organization(*call) (int, any, error) {
	flags := append([]string{}, s.opts.FeatureFlags...)
	return http.StatusOK, ok("organization", map[string]any{"id": s.opts.OrgID, "name": "Local Port", "featureFlags": flags}), nil
}

// GET /v1/kafka-credentials: placeholder credentials; there is no broker here.
func (s *Server) kafkaCredentials(*call) (int, any, error) {
	return http.StatusOK, ok("credentials", map[string]any{"username": "local", "password": "local"}), nil
}
