package localport

import "net/http"

// routes registers the API (port-api.md rows 1–42), the ingest sinks and the
// admin routes. See doc.go for the table.
func (s *Server) routes() {
	a := &s.api
	a.addPublic(http.MethodPost, "/v1/auth/access_token", s.accessToken)
	a.add(http.MethodGet, "/v1/organization", s.organization)
	a.add(http.MethodGet, "/v1/kafka-credentials", s.kafkaCredentials)

	a.add(http.MethodGet, "/v1/integration/provision-enabled", s.provisionEnabled)
	a.add(http.MethodGet, "/v1/integration", s.listIntegrations)
	a.add(http.MethodPost, "/v1/integration", s.createIntegration)
	a.add(http.MethodGet, "/v1/integration/{id}", s.getIntegration)
	a.add(http.MethodPatch, "/v1/integration/{id}", s.patchIntegration)
	a.add(http.MethodDelete, "/v1/integration/{id}", s.deleteIntegration)
	a.add(http.MethodPatch, "/v1/integration/{id}/config", s.patchIntegrationConfig)
	a.add(http.MethodPatch, "/v1/integration/{id}/resync-state", s.patchResyncState)
	a.add(http.MethodGet, "/v1/integration/{id}/resync-request", s.resyncRequest)
	a.add(http.MethodPost, "/v1/integration/{id}/kinds/{kind}/examples", s.postExamples)
	a.add(http.MethodGet, "/v1/integration/{id}/cursor", s.getCursor)
	a.add(http.MethodPut, "/v1/integration/{id}/cursor", s.putCursor(false))
	a.add(http.MethodPost, "/v1/integration/{id}/cursor", s.putCursor(true))

	a.add(http.MethodGet, "/v1/blueprints", s.listBlueprintsRoute)
	a.add(http.MethodPost, "/v1/blueprints", s.createBlueprint)
	a.add(http.MethodGet, "/v1/blueprints/{bp}", s.getBlueprint)
	a.add(http.MethodPatch, "/v1/blueprints/{bp}", s.updateBlueprint(false))
	a.add(http.MethodPut, "/v1/blueprints/{bp}", s.updateBlueprint(true))
	a.add(http.MethodDelete, "/v1/blueprints/{bp}", s.deleteBlueprint)
	a.add(http.MethodDelete, "/v1/blueprints/{bp}/all-entities", s.deleteAllEntities)
	a.add(http.MethodGet, "/v1/migrations/{id}", s.getMigration)
	a.add(http.MethodPost, "/v1/blueprints/{bp}/scorecards", s.createScorecard)
	a.add(http.MethodPost, "/v1/pages", s.storeNamed(docPage, "page"))
	a.add(http.MethodDelete, "/v1/pages/{id}", s.deletePage)
	a.add(http.MethodPost, "/v1/actions", s.storeNamed(docAction, "action"))
	a.add(http.MethodPost, "/v1/actions/runs/claim-pending", s.claimPendingRuns)
	a.add(http.MethodPatch, "/v1/actions/runs/ack", s.ackRun)
	a.add(http.MethodGet, "/v1/actions/runs", s.listRuns)
	a.add(http.MethodGet, "/v1/actions/runs/{runId}", s.getRun)
	a.add(http.MethodPatch, "/v1/actions/runs/{runId}", s.patchRun)
	a.add(http.MethodPost, "/v1/actions/runs/{runId}/logs", s.postRunLog)
	a.add(http.MethodPost, "/v1/workflows/runs/claim-pending", s.claimPendingNodeRuns)
	a.add(http.MethodPatch, "/v1/workflows/runs/ack", s.ackNodeRun)
	a.add(http.MethodGet, "/v1/workflows/nodes/runs", s.listNodeRuns)
	a.add(http.MethodGet, "/v1/workflows/nodes/runs/{id}", s.getNodeRun)
	a.add(http.MethodPatch, "/v1/workflows/nodes/runs/{id}", s.patchNodeRun)
	a.add(http.MethodPost, "/v1/workflows/nodes/runs/{id}/logs", s.postNodeRunLogs)

	a.add(http.MethodPost, "/v1/blueprints/{bp}/entities", s.upsertEntity)
	a.add(http.MethodPost, "/v1/blueprints/{bp}/entities/bulk", s.bulkUpsert)
	a.add(http.MethodGet, "/v1/blueprints/{bp}/entities/{id}", s.getEntity)
	a.add(http.MethodDelete, "/v1/blueprints/{bp}/entities/{id}", s.deleteEntity)
	a.add(http.MethodPost, "/v1/blueprints/{bp}/bulk/entities/delete", s.bulkDelete)
	a.add(http.MethodPost, "/v1/entities/search", s.searchEntities)
	a.add(http.MethodPost, "/v1/blueprints/entities/datasource-entities", s.datasourceEntities)

	// Ingest sinks: the URLs the integration object hands out; they accept anything.
	a.addPublic(http.MethodPost, "/logs/integration/{ingest}", s.sink(SinkLogs))
	a.addPublic(http.MethodPost, "/metrics/integration/{ingest}/syncMetrics", s.sink(SinkSyncMetrics))
	a.addPublic(http.MethodPut, "/metrics/integration/{ingest}/syncMetrics/resync/{event}/kind/{kind}", s.sink(SinkKindMetrics))
	a.addPublic(http.MethodPost, "/metrics/integration/{ingest}/heartbeat", s.sink(SinkHeartbeat))
	a.addPublic(http.MethodPost, "/ingest/integration/{ingest}/{rest...}", s.sink(SinkLakehouse))

	ad := &s.admin
	ad.add(http.MethodPost, "/_admin/faults", s.adminAddFault)
	ad.add(http.MethodDelete, "/_admin/faults", s.adminClearFaults)
	ad.add(http.MethodPost, "/_admin/integrations/{id}/resync-request", s.adminRequestResync)
	ad.add(http.MethodGet, "/_admin/sinks", s.adminSinks)
	ad.add(http.MethodPost, "/_admin/actions/runs", s.adminCreateRun)
	ad.add(http.MethodPost, "/_admin/workflows/nodes/runs", s.adminCreateNodeRun)
}
