// Package console is the local Port's web console: what an integration
// synced, seen in a browser as in Port's own UI.
//
// Why it exists: after a resync into a local Port there is otherwise nothing
// to look at but JSON from curl. The console shows the catalog (blueprints
// with their entity counts, an entity table per blueprint searched with Port's
// query language, an entity page with its relations both ways), each
// integration's resync history and mapping, and a mapping playground that
// runs the mapping engine of `ocean map` on the kind examples the integration
// uploaded, live, and saves the mapping to the integration.
//
// The page and its assets are embedded (plain HTML, CSS and JavaScript, no
// build step) and served at / and /console/assets/; the JSON API lives under
// /console/api/. The console reads and writes through Store, which the local
// Port implements; it never touches the database itself.
//
// # Access
//
// With credentials configured (Access.ChecksCredentials), the API needs a
// session: POST /console/api/login with the client id and secret the Port API
// takes sets an HttpOnly, SameSite=Strict cookie (a bearer token from
// /v1/auth/access_token works too). Without credentials the console answers
// loopback clients only, addressed by a loopback host name (a page on another
// site cannot rebind its name to 127.0.0.1 to read it), and says so. Requests
// that change something must be JSON and, when they carry an Origin, come from
// the console's own origin. Secrets are never logged.
//
// # API
//
//	GET  /console/api/session                              {"credentials","loggedIn"}
//	POST /console/api/login                                {"clientId","clientSecret"} → 204 and the cookie; 401
//	POST /console/api/logout                               204
//	GET  /console/api/blueprints                           {"blueprints":[{...,"entities":count}]}
//	GET  /console/api/blueprints/{bp}/entities             ?query=<Port query JSON>&sort=&desc=&offset=&limit= → {"total","entities"}
//	GET  /console/api/blueprints/{bp}/entities/{id}        {"entity","datasource","outgoing","incoming"}
//	GET  /console/api/integrations                         {"integrations":[{...,"resources","resyncs"}]}
//	GET  /console/api/integrations/{id}/kinds/{kind}/examples  {"examples"}
//	POST /console/api/playground                           {"resource": YAML,"items":[...]} → {"entities","report"}
//	PUT  /console/api/integrations/{id}/resources/{index}  {"resource": YAML} → {"integration"}
//
// Errors are {"error": message} with the status (400, 401, 403, 404, 422, 500).
package console
