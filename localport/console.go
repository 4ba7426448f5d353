package localport

import (
	"bytes"
	"cmp"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ocean-go/ocean/localport/console"
	"github.com/ocean-go/ocean/localport/internal/query"
)

// ConsoleURL is the address of the web console ("" before Start).
func (s *Server) ConsoleURL() string {
	if u := s.URL(); u != "" {
		return u + "/"
	}
	return ""
}

// consoleStore is the console's view of the server: console.Store and console.Access.
type consoleStore struct{ s *Server }

func newConsole(s *Server) *console.Console {
	cs := consoleStore{s}
	return console.New(console.Options{Store: cs, Access: cs, Mapper: s.opts.Mapper, Logger: s.log})
}

// consoleErr gives the console the kind of an API error.
func consoleErr(err error) error {
	var ae *apiError
	if errors.As(err, &ae) {
		switch {
		case ae.status == http.StatusNotFound:
			return fmt.Errorf("%w: %s", console.ErrNotFound, ae.msg)
		case ae.status == http.StatusUnprocessableEntity || ae.status == http.StatusBadRequest:
			return fmt.Errorf("%w: %s", console.ErrInvalid, ae.msg)
		}
	}
	return err
}

func (cs consoleStore) ChecksCredentials() bool { return cs.s.auth.checks() }

func (cs consoleStore) CheckCredentials(clientID, secret string) bool {
	a := cs.s.auth
	idMatch := subtle.ConstantTimeCompare([]byte(clientID), []byte(a.clientID)) == 1
	secretMatch := subtle.ConstantTimeCompare([]byte(secret), []byte(a.secret)) == 1
	return a.checks() && idMatch && secretMatch
}

func (cs consoleStore) ValidToken(r *http.Request) bool {
	_, err := cs.s.auth.check(r)
	return err == nil
}

func (cs consoleStore) Blueprints(ctx context.Context) ([]console.Blueprint, error) {
	tx, err := cs.s.db.read(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.tx.Rollback() }()
	bps, err := listBlueprints(ctx, tx)
	if err != nil {
		return nil, err
	}
	// Counted on the (blueprint) index, without reading a body.
	rows, err := tx.QueryContext(ctx, "SELECT blueprint, count(*) FROM entities GROUP BY blueprint")
	if err != nil {
		return nil, fmt.Errorf("count entities: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var bp string
		var n int
		if err := rows.Scan(&bp, &n); err != nil {
			return nil, err
		}
		counts[bp] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]console.Blueprint, 0, len(bps))
	for _, bp := range bps {
		title, _ := bp.body["title"].(string)
		icon, _ := bp.body["icon"].(string)
		sch, _ := bp.body["schema"].(map[string]any)
		props, _ := sch["properties"].(map[string]any)
		rels, _ := bp.body["relations"].(map[string]any)
		out = append(out, console.Blueprint{Identifier: bp.id, Title: title, Icon: icon, Properties: props, Relations: rels, Entities: counts[bp.id]})
	}
	return out, nil
}

func (cs consoleStore) Blueprint(ctx context.Context, id string) (map[string]any, error) {
	bp, err := newBlueprints(ctx, cs.s.db.r).get(id)
	if err != nil {
		return nil, consoleErr(err)
	}
	return bp.body, nil
}

// sortColumns are the sort keys SQL orders by an index or a column.
var sortColumns = map[string]string{
	"":           "id", // creation order: the (blueprint, id) index
	"$createdAt": "id",
	// Columns no index of the blueprint orders (the key is identifier
	// first): SQL sorts the blueprint's rows, which takes a fraction of a
	// second at 100k entities; an index to spare it would cost every write.
	"$identifier": "identifier",
	"$updatedAt":  "updated_us",
}

// Entities pages through a blueprint's entities. Without a query the page
// is read in SQL (a count on the blueprint's index, then LIMIT/OFFSET in
// index order), so it stays fast at 100k entities. With one, the search
// engine of /v1/entities/search finds the matches, sorted and paged here.
func (cs consoleStore) Entities(ctx context.Context, q console.EntityQuery) (*console.EntityPage, error) {
	tx, err := cs.s.db.read(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.tx.Rollback() }()
	if _, err := newBlueprints(ctx, tx).get(q.Blueprint); err != nil {
		return nil, consoleErr(err)
	}
	if isMatchAll(q.Query) {
		return pageInSQL(ctx, tx, q)
	}
	qu, err := query.Parse(q.Query, time.Now())
	if err != nil {
		return nil, fmt.Errorf("%w: invalid search query: %v", console.ErrInvalid, err)
	}
	rows, err := findEntities(ctx, tx, qu, q.Blueprint)
	if err != nil {
		return nil, consoleErr(err)
	}
	slices.SortStableFunc(rows, func(a, b *row) int {
		c := compareBy(a, b, q.Sort)
		if q.Desc {
			return -c
		}
		return c
	})
	page := &console.EntityPage{Total: len(rows)}
	for _, r := range rows[min(q.Offset, len(rows)):min(q.Offset+q.Limit, len(rows))] {
		e, _ := r.entity() // findEntities only returns decodable rows
		page.Entities = append(page.Entities, e.toMap())
	}
	return page, nil
}

