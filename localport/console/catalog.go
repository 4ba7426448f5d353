package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Paging bounds of the entity table.
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// GET /console/api/blueprints
func (c *Console) blueprints(r *http.Request) (int, any, error) {
	bps, err := c.store.Blueprints(r.Context())
	if err != nil {
		return 0, nil, err
	}
	if bps == nil {
		bps = []Blueprint{}
	}
	return http.StatusOK, map[string]any{"blueprints": bps}, nil
}

// GET /console/api/blueprints/{bp}/entities?query=&sort=&desc=&offset=&limit=
func (c *Console) entities(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	eq := EntityQuery{Blueprint: r.PathValue("bp"), Sort: q.Get("sort"), Limit: defaultPageSize}
	var err error
	if eq.Offset, err = intParam(q.Get("offset"), 0, 0, -1); err != nil {
		return 0, nil, fmt.Errorf("%w: offset: %v", ErrInvalid, err)
	}
	if eq.Limit, err = intParam(q.Get("limit"), defaultPageSize, 1, maxPageSize); err != nil {
		return 0, nil, fmt.Errorf("%w: limit: %v", ErrInvalid, err)
	}
	if d := q.Get("desc"); d != "" {
		if eq.Desc, err = strconv.ParseBool(d); err != nil {
			return 0, nil, fmt.Errorf("%w: desc must be true or false, got %q", ErrInvalid, d)
		}
	}
	if raw := q.Get("query"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &eq.Query); err != nil {
			return 0, nil, fmt.Errorf("%w: query is not JSON: %v", ErrInvalid, err)
		}
	}
	page, err := c.store.Entities(r.Context(), eq)
	if err != nil {
		return 0, nil, err
	}
	if page.Entities == nil {
		page.Entities = []map[string]any{}
	}
	return http.StatusOK, page, nil
}

// intParam parses an optional integer within [lo, hi] (hi < 0: no upper bound).
func intParam(s string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not an integer", s)
	case n < lo || hi >= 0 && n > hi:
		if hi < 0 {
			return 0, fmt.Errorf("%d is below %d", n, lo)
		}
		return 0, fmt.Errorf("%d is not between %d and %d", n, lo, hi)
	}
	return n, nil
}

// GET /console/api/blueprints/{bp}/entities/{id}
func (c *Console) entity(r *http.Request) (int, any, error) {
	d, err := c.store.Entity(r.Context(), r.PathValue("bp"), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	if d.Outgoing == nil {
		d.Outgoing = []Edge{}
	}
	if d.Incoming == nil {
		d.Incoming = []Edge{}
	}
	return http.StatusOK, d, nil
}
