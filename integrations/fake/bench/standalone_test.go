package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEndpoint(t *testing.T) {
	tests := []struct{ method, path, want string }{
		{"POST", "/v1/auth/access_token", "POST /v1/auth/access_token"},
		{"POST", "/v1/blueprints/fake-person/entities/bulk", "POST /v1/blueprints/{blueprint}/entities/bulk"},
		{"POST", "/v1/blueprints/fake-person/entities/search", "POST /v1/blueprints/{blueprint}/entities/search"},
		{"DELETE", "/v1/blueprints/fake-person/entities/person-1", "DELETE /v1/blueprints/{blueprint}/entities/{entity}"},
		{"PATCH", "/v1/integration/bench/resync-state", "PATCH /v1/integration/{integration}/resync-state"},
		{"GET", "/v1/organization", "GET /v1/organization"},
		{"POST", "/v1/blueprints/entities/datasource-entities", "POST /v1/blueprints/entities/datasource-entities"},
		{"POST", "/v1/integration/bench/kinds/fake-person/examples", "POST /v1/integration/{integration}/kinds/{kind}/examples"},
		{"PUT", "/metrics/integration/bench/syncMetrics/resync/7058f240/kind/fake-person-1",
			"PUT /metrics/integration/{integration}/syncMetrics/resync/{resync}/kind/{kind}"},
		{"GET", "/", "GET /"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, endpoint(tt.method, tt.path), tt.path)
	}
}
