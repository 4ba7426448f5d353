package localport

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// maxGroup bounds the writes one group commit carries (bulk upserts of 20
// entities each), so that no write waits behind an unbounded transaction.
const maxGroup = 32

// groupWrite is one write waiting for a group commit.
type groupWrite struct {
	ctx  context.Context
	fn   func(tx *cachedTx) error
	done chan error // buffered: the leader never blocks on it
}

// writeGroup queues the writes that arrive while another one holds the writer.
type writeGroup struct {
	mu      sync.Mutex
	pending []*groupWrite
}

// writeGrouped is write for the writes that may share a transaction with
// concurrent ones: whoever takes the writer runs the queued writes (at most
// maxGroup at a time), each in its own savepoint, and commits them once. A write that fails is rolled back
// to its savepoint alone, as if it ran in its own transaction; each returns
// only after the commit that holds it, so what is acknowledged is written.
func (d *db) writeGrouped(ctx context.Context, fn func(tx *cachedTx) error) error {
	w := &groupWrite{ctx: ctx, fn: fn, done: make(chan error, 1)}
	d.group.mu.Lock()
	d.group.pending = append(d.group.pending, w)
	d.group.mu.Unlock()

	select {
	case err := <-w.done: // the holder of the writer committed it
		return err
	case d.writer <- struct{}{}:
	}
	defer func() { <-d.writer }()
	for {
		select {
		case err := <-w.done: // committed, maybe just before the writer was free
			return err
		default:
		}
		// Not done, so still queued (only a holder of the writer takes from the
		// queue), maybe behind more than one group: commit the oldest group.
		d.group.mu.Lock()
		n := min(len(d.group.pending), maxGroup)
		batch := d.group.pending[:n:n]
		d.group.pending = d.group.pending[n:]
		d.group.mu.Unlock()
		d.commitGroup(batch)
	}
}

// commitGroup runs the batch in one transaction and reports to every write.
func (d *db) commitGroup(batch []*groupWrite) {
	results := make([]error, len(batch))
	reported := false
	defer func() {
		if !reported { // a write panicked: the others must not wait forever
			for _, w := range batch {
				w.done <- errors.New("a write of the same transaction failed")
			}
		}
	}()
	err := d.runGroup(batch, results)
	d.kept.keep()
	reported = true
	for i, w := range batch {
		if err != nil && results[i] == nil {
			results[i] = err
		}
		w.done <- results[i]
	}
}

// runGroup fills results with each write's own error; its error fails them all.
func (d *db) runGroup(batch []*groupWrite, results []error) error {
	// The transaction outlives any one request: a cancelled request skips its
	// write below instead of rolling back the others'.
	ctx := context.Background()
	sqlTx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() { _ = sqlTx.Rollback() }() // nothing once committed
	tx := newCachedTx(sqlTx, d.kept, true)
	for i, w := range batch {
		if err := w.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT write"); err != nil {
			return err
		}
		results[i] = w.fn(tx)
		stmts := []string{"RELEASE write"}
		if results[i] != nil {
			stmts = []string{"ROLLBACK TO write", "RELEASE write"}
		}
		for _, stmt := range stmts {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return errors.Join(results[i], err)
			}
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	d.wakeCheckpointer()
	return nil
}
