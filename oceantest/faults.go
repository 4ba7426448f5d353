package oceantest

import "github.com/ocean-go/ocean/localport"

// Routes of the Port API the App calls, as localport.Fault paths (globs
// on the request path, "*" one segment).
const (
	RouteToken       = "/v1/auth/access_token"
	RouteBulkUpsert  = "/v1/blueprints/*/entities/bulk"
	RouteUpsert      = "/v1/blueprints/*/entities"
	RouteBulkDelete  = "/v1/blueprints/*/bulk/entities/delete"
	RouteSearch      = "/v1/entities/search"
	RouteOwned       = "/v1/blueprints/entities/datasource-entities" // the entities the integration owns (reconciliation)
	RouteIntegration = "/v1/integration/*"
)

// InjectFault makes the local Port answer matching requests with a status,
// slowly, or not at all (see localport.Fault); the Port client's retries
// then meet it. For example, the next 3 bulk upserts answer 503:
//
//	h.InjectFault(localport.Fault{Method: "POST", Path: oceantest.RouteBulkUpsert, Status: 503, Count: 3})
//
// A fault without Count lasts until ClearFaults.
func (h *Harness) InjectFault(f localport.Fault) { h.port.InjectFault(f) }

// ClearFaults removes every fault of the local Port.
func (h *Harness) ClearFaults() { h.port.ClearFaults() }
