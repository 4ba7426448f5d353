package localport

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ocean-go/ocean/internal/bufpool"
	"github.com/ocean-go/ocean/internal/rawjson"
	"github.com/ocean-go/ocean/localport/internal/query"
)

// POST /v1/entities/search
func (s *Server) searchEntities(c *call) (int, any, error) {
	proj, err := projectionOf(c)
	if err != nil {
		return 0, nil, err
	}
	var raw any
	if err := c.decodeBody(func(data []byte) error { return decodeJSON(data, &raw) }); err != nil {
		return 0, nil, err
	}
	qu, err := query.Parse(raw, time.Now())
	if err != nil {
		return 0, nil, invalid("invalid search query: %v", err)
	}
	// One read transaction: every query of the search sees the same snapshot,
	// never half of a concurrent bulk write. Every query of the search goes
	// through it: a second connection from the pool while holding this one
	// deadlocks when concurrent searches hold them all.
	tx, err := s.db.read(c.r.Context())
	if err != nil {
		return 0, nil, fmt.Errorf("search: %w", err)
	}
	defer func() { _ = tx.tx.Rollback() }()
	rows, err := findEntities(c.r.Context(), tx, qu, "")
	if err != nil {
		return 0, nil, err
	}
	matching, err := matchingBlueprints(c.r.Context(), tx, qu.Plan())
	if err != nil {
		return 0, nil, err
	}
	// Written here, the stored bodies copied into the answer (see render.go),
	// with the keys in the order encoding/json gives a map.
	plan := proj.plan()
	size := 256 // the envelope and matchingBlueprints, mostly
	for _, r := range rows {
		size += len(r.body) + 1
	}
	out := append(bufpool.Get(size), `{"entities":[`...)
	for i, r := range rows {
		if i > 0 {
			out = append(out, ',')
		}
		out, _ = plan.appendEntity(out, readOnlyBytes(r.body), proj) // findEntities only returns decodable rows
	}
	out = append(out, `],"matchingBlueprints":`...)
	if out, err = rawjson.Append(out, matching); err != nil {
		bufpool.Put(out)
		return 0, nil, err
	}
	return http.StatusOK, lentJSON(append(out, `,"ok":true}`+"\n"...)), nil
}

// matchingBlueprints: the existing blueprints the query can match.
func matchingBlueprints(ctx context.Context, q querier, p query.Plan) ([]string, error) {
	out := []string{}
	if p.None {
		return out, nil
	}
	// Identifiers only: compiling every blueprint took a tenth of a search.
	rows, err := q.QueryContext(ctx, "SELECT identifier FROM blueprints ORDER BY identifier")
	if err != nil {
		return nil, fmt.Errorf("list blueprints: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if p.Blueprints == nil || slices.Contains(p.Blueprints, id) {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// projection is the include/exclude query of search and get: top-level keys
// or dotted "properties.x" / "relations.y".
type projection struct {
	include, exclude []string
}

func projectionOf(c *call) (projection, error) {
	q := c.r.URL.Query()
	for _, flag := range []string{"exclude_calculated_properties", "attach_title_to_relation", "attach_identifier_to_title_mirror_properties", "allow_partial_results"} {
		if _, err := c.flag(flag, false); err != nil {
			return projection{}, err
		}
	}
	p := projection{include: q["include"], exclude: q["exclude"]}
	for _, f := range append(slices.Clone(p.include), p.exclude...) {
		if f == "" || strings.HasSuffix(f, ".") || strings.HasPrefix(f, ".") {
			return projection{}, invalid("include/exclude field %q is not a key or a dotted key such as properties.name", f)
		}
	}
	return p, nil
}

// apply renders the entity: itself when nothing is projected, else a map.
func (p projection) apply(e *entity) any {
	if len(p.include) == 0 && len(p.exclude) == 0 {
		return e
	}
	full := e.toMap()
	out := full
	if len(p.include) > 0 {
		out = map[string]any{}
		for _, f := range p.include {
			top, sub, dotted := strings.Cut(f, ".")
			v, has := full[top]
			if !has {
				continue
			}
			if !dotted {
				out[top] = v
				continue
			}
			src, isObj := v.(map[string]any)
			if !isObj {
				continue
			}
			dst, _ := out[top].(map[string]any)
			if dst == nil {
				dst = map[string]any{}
				out[top] = dst
			}
			if sv, has := src[sub]; has {
				dst[sub] = sv
			}
		}
	}
	for _, f := range p.exclude {
		top, sub, dotted := strings.Cut(f, ".")
		if !dotted {
			delete(out, top)
			continue
		}
		if m, isObj := out[top].(map[string]any); isObj {
			trimmed := make(map[string]any, len(m))
			for k, v := range m {
				if k != sub {
					trimmed[k] = v
				}
			}
			out[top] = trimmed
		}
	}
	return out
}
