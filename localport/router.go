package localport

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ocean-go/ocean/internal/bufpool"
)

// call is one request as a handler sees it.
type call struct {
	w        http.ResponseWriter
	r        *http.Request
	params   map[string]string
	clientID string // the token's client id; "" on public routes
}

func (c *call) param(name string) string { return c.params[name] }

func (c *call) body() ([]byte, error) { return readBody(c.r) }

// decodeBody reads the body and passes it to decode, which must keep
// nothing of it (decodeJSON copies what it decodes): its buffer is lent again.
func (c *call) decodeBody(decode func(data []byte) error) error {
	data, err := c.body()
	if err != nil {
		return err
	}
	defer bufpool.Put(data)
	return decode(data)
}

// object reads the body as a JSON object.
func (c *call) object() (obj map[string]any, err error) {
	err = c.decodeBody(func(data []byte) error {
		obj, err = decodeObject(data)
		return err
	})
	return obj, err
}

// entityList reads the body's "entities" array of 1 to max items; noun names
// an item in errors ("entities", "identifiers").
func (c *call) entityList(noun string, max int) ([]any, error) {
	obj, err := c.object()
	if err != nil {
		return nil, err
	}
	list, isList := obj["entities"].([]any)
	switch {
	case !isList:
		return nil, invalid("entities is required and must be an array of %s", noun)
	case len(list) == 0:
		return nil, invalid("entities must hold at least 1 item")
	case len(list) > max:
		return nil, invalid("entities holds %d %s, at most %d are allowed per request", len(list), noun, max)
	}
	return list, nil
}

// flag reads a lowercase boolean query parameter ("true"/"false"); absent or
// empty means def.
func (c *call) flag(name string, def bool) (bool, error) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, invalid("query parameter %s must be true or false, got %q", name, v)
	}
	return b, nil
}

// handler answers with a status and a body, or an error for the envelope.
type handler func(c *call) (status int, body any, err error)

type route struct {
	method   string
	segments []string // "{name}" captures a segment, "{name...}" the rest of the path
	public   bool     // no bearer token needed
	handle   handler
}

type router struct{ routes []route }

func (rt *router) add(method, pattern string, h handler) {
	rt.routes = append(rt.routes, route{method: method, segments: split(pattern), handle: h})
}

func (rt *router) addPublic(method, pattern string, h handler) {
	rt.add(method, pattern, h)
	rt.routes[len(rt.routes)-1].public = true
}

func split(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match routes on the escaped path, so "%2F" inside an identifier never splits
// it; segments are then path-unescaped ("+" stays "+"). When several routes
// match, the one with a literal segment earliest wins, so
// /v1/integration/provision-enabled beats /v1/integration/{id}.
func (rt *router) match(method, escapedPath string) (*route, map[string]string, *apiError) {
	segs := split(escapedPath)
	var best *route
	var bestScore string
	var bestParams map[string]string
	pathMatched := false
	for i := range rt.routes {
		r := &rt.routes[i]
		params, score, ok := r.matchSegments(segs)
		if !ok {
			continue
		}
		pathMatched = true
		if r.method != method {
			continue
		}
		if best == nil || score > bestScore {
			best, bestScore, bestParams = r, score, params
		}
	}
	if best == nil {
		if pathMatched {
			return nil, nil, newError(http.StatusMethodNotAllowed, "method_not_allowed", "method %s is not allowed on %s", method, escapedPath)
		}
		return nil, nil, notFound("no route for %s %s", method, escapedPath)
	}
	for k, v := range bestParams {
		u, err := url.PathUnescape(v)
		if err != nil {
			return nil, nil, invalid("path segment %q is not a valid escaped value: %v", v, err)
		}
		bestParams[k] = u
	}
	return best, bestParams, nil
}

// matchSegments returns the captured parameters and a score: one byte per
// segment, '1' for a literal, '0' for a capture.
func (r *route) matchSegments(segs []string) (map[string]string, string, bool) {
	params := map[string]string{}
	score := make([]byte, 0, len(r.segments))
	for i, pat := range r.segments {
		if strings.HasSuffix(pat, "...}") {
			if i >= len(segs) {
				return nil, "", false
			}
			params[pat[1:len(pat)-4]] = strings.Join(segs[i:], "/")
			return params, string(append(score, '0')), true
		}
		if i >= len(segs) {
			return nil, "", false
		}
		if strings.HasPrefix(pat, "{") {
			if segs[i] == "" {
				return nil, "", false
			}
			params[pat[1:len(pat)-1]] = segs[i]
			score = append(score, '0')
			continue
		}
		if pat != segs[i] {
			return nil, "", false
		}
		score = append(score, '1')
	}
	if len(segs) != len(r.segments) {
		return nil, "", false
	}
	return params, string(score), true
}
