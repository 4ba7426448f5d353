package localport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ocean-go/ocean/localport/internal/query"
)

const rowCols = "id, blueprint, identifier, datasource, body"

type scanner interface{ Scan(dest ...any) error }

func scanRow(sc scanner) (*row, error) {
	r := &row{}
	if err := sc.Scan(&r.id, &r.blueprint, &r.identifier, &r.datasource, &r.body); err != nil {
		return nil, err
	}
	return r, nil
}

// loadRow returns the entity row, or nil when it does not exist.
func loadRow(ctx context.Context, q querier, bp, id string) (*row, error) {
	r, err := scanRow(q.QueryRowContext(ctx, "SELECT "+rowCols+" FROM entities WHERE blueprint = ? AND identifier = ?", bp, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load entity %s/%s: %w", bp, id, err)
	}
	return r, nil
}

func entityExists(ctx context.Context, q querier, bp, id string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM entities WHERE blueprint = ? AND identifier = ?", bp, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up entity %s/%s: %w", bp, id, err)
	}
	return true, nil
}

// saveEntity inserts or updates the entity row (its id survives updates) and
// rewrites its outgoing relation edges; fresh says the entity did not exist,
// so it has no edges to clear (they go with their entity).
func saveEntity(ctx context.Context, tx querier, e *entity, bp *blueprint, datasource string, updatedUS int64, fresh bool) error {
	body, err := e.encode()
	if err != nil {
		return fmt.Errorf("encode entity %s/%s: %w", e.Blueprint, e.Identifier, err)
	}
	return saveEncoded(ctx, tx, e, body, bp, datasource, updatedUS, fresh)
}

