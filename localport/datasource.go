package localport

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ocean-go/ocean/internal/bufpool"
	"github.com/ocean-go/ocean/localport/internal/query"
)

const (
	defaultDatasourceLimit = 5000
	maxDatasourceLimit     = 10000
)

// POST /v1/blueprints/entities/datasource-entities: the entities whose
// datasource (last writer's User-Agent) starts with the prefix and ends with the
// suffix, optionally last updated before an instant, paged by an opaque cursor.
func (s *Server) datasourceEntities(c *call) (int, any, error) {
	proj, err := projectionOf(c)
	if err != nil {
		return 0, nil, err
	}
	var req struct {
		Prefix *string `json:"datasource_prefix"`
		Suffix *string `json:"datasource_suffix"`
		Limit  *int    `json:"limit"`
		Before *string `json:"before"`
		From   *string `json:"from"`
	}
	if err := c.decodeBody(func(data []byte) error { return decodeJSON(data, &req) }); err != nil {
		return 0, nil, err
	}
	if req.Prefix == nil || req.Suffix == nil {
		return 0, nil, invalid("datasource_prefix and datasource_suffix are required strings")
	}
	limit := defaultDatasourceLimit
	if req.Limit != nil {
		limit = *req.Limit
	}
	if limit < 1 || limit > maxDatasourceLimit {
		return 0, nil, invalid("limit must be between 1 and %d, got %d", maxDatasourceLimit, limit)
	}
	conds := []string{"id > ?"}
	args := []any{int64(0)}
	if req.From != nil && *req.From != "" {
		// A cursor is the id of the last entity of the previous page, written
		// canonically: anything else was not given by this route, and reading
		// it as "from the start" would page a client through the same entities.
		after, err := strconv.ParseInt(*req.From, 10, 64)
		if err != nil || after <= 0 || strconv.FormatInt(after, 10) != *req.From {
			return 0, nil, badCursor("from %q is not a cursor this route returned as next; send the next of the previous page, or no from for the first page", *req.From)
		}
		args[0] = after
	}
	if req.Before != nil && *req.Before != "" {
		t, parsed := query.ParseTime(*req.Before)
		if !parsed {
			return 0, nil, invalid("before %q is not an ISO-8601 date-time", *req.Before)
		}
		conds = append(conds, "updated_us < ?")
		args = append(args, t.UnixMicro())
	}
	if *req.Prefix != "" {
		conds = append(conds, "substr(datasource, 1, ?) = ?")
		args = append(args, utf8.RuneCountInString(*req.Prefix), *req.Prefix)
	}
	if *req.Suffix != "" {
		conds = append(conds, "substr(datasource, ?) = ?")
		args = append(args, -utf8.RuneCountInString(*req.Suffix), *req.Suffix)
	}
	args = append(args, limit+1)
	rows, err := s.db.r.QueryContext(c.r.Context(), "SELECT id, body FROM entities WHERE "+strings.Join(conds, " AND ")+" ORDER BY id LIMIT ?", args...)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	// The answer is written here, the stored bodies copied into it: decoding
	// and encoding them again was most of a listing's work.
	plan := proj.plan()
	out := append(bufpool.Get(64<<10), `{"entities":[`...)
	defer func() { bufpool.Put(out) }() // nil once the answer owns it
	n := 0
	next := "null"
	var lastID int64
	var id int64
	// A string, not sql.RawBytes: the driver copies the text out of SQLite
	// into a string already, which RawBytes would copy again.
	var body string
	for rows.Next() {
		if err := rows.Scan(&id, &body); err != nil {
			return 0, nil, err
		}
		if n == limit {
			next = `"` + strconv.FormatInt(lastID, 10) + `"`
			break
		}
		if n > 0 {
			out = append(out, ',')
		}
		out = bufpool.Grow(out, len(body)+1) // a lent buffer, not one append grew
		var decodable bool
		if out, decodable = plan.appendEntity(out, readOnlyBytes(body), proj); !decodable {
			return 0, nil, fmt.Errorf("entity row %d: its stored body is not an entity", id)
		}
		n++
		lastID = id
	}
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	out = append(out, `],"next":`...)
	out = append(out, next...)
	answer := lentJSON(append(out, `,"ok":true}`+"\n"...))
	out = nil
	return http.StatusOK, answer, nil
}