// isMatchAll: no query, or an "and" group without rules.
func isMatchAll(q any) bool {
	if q == nil {
		return true
	}
	m, isObj := q.(map[string]any)
	rules, isList := m["rules"].([]any)
	return isObj && len(m) == 2 && m["combinator"] == "and" && isList && len(rules) == 0
}

func pageInSQL(ctx context.Context, tx *cachedTx, q console.EntityQuery) (*console.EntityPage, error) {
	page := &console.EntityPage{}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM entities WHERE blueprint = ?", q.Blueprint).Scan(&page.Total); err != nil {
		return nil, fmt.Errorf("count entities: %w", err)
	}
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	order, args := sortColumns[q.Sort], []any{q.Blueprint}
	switch {
	case order != "":
		order += dir
	case q.Sort == "$title":
		order = "body ->> '$.title'" + dir + ", id"
	default: // a property: the blueprint's rows are read, not their index
		order = "body -> '$.properties' ->> ?" + dir + ", id"
		args = append(args, q.Sort)
	}
	args = append(args, q.Limit, q.Offset)
	rows, err := tx.QueryContext(ctx, "SELECT "+rowCols+" FROM entities WHERE blueprint = ? ORDER BY "+order+" LIMIT ? OFFSET ?", args...)
	if err != nil {
		return nil, fmt.Errorf("page entities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, err
		}
		e, err := r.entity()
		if err != nil {
			continue // a body that cannot be decoded is never returned
		}
		page.Entities = append(page.Entities, e.toMap())
	}
	return page, rows.Err()
}

// compareBy orders rows by a sort key: creation order, a meta-property or a
// property (numbers by value, then strings, absent values last).
func compareBy(a, b *row, key string) int {
	if key == "" || key == "$createdAt" {
		return cmp.Compare(a.id, b.id)
	}
	av, aok := a.Field(key)
	bv, bok := b.Field(key)
	switch {
	case !aok || av == nil:
		if !bok || bv == nil {
			return cmp.Compare(a.id, b.id)
		}
		return 1
	case !bok || bv == nil:
		return -1
	}
	an, aNum := av.(json.Number)
	bn, bNum := bv.(json.Number)
	if aNum && bNum {
		af, _ := an.Float64()
		bf, _ := bn.Float64()
		return cmp.Or(cmp.Compare(af, bf), cmp.Compare(a.id, b.id))
	}
	return cmp.Or(strings.Compare(fmt.Sprint(av), fmt.Sprint(bv)), cmp.Compare(a.id, b.id))
}

func (cs consoleStore) Entity(ctx context.Context, bp, id string) (*console.EntityDetail, error) {
	tx, err := cs.s.db.read(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.tx.Rollback() }()
	r, err := loadRow(ctx, tx, bp, id)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("%w: entity %q of blueprint %q", console.ErrNotFound, id, bp)
	}
	e, err := r.entity()
	if err != nil {
		return nil, err
	}
	d := &console.EntityDetail{Entity: e.toMap(), Datasource: r.datasource}
	k := query.Key{Blueprint: bp, Identifier: id}
	for _, in := range []bool{false, true} {
		edges, err := edgesOf(ctx, tx, k, in)
		if err != nil {
			return nil, err
		}
		for _, ed := range edges {
			other := ed.target
			if in {
				other = ed.src
			}
			item := console.Edge{Relation: ed.relation, Blueprint: other.Blueprint, Identifier: other.Identifier}
			if in {
				d.Incoming = append(d.Incoming, item)
			} else {
				d.Outgoing = append(d.Outgoing, item)
			}
		}
	}
	return d, nil
}

func (cs consoleStore) Integrations(ctx context.Context) ([]map[string]any, error) {
	docs, err := allDocs(ctx, cs.s.db.r, docIntegration, func(*integrationDoc) int64 { return 0 })
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Fields)
	}
	slices.SortFunc(out, func(a, b map[string]any) int {
		return strings.Compare(fmt.Sprint(a["identifier"]), fmt.Sprint(b["identifier"]))
	})
	return out, nil
}

func (cs consoleStore) ResyncReports(ctx context.Context, id string) ([]console.ResyncReport, error) {
	reps, err := cs.s.ResyncReports(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]console.ResyncReport, len(reps))
	for i, r := range reps {
		out[i] = console.ResyncReport{EventID: r.EventID, Kind: r.Kind, First: r.First, Last: r.Last, Body: r.Body}
	}
	return out, nil
}

func (cs consoleStore) Examples(ctx context.Context, id, kind string) ([]any, error) {
	var ex []any
	_, err := loadDoc(ctx, cs.s.db.r, docExamples, id+"\x00"+kind, &ex)
	return ex, err
}

// SetConfig is PATCH /v1/integration/{id} with {"config": config}, on behalf
// of the console user ("console", or the client id of a configured login).
func (cs consoleStore) SetConfig(ctx context.Context, r *http.Request, id string, config map[string]any) (map[string]any, error) {
	body, err := json.Marshal(map[string]any{"config": config})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, "/v1/integration/"+url.PathEscape(id), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Host, req.TLS = r.Host, r.TLS
	by := "console"
	if cs.s.auth.checks() {
		by = cs.s.auth.clientID
	}
	_, resp, err := cs.s.patchIntegration(&call{r: req, params: map[string]string{"id": id}, clientID: by})
	if err != nil {
		return nil, consoleErr(err)
	}
	m, _ := resp.(map[string]any)
	out, _ := m["integration"].(map[string]any)
	return out, nil
}
