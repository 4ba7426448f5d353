// Package port is a typed client of Port's REST API (v1): authentication,
// entities (bulk upsert, bulk delete, search, owned-entity listing), blueprints
// and their defaults, the integration record, the organization, the runs an
// integration executes (action runs and workflow-node runs) and the ingest
// sinks for logs and metrics. The wire contract is port-api.md.
//
// # Authentication
//
// The client exchanges its client credentials for an access token on first use
// and reuses it until 60 s before it expires (a quarter of its life for short
// tokens). Concurrent callers share one token request. A 401 from any call
// other than the token call drops the token, fetches a new one and replays the
// request once. A 401/403 on the token call itself is not retried and returns
// ErrBadCredentials. Secrets and tokens are never logged.
//
// # Ownership
//
// Every request carries User-Agent port-ocean/{type}/{version}/{identifier};
// entity and blueprint calls add /{feature} ("exporter" by default). Port
// stores the User-Agent of an entity's last writer as its datasource, and
// OwnedEntities, OwnershipRules and SearchOwnedEntities select entities by it.
//
// # Limits and retries
//
// Before each attempt a request waits on a token-bucket limiter: Config.Limiter,
// or one of the client's own (DefaultRateLimit 100 req/s, burst
// DefaultRateBurst 50). Clients that must draw from one budget share a limiter:
// Port allows about 35,000 entity requests per 5 minutes per organization.
// Nothing is process-wide, so two integrations in one process do not slow
// each other down. Unless Config.FixedLimit, the limiter adapts to what
// answers: a local Port (LocalPortHeader on its answers) lifts it, and Port's
// x-ratelimit-remaining and x-ratelimit-reset pace it to spread the requests
// left over the rest of the window, never above the rate given nor below a
// tenth of it (past the budget, 429s and their reset hint take over).
//
// Every request sent (each attempt) is counted by Route: in Config.Requested
// and in the Requests of its ctx (CountRequests).
//
// Idempotent methods (GET, HEAD, PUT, DELETE) and the POSTs that are safe to
// repeat (token, single and bulk upsert, bulk delete, search, datasource
// search, the claims of pending action and node runs) are retried on 408, 429, 502, 503, 504, connection errors and
// timeouts; PATCH and other POSTs never are. Before retry n the client waits
// for Retry-After (seconds or an HTTP date), else x-ratelimit-reset (≤ 10000 =
// seconds, larger = UNIX epoch), else 300 ms × 2^(n-1) ± 10 %; every wait is
// capped at 300 s and ends at once when ctx is done. Ten retries by default
// (RetryPolicy). Bodies are encoded once and re-sent unchanged.
//
// # Bulk writes
//
// UpsertEntities groups entities by blueprint and packs batches of at most 20
// entities and 1 MiB of encoded body (measured on the exact bytes sent), with
// BulkConcurrency batches in flight. Results come back per entity, in input
// order; one failing entity never fails the others. A batch answered 413 is
// re-sent entity by entity. DeleteEntities sends at most 100 identifiers per
// call and reports only what Port says it deleted.
//
// # Errors
//
// A non-2xx answer is an *APIError (status, Port's error code and message,
// x-trace-id); per-entity failures of a bulk upsert are *EntityError. Both
// match ErrNotFound, ErrUnauthorized, ErrRateLimited, ErrTooLarge,
// ErrValidation and ErrConflict with errors.Is. Input the client refuses
// before sending matches ErrValidation.
//
// Response numbers are decoded as json.Number so that entity properties
// round-trip exactly.
package port
