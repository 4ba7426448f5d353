package localport

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Document kinds stored in the documents table.
const (
	docIntegration = "integration"
	docMigration   = "migration"
	docScorecard   = "scorecard"
	docPage        = "page"
	docAction      = "action"
	docExamples    = "examples"
	docCursor      = "cursor"
)

// loadDoc decodes a document into into; found is false when it does not exist.
func loadDoc(ctx context.Context, q querier, kind, id string, into any) (found bool, err error) {
	var body string
	err = q.QueryRowContext(ctx, "SELECT body FROM documents WHERE kind = ? AND id = ?", kind, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("load %s %q: %w", kind, id, err)
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(into); err != nil {
		return false, fmt.Errorf("decode %s %q: %w", kind, id, err)
	}
	return true, nil
}

// allDocs decodes every document of kind, in the order seq gives.
func allDocs[T any](ctx context.Context, q querier, kind string, seq func(*T) int64) ([]*T, error) {
	rows, err := q.QueryContext(ctx, "SELECT body FROM documents WHERE kind = ?", kind)
	if err != nil {
		return nil, fmt.Errorf("list %s documents: %w", kind, err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		v := new(T)
		if err := decodeJSON([]byte(body), v); err != nil {
			return nil, fmt.Errorf("decode %s: %w", kind, err)
		}
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b *T) int { return cmp.Compare(seq(a), seq(b)) })
	return out, rows.Err()
}

func saveDoc(ctx context.Context, tx querier, kind, id string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %q: %w", kind, id, err)
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO documents (kind, id, body) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body", kind, id, string(body))
	if err != nil {
		return fmt.Errorf("save %s %q: %w", kind, id, err)
	}
	return nil
}

// deleteDoc removes a document; found is false when it did not exist.
func deleteDoc(ctx context.Context, tx querier, kind, id string) (found bool, err error) {
	res, err := tx.ExecContext(ctx, "DELETE FROM documents WHERE kind = ? AND id = ?", kind, id)
	if err != nil {
		return false, fmt.Errorf("delete %s %q: %w", kind, id, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// loadBlueprint returns the compiled blueprint, or nil when it does not exist.
func loadBlueprint(ctx context.Context, q querier, id string) (*blueprint, error) {
	body, found, err := storedBlueprint(ctx, q, id)
	if err != nil || !found {
		return nil, err
	}
	return decodeBlueprint(body)
}

// loadCompiledBlueprint is loadBlueprint through compiledBlueprints: the
// blueprint it returns is shared, never to be changed.
func loadCompiledBlueprint(ctx context.Context, q querier, id string) (*blueprint, error) {
	body, found, err := storedBlueprint(ctx, q, id)
	if err != nil || !found {
		return nil, err
	}
	return compiledBlueprints.decode(body)
}

// storedBlueprint reads a blueprint's stored body; found is false when it
// does not exist.
func storedBlueprint(ctx context.Context, q querier, id string) (body string, found bool, err error) {
	err = q.QueryRowContext(ctx, "SELECT body FROM blueprints WHERE identifier = ?", id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("load blueprint %q: %w", id, err)
	}
	return body, true, nil
}

// compiledBlueprints are blueprints compiled from their stored bodies: every
// write compiled its blueprint again (a twentieth of a bulk upsert's CPU).
// A body always compiles to the same blueprint, so the cache is keyed by the
// body and serves every server of the process; it is emptied when full.
var compiledBlueprints = blueprintCache{m: map[string]*blueprint{}, latest: map[string]*blueprint{}}

const maxCompiledBlueprints = 256

type blueprintCache struct {
	mu sync.Mutex
	m  map[string]*blueprint
	// latest is the last blueprint compiled or found per identifier: a guess
	// of what the writer will find, to check there (see preparedCreate).
	latest map[string]*blueprint
}

// guess returns the blueprint last compiled or found with this identifier,
// by any server: nil for none. It may be stale.
func (c *blueprintCache) guess(id string) *blueprint {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.latest[id]
}

func (c *blueprintCache) decode(body string) (*blueprint, error) {
	c.mu.Lock()
	bp := c.m[body]
	if bp != nil {
		c.latest[bp.id] = bp
	}
	c.mu.Unlock()
	if bp != nil {
		return bp, nil
	}
	bp, err := decodeBlueprint(body)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= maxCompiledBlueprints {
		clear(c.m)
		clear(c.latest)
	}
	c.m[body] = bp
	c.latest[bp.id] = bp
	c.mu.Unlock()
	return bp, nil
}

func decodeBlueprint(body string) (*blueprint, error) {
	var m map[string]any
	if err := decodeJSON([]byte(body), &m); err != nil {
		return nil, fmt.Errorf("decode stored blueprint: %w", err)
	}
	return compileBlueprint(m)
}

func listBlueprints(ctx context.Context, q querier) ([]*blueprint, error) {
	rows, err := q.QueryContext(ctx, "SELECT body FROM blueprints ORDER BY identifier")
	if err != nil {
		return nil, fmt.Errorf("list blueprints: %w", err)
	}
	defer rows.Close()
	var out []*blueprint
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		bp, err := decodeBlueprint(body)
		if err != nil {
			return nil, err
		}
		out = append(out, bp)
	}
	return out, rows.Err()
}

func saveBlueprint(ctx context.Context, tx querier, bp *blueprint) error {
	body, err := json.Marshal(bp.body)
	if err != nil {
		return fmt.Errorf("encode blueprint %q: %w", bp.id, err)
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO blueprints (identifier, body) VALUES (?, ?) ON CONFLICT (identifier) DO UPDATE SET body = excluded.body", bp.id, string(body))
	if err != nil {
		return fmt.Errorf("save blueprint %q: %w", bp.id, err)
	}
	return nil
}

// blueprints memoizes blueprint lookups within one request.
type blueprints struct {
	ctx context.Context
	q   querier
	m   map[string]*blueprint
}

func newBlueprints(ctx context.Context, q querier) *blueprints {
	return &blueprints{ctx: ctx, q: q, m: map[string]*blueprint{}}
}

// get returns the blueprint or a 404 not_found error. It is shared: read
// only (loadBlueprint gives one to change).
func (b *blueprints) get(id string) (*blueprint, error) {
	if bp, cached := b.m[id]; cached {
		return bp, nil
	}
	bp, err := loadCompiledBlueprint(b.ctx, b.q, id)
	if err != nil {
		return nil, err
	}
	if bp == nil {
		return nil, notFound("Blueprint %q was not found", id)
	}
	b.m[id] = bp
	return bp, nil
}
