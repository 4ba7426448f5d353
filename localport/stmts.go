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
	// kept are statements prepared on the pool, which outlive transactions
	// (see writerStmts); nil for none.
	kept *writerStmts
	// detach runs statements without the request's cancellation: the driver
	// starts a watcher goroutine per statement otherwise. A transaction begun
	// with the request's context still rolls back when it is cancelled.
	detach bool
}

func newCachedTx(tx *sql.Tx, kept *writerStmts, detach bool) *cachedTx {
	return &cachedTx{tx: tx, stmts: map[string]*sql.Stmt{}, kept: kept, detach: detach}
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
	var st *sql.Stmt
	if kept := t.kept.get(query); kept != nil {
		st = t.tx.StmtContext(ctx, kept)
	} else {
		var err error
		if st, err = t.tx.PrepareContext(ctx, query); err != nil {
			return ctx, nil, fmt.Errorf("prepare %q: %w", query, err)
		}
		t.kept.want(query)
	}
	t.stmts[query] = st
	return ctx, st, nil
}

// maxKeptStmts bounds the writer's statements kept across transactions.
const maxKeptStmts = 128

// writerStmts are the writer's statements prepared on its pool, so that a
// transaction reuses them instead of preparing its own. database/sql prepares
// a pool's statement on a free connection, and the writer's only connection
// is free between transactions alone: a transaction lists the texts it
// prepared (want) and the writer prepares them after it ends (keep). Only
// the holder of the writer uses it.
type writerStmts struct {
	pool   *sql.DB
	m      map[string]*sql.Stmt
	wanted []string
}

func newWriterStmts(pool *sql.DB) *writerStmts {
	return &writerStmts{pool: pool, m: map[string]*sql.Stmt{}}
}

func (w *writerStmts) get(query string) *sql.Stmt {
	if w == nil {
		return nil
	}
	return w.m[query]
}

func (w *writerStmts) want(query string) {
	if w != nil && len(w.m)+len(w.wanted) < maxKeptStmts {
		w.wanted = append(w.wanted, query)
	}
}

// keep prepares the wanted texts; call it once the transaction ended. A text
// that fails to prepare is simply not kept: its transaction reported why.
func (w *writerStmts) keep() {
	for _, q := range w.wanted {
		if _, kept := w.m[q]; kept {
			continue
		}
		if st, err := w.pool.PrepareContext(context.Background(), q); err == nil {
			w.m[q] = st
		}
	}
	w.wanted = w.wanted[:0]
}

func (w *writerStmts) close() {
	for _, st := range w.m {
		_ = st.Close()
	}
	clear(w.m)
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
