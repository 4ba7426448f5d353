package localport

import (
	"context"
	"database/sql"
	"fmt"
)

// maxTxStmts bounds the statements one transaction keeps prepared: texts built
// per call (IN lists of any length) beyond it run unprepared.
const maxTxStmts = 64

// cachedTx is a transaction that prepares each statement text once and reuses
// it: a bulk upsert runs the same few statements for every entity, and parsing
// them each time took a fifth of its CPU. The statements close with the
// transaction.
type cachedTx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	// detach runs statements without the request's cancellation: the driver
	// starts a watcher goroutine per statement otherwise. database/sql still
	// rolls the transaction back when the request is cancelled.
	detach bool
}

func newCachedTx(tx *sql.Tx, detach bool) *cachedTx {
	return &cachedTx{tx: tx, stmts: map[string]*sql.Stmt{}, detach: detach}
}

func (t *cachedTx) stmt(ctx context.Context, query string) (context.Context, *sql.Stmt, error) {
	if t.detach {
		ctx = context.WithoutCancel(ctx)
	}
	if st, cached := t.stmts[query]; cached {
		return ctx, st, nil
	}
	if len(t.stmts) >= maxTxStmts {
		return ctx, nil, nil
	}
	st, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return ctx, nil, fmt.Errorf("prepare %q: %w", query, err)
	}
	t.stmts[query] = st
	return ctx, st, nil
}

func (t *cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx, st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return t.tx.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (t *cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return t.tx.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (t *cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx, st, err := t.stmt(ctx, query)
	if st == nil || err != nil {
		// A failed preparation fails again here, where a Row can carry it.
		return t.tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
