// Package localport is a Port-compatible REST API server persisted in SQLite.
//
// Why it exists: nobody should need a Port account to try, develop or test an
// integration. It is the target of sail when no Port credentials are
// configured in an integration that imports package localport/embedded (data
// under ./.ocean/), the standalone `ocean port serve`, and the Port every test
// of the framework talks to over real HTTP (see package localporttest). It follows port-api.md: same paths,
// query parameters, JSON keys, status codes and error envelopes.
//
// # Routes
//
//	POST   /v1/auth/access_token                        token (no Authorization needed)
//	GET    /v1/organization                             {"organization":{"id","name","featureFlags"}}
//	GET    /v1/kafka-credentials                        Options.Kafka's username and password; 404 without them
//	GET    /v1/integration/provision-enabled            {"integrations":[]}
//	GET    /v1/integration                              {"integrations"}: all of them, by identifier
//	POST   /v1/integration                              create (409 if it exists)
//	GET    /v1/integration/{id}                         the integration, with ingest URLs pointing here
//	PATCH  /v1/integration/{id}                         update fields; a config change requests a resync
//	DELETE /v1/integration/{id}
//	PATCH  /v1/integration/{id}/config                  {"config":...}; a change requests a resync
//	PATCH  /v1/integration/{id}/resync-state            stored; resyncState.updatedAt = updatedAt = now
//	GET    /v1/integration/{id}/resync-request          {"request":{"id","updatedAt"}}
//	POST   /v1/integration/{id}/kinds/{kind}/examples   latest examples per kind
//	GET|PUT|POST /v1/integration/{id}/cursor?kind=&index=  incremental-sync cursors (PUT 404s when absent;
//	                                                    an index that is not one of the config's resources is 400)
//	GET    /v1/blueprints                               all blueprints
//	POST   /v1/blueprints                               create (409 if it exists, 404 if a relation target is missing)
//	GET|PATCH|PUT|DELETE /v1/blueprints/{bp}            DELETE fails (409) while entities or incoming relations exist
//	DELETE /v1/blueprints/{bp}/all-entities?delete_blueprint=  {"migrationId"}; deletes synchronously
//	GET    /v1/migrations/{id}                          status COMPLETE
//	POST   /v1/blueprints/{bp}/scorecards, /v1/pages, /v1/actions; DELETE /v1/pages/{id}   stored, not evaluated
//	POST   /v1/blueprints/{bp}/entities                 single upsert: 201 created, 200 updated
//	POST   /v1/blueprints/{bp}/entities/bulk            ≤ 20 entities: 200 all ok, 207 otherwise
//	GET    /v1/blueprints/{bp}/entities/{id}            include/exclude as in search
//	DELETE /v1/blueprints/{bp}/entities/{id}?delete_dependents=
//	POST   /v1/blueprints/{bp}/bulk/entities/delete     ≤ 100 identifiers: {"deletedEntities"}
//	POST   /v1/entities/search                          {"matchingBlueprints","entities"}
//	POST   /v1/blueprints/entities/datasource-entities  {"entities","next"}; include/exclude as in search;
//	                                                    a from that is not a next it returned is 400
//	POST   /v1/actions/runs/claim-pending               {"installationId","limit","visibilityTimeoutMs","exclude"?} →
//	                                                    {"runs"}: the installation's IN_PROGRESS, unacknowledged runs,
//	                                                    oldest first, hidden from the next claims for the timeout
//	PATCH  /v1/actions/runs/ack                         {"runId"}; 409 when acknowledged already
//	PATCH  /v1/actions/runs/{runId}                     status SUCCESS|FAILURE (once), statusLabel, summary, link, externalRunId
//	POST   /v1/actions/runs/{runId}/logs                {"message","terminationStatus"?,"statusLabel"?} → 201
//	GET    /v1/actions/runs?external_run_id=            {"runs"}; GET /v1/actions/runs/{runId} → {"run"} (with its "logs")
//	POST   /v1/workflows/runs/claim-pending             reserved; same body as the action claim → {"nodeRuns"} (each
//	                                                    with its "config"), same visibility timeout
//	PATCH  /v1/workflows/runs/ack                       reserved; {"nodeRunIdentifier"}; 409 when acknowledged already
//	PATCH  /v1/workflows/nodes/runs/{id}                status IN_PROGRESS, or COMPLETED with result SUCCESS|FAILED|CANCELLED
//	                                                    (once); externalRunId, output (object), links (strings)
//	POST   /v1/workflows/nodes/runs/{id}/logs           {"logs":[{"level":INFO|WARN|ERROR|DEBUG,"message"}]} → 201
//	GET    /v1/workflows/nodes/runs?external_run_id=&include=nodeConfig  reserved; {"nodeRuns"} (config under "node"
//	                                                    with include=nodeConfig); GET .../runs/{id} → {"nodeRun"} with "logs"
//
// Reserved routes answer 403 forbidden without the header x-port-reserved-usage: true.
//
// The web console (package console) answers GET / and everything under
// /console/; Server.ConsoleURL is its address.
//
// Ingest sinks (no token; accept any body; inspect with Server.Sinks; the
// sync-metrics events are also kept in the database, the latest per resync
// and kind for the last 50 resyncs: Server.ResyncReports):
//
//	POST /logs/integration/{ingestId}
//	POST /metrics/integration/{ingestId}/syncMetrics
//	PUT  /metrics/integration/{ingestId}/syncMetrics/resync/{eventId}/kind/{kind}
//	POST /metrics/integration/{ingestId}/heartbeat
//	POST /ingest/integration/{ingestId}/...
//
// Admin routes (never faulted; a bearer token is required when credentials are
// checked; Options.DisableAdmin switches them off, 404):
//
//	POST   /_admin/faults                               body: a Fault in JSON → {"id"}
//	DELETE /_admin/faults                               clear every fault
//	POST   /_admin/integrations/{id}/resync-request     same as Server.RequestResync
//	GET    /_admin/sinks                                same as Server.Sinks
//	POST   /_admin/actions/runs                         same as Server.CreateRun: {"installationId","action",
//	                                                    "integrationActionType"? (default: action),"properties"?} → 201 {"run"}
//	POST   /_admin/workflows/nodes/runs                 same as Server.CreateNodeRun: {"installationId",
//	                                                    "integrationActionType","nodeUid"?,"properties"?} → 201 {"nodeRun"}
//
// Action runs are what a user triggering an integration action creates: one
// per CreateRun, for the installation (integration id) that executes it.
// Server.GetRun shows a run with its status and logs. Workflow-node runs are
// what a workflow reaching an integration-action node creates (CreateNodeRun);
// Server.GetNodeRun shows one.
//
// Routing matches the escaped path, so "%2F" inside an identifier never splits
// it; segments are path-unescaped ("+" stays "+"). A literal segment beats a
// parameter, so /v1/integration/provision-enabled and
// /v1/blueprints/entities/datasource-entities win over their {id}/{bp} look-alikes.
//
// # Entities
//
// Writes validate against the blueprint: identifier pattern, unknown property
// or relation (422), property type, enum, format (date-time, url, email,
// idn-email, ipv4, ipv6), array item schemas, required properties and
// relations, single vs many relations. merge=true updates the sent fields,
// merge=false replaces the entity; upsert=false on an existing entity is 409.
// A missing related entity is 404 not_found unless
// create_missing_related_entities=true, which creates a bare placeholder.
// Search identifiers must match exactly one entity of the blueprint (none: 404,
// or "unknown" in bulk errors); search relations resolve in the target
// blueprint. validation_only=true writes nothing. Each successful write stores
// the request's User-Agent as the entity's datasource (last writer wins).
// A delete is blocked (409 has_dependents) by entities that require the
// deleted one through a required relation, unless delete_dependents=true, which
// deletes them too; optional relations pointing at it are cleared.
//
// # Search
//
// Groups {"combinator":"and"|"or","rules":[...]} nest; an empty "and" matches
// everything, an empty "or" nothing. Rules read $identifier, $blueprint,
// $datasource, $title, $team, $icon, $createdAt, $updatedAt, $createdBy,
// $updatedBy, then properties, then relations. Operators: = != in notIn
// contains doesNotContains containsAny beginsWith doesNotBeginsWith endsWith
// doesNotEndsWith isEmpty isNotEmpty isExpired isNotExpired (a date-time
// before now; no value never expires) > >= < <= (numbers or date-times) between
// notBetween ({"from","to"} or {"preset": today|tomorrow|yesterday|lastWeek|
// last2Weeks|lastMonth|last3Months|last6Months|last12Months}) and relatedTo
// ({"blueprint","value": id or ids,"direction": upstream|downstream|absent =
// both,"required"}), which follows relations transitively. On array fields,
// = and in match an element; contains means "has the element". A malformed
// query is 422 with the path of the offending part, e.g.
// `rules[1].operator: unknown operator "like"`; so are the forms not
// implemented: propertySchema rules, path properties with matchAny, and user
// context values (which need a user token). The work of one search is
// bounded, each breach a 422 saying what to change: at most 1000 rules and
// nested groups, 32 levels of nesting, 10,000 values in one list, and 50 million
// checks (the query's checks per entity times the entities left after the
// indexes narrowed them; in/notIn over strings is one check, a scanned list one
// per value). include/exclude (repeated,
// top-level keys or properties.x / relations.y) shape the returned entities.
//
// Entity bodies are JSON TEXT decoded in Go with UseNumber (SQLite's JSON
// functions would turn big integers into floats). Constraints on indexed
// columns — $identifier (= / in), $blueprint (= / in) and $datasource
// (contains / beginsWith / endsWith) under "and", and unions of them under
// "or" — narrow the rows in SQL; the whole query is then evaluated in Go, in
// parallel. Results come in creation order.
//
// # Change log (Kafka)
//
// With Options.Kafka.Brokers set, the server publishes Port's change log to
// the topic {OrgID}.change.log (auto-created), for every integration whatever
// its changelogDestination (each message carries it: a KAFKA listener keeps
// those for KAFKA). Every create, update (any PATCH of the integration, its
// config or its resync state) and delete of an integration is
//
//	{"action":"CREATE"|"UPDATE"|"DELETE","resourceType":"integration","status":"SUCCESS",
//	 "context":{"integrationId":id},"diff":{"before":integration|null,"after":integration|null},
//	 "changelogDestination":<the integration's>,"trigger":{"by":{"orgId","userId"},"origin":"API","at":time}}
//
// with before and after as GET /v1/integration/{id} renders them; a resync
// request (Server.RequestResync, POST /_admin/integrations/{id}/resync-request)
// is {"action":"RESYNC",...} without diff. A change sent with x-skip-resync:
// true is not published. The key is the integration identifier, so one
// integration's messages keep their order. An integration's times strictly
// increase: a resync-state PATCH sets updatedAt and resyncState.updatedAt to
// the same time (a KAFKA listener ignores such pure state updates, so its
// own reports never make it resync), any other update a later updatedAt only.
// A newly created integration has both times equal too, so its CREATE does
// not make it resync: its first resync is requested, as Port does, by a
// RESYNC message right after the CREATE.
//
// Publishing never blocks or fails an API call: messages wait on an ordered
// in-memory queue of 10,000 (a full queue drops the message, logged as an
// Error) that one goroutine writes (acks from all replicas), retrying with
// backoff while the broker is down or the topic is being created. Close
// keeps publishing for up to 5 s, then logs how many messages were lost. With
// Options.Kafka.Username and Password the producer authenticates with
// SCRAM-SHA-512 over SASL_PLAINTEXT; the password is never logged.
//
// # Error envelope
//
// Every error is {"ok":false,"error":code,"message":text}; every success has
// "ok":true. An error answered before the body was read whole (413, 401, an
// injected fault, ...) first reads and drops the rest, up to 64 MiB for up to
// 5 s, so a client that writes its whole body before reading gets the answer
// and not a reset connection. Codes:
//
//	invalid_json         400  the body is not one JSON value (nothing may follow it)
//	invalid_cursor       400  a paging cursor or resource index this server did not give
//	unauthorized         401  bad credentials, missing, unknown or expired token
//	not_found            404  blueprint, entity, related entity, integration, migration, page, route
//	method_not_allowed   405  the path exists with other methods
//	conflict             409  already exists; blueprint still in use
//	has_dependents       409  delete blocked by required relations
//	payload_too_large    413  body over 1 MiB ("Request body is too large (limit is 1MiB)")
//	invalid_request      422  malformed body (including text that is not valid
//	                          UTF-8, or half of a \uD800-\uDFFF pair), query
//	                          parameter, search query or limit
//	validation_failed    422  an entity or blueprint does not fit its schema
//	rate_limit_exceeded  429  injected
//	injected_fault       any  other injected statuses
//	internal_error       500
//
// # Authentication
//
// With Options.ClientID and ClientSecret set, POST /v1/auth/access_token checks
// them; otherwise any client id and secret get a token. Tokens are JWT-shaped
// (payload "isMachine": true), kept in memory, valid for TokenTTL (default 3h).
// As in Port, a client id has one active token: asking again before it expires
// returns it again; expiresIn is its remaining lifetime in whole seconds,
// rounded up. In its last quarter of life a new token is issued instead, so a
// client renewing ahead of expiry is not handed seconds. The token's client
// id is the createdBy/updatedBy of what it writes. With credentials checked,
// the /_admin routes need a token too: whoever reaches the server without the
// secret can neither inject faults (make Port answer 503 to everyone) nor read
// the sinks. Without credentials anyone gets a token, so listen on a loopback
// address only (`ocean port serve` warns otherwise).
//
// # Fault injection
//
// Server.InjectFault (or POST /_admin/faults) makes matching requests answer a
// status (with Retry-After), wait, or refuse bodies above a size, for the next
// Count requests or a Fraction of them. Faults answer before routing, so the
// faulted request has no effect, except DropResponse: the request is carried
// out and the connection closed unanswered (a lost response). In JSON,
// durations are Go duration strings ("1s") or numbers of milliseconds.
//
// # Storage and concurrency
//
// One SQLite file in WAL mode: writes are serialized through one connection
// and run in a transaction each (a bulk item in its own savepoint), so parallel
// writers never lose or tear an update; reads use a pool and run concurrently.
// Entity upserts that arrive while another write runs share the next
// transaction, each in its own savepoint (a group commit): each is answered
// once that transaction committed, and one that fails is rolled back alone.
// The WAL is copied into the database file by a background checkpoint from a
// reader connection, not by the writer after its commits (it does so only past
// 16 MiB of WAL, as a backstop).
// Options.DBPath "" gives a private throwaway database (a temporary file,
// removed on Close) that behaves exactly like a persistent one.
package localport