// saveEncoded is saveEntity for e already encoded as body.
func saveEncoded(ctx context.Context, tx querier, e *entity, body string, bp *blueprint, datasource string, updatedUS int64, fresh bool) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO entities (blueprint, identifier, datasource, updated_us, body) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (blueprint, identifier) DO UPDATE SET datasource = excluded.datasource, updated_us = excluded.updated_us, body = excluded.body`,
		e.Blueprint, e.Identifier, datasource, updatedUS, body)
	if err != nil {
		return fmt.Errorf("save entity %s/%s: %w", e.Blueprint, e.Identifier, err)
	}
	return saveEdges(ctx, tx, e, bp, fresh)
}

func saveEdges(ctx context.Context, tx querier, e *entity, bp *blueprint, fresh bool) error {
	if !fresh {
		if _, err := tx.ExecContext(ctx, "DELETE FROM relations WHERE src_blueprint = ? AND src_identifier = ?", e.Blueprint, e.Identifier); err != nil {
			return fmt.Errorf("clear relations of %s/%s: %w", e.Blueprint, e.Identifier, err)
		}
	}
	var args []any
	for _, name := range sortedKeys(e.Relations) {
		rel := bp.relations[name]
		if rel == nil {
			continue
		}
		for _, target := range relationTargets(e.Relations[name]) {
			args = append(args, e.Blueprint, e.Identifier, name, rel.target, target)
		}
	}
	// A few rows per statement rather than one: each statement costs more
	// than the rows it inserts. Full chunks share one statement text.
	const perStmt = 8
	for len(args) > 0 {
		n := min(len(args)/5, perStmt)
		stmt := "INSERT OR IGNORE INTO relations VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?),", n), ",")
		if _, err := tx.ExecContext(ctx, stmt, args[:n*5]...); err != nil {
			return fmt.Errorf("save relations of %s/%s: %w", e.Blueprint, e.Identifier, err)
		}
		args = args[n*5:]
	}
	return nil
}

// updateBody rewrites an entity's body without touching its datasource or updatedAt.
func updateBody(ctx context.Context, tx querier, e *entity, bp *blueprint) error {
	body, err := e.encode()
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE entities SET body = ? WHERE blueprint = ? AND identifier = ?", body, e.Blueprint, e.Identifier); err != nil {
		return fmt.Errorf("update entity %s/%s: %w", e.Blueprint, e.Identifier, err)
	}
	return saveEdges(ctx, tx, e, bp, false)
}

func removeEntity(ctx context.Context, tx querier, k query.Key) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM entities WHERE blueprint = ? AND identifier = ?", k.Blueprint, k.Identifier); err != nil {
		return fmt.Errorf("delete entity %s/%s: %w", k.Blueprint, k.Identifier, err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM relations WHERE src_blueprint = ? AND src_identifier = ?", k.Blueprint, k.Identifier); err != nil {
		return fmt.Errorf("delete relations of %s/%s: %w", k.Blueprint, k.Identifier, err)
	}
	return nil
}

// edge is one relation value: src points at target through relation.
type edge struct {
	src, target query.Key
	relation    string
}

// edgesOf lists the relations pointing at k (in) or going out of k (!in).
func edgesOf(ctx context.Context, q querier, k query.Key, in bool) ([]edge, error) {
	stmt := "SELECT src_blueprint, src_identifier, relation, target_blueprint, target_identifier FROM relations WHERE src_blueprint = ? AND src_identifier = ?"
	if in {
		stmt = "SELECT src_blueprint, src_identifier, relation, target_blueprint, target_identifier FROM relations WHERE target_blueprint = ? AND target_identifier = ?"
	}
	rows, err := q.QueryContext(ctx, stmt, k.Blueprint, k.Identifier)
	if err != nil {
		return nil, fmt.Errorf("read relations of %s/%s: %w", k.Blueprint, k.Identifier, err)
	}
	defer rows.Close()
	var out []edge
	for rows.Next() {
		var e edge
		if err := rows.Scan(&e.src.Blueprint, &e.src.Identifier, &e.relation, &e.target.Blueprint, &e.target.Identifier); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// idChunk bounds the number of bound parameters of one IN list.
const idChunk = 500

// scanPlan streams the rows that satisfy the plan's indexed constraints (and,
// when onlyBP is set, belong to that blueprint), in id (creation) order per chunk.
func scanPlan(ctx context.Context, q querier, p query.Plan, onlyBP string, fn func(*row) error) error {
	if p.None {
		return nil
	}
	var conds []string
	var args []any
	bps := p.Blueprints
	if onlyBP != "" {
		if bps != nil && !slices.Contains(bps, onlyBP) {
			return nil
		}
		bps = []string{onlyBP}
	}
	if bps != nil {
		if len(bps) == 0 {
			return nil
		}
		col := "blueprint"
		if p.Identifiers != nil {
			col = "+blueprint" // unary plus: look identifiers up by index, filter blueprints after
		}
		conds = append(conds, col+" IN ("+placeholders(len(bps))+")")
		for _, b := range bps {
			args = append(args, b)
		}
	}
	for _, sub := range p.DatasourceContains {
		conds = append(conds, "instr(datasource, ?) > 0")
		args = append(args, sub)
	}
	ids := p.Identifiers
	if ids == nil {
		return scanWhere(ctx, q, conds, args, fn)
	}
	slices.Sort(ids)
	for start := 0; start < len(ids); start += idChunk {
		chunk := ids[start:min(start+idChunk, len(ids))]
		chunkArgs := make([]any, 0, len(args)+len(chunk))
		for _, id := range chunk {
			chunkArgs = append(chunkArgs, id)
		}
		chunkArgs = append(chunkArgs, args...)
		c := append([]string{"identifier IN (" + placeholders(len(chunk)) + ")"}, conds...)
		if err := scanWhere(ctx, q, c, chunkArgs, fn); err != nil {
			return err
		}
	}
	return nil
}

func scanWhere(ctx context.Context, q querier, conds []string, args []any, fn func(*row) error) error {
	stmt := "SELECT " + rowCols + " FROM entities"
	if len(conds) > 0 {
		stmt += " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := q.QueryContext(ctx, stmt+" ORDER BY id", args...)
	if err != nil {
		return fmt.Errorf("scan entities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return fmt.Errorf("scan entities: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
