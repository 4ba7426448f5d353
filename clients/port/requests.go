package port

import (
	"context"
	"maps"
	"strings"
	"sync"
)

// Requests counts the API requests sent to Port, by route (see Route). Every
// attempt counts, retries included: each one draws from Port's budget.
type Requests struct {
	mu      sync.Mutex
	byRoute map[string]int
}

func (r *Requests) add(route string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byRoute == nil {
		r.byRoute = map[string]int{}
	}
	r.byRoute[route]++
}

// ByRoute returns a copy of the counts, by route (empty, not nil, when
// nothing was sent).
func (r *Requests) ByRoute() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.byRoute))
	maps.Copy(out, r.byRoute)
	return out
}

type requestsKey struct{}

// CountRequests returns a ctx under which every API request a Client sends is
// also counted in the returned Requests, so that one operation (a resync)
// learns what it cost, whatever else shares the client. Counters nest: a
// request counts in each of the ctx's counters.
func CountRequests(ctx context.Context) (context.Context, *Requests) {
	r := &Requests{}
	return context.WithValue(ctx, requestsKey{}, append(countersOf(ctx), r)), r
}

func countersOf(ctx context.Context) []*Requests {
	rs, _ := ctx.Value(requestsKey{}).([]*Requests)
	return rs[:len(rs):len(rs)] // appending to it copies
}

// counted tells every counter of ctx, and Config.Requested, of a request sent.
func (c *Client) counted(ctx context.Context, cl call) {
	route := Route(cl.method, cl.path)
	for _, r := range countersOf(ctx) {
		r.add(route)
	}
	if c.cfg.Requested != nil {
		c.cfg.Requested(ctx, route)
	}
}

// routeWords are path segments that name a route, never an identifier.
var routeWords = map[string]bool{
	"bulk": true, "search": true, "datasource-entities": true, "delete": true, "all-entities": true,
	"provision-enabled": true, "claim-pending": true, "ack": true, "runs": true, "nodes": true,
	"entities": true, "config": true, "resync-state": true, "resync-request": true, "kinds": true,
	"examples": true, "cursor": true, "logs": true, "scorecards": true, "access_token": true,
}

// Route names an API request by its route template: the method and the path
// with /v1, every identifier (blueprint, entity, integration, run, ...)
// replaced by a placeholder, so that routes are few whatever the data.
//
//	Route("POST", "/blueprints/team/entities/bulk") == "POST /v1/blueprints/{bp}/entities/bulk"
//	Route("GET", "/integration/my-shop") == "GET /v1/integration/{id}"
func Route(method, path string) string {
	segs := strings.Split(path, "/")
	for i := 2; i < len(segs); i++ {
		if routeWords[segs[i]] {
			continue
		}
		switch segs[i-1] {
		case "blueprints":
			segs[i] = "{bp}"
		case "entities":
			segs[i] = "{identifier}"
		case "kinds":
			segs[i] = "{kind}"
		default:
			segs[i] = "{id}"
		}
	}
	return method + " /v1" + strings.Join(segs, "/")
}
