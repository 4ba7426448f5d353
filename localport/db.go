package localport

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// schema: entity bodies are JSON TEXT decoded in Go (SQLite's JSON functions
// would turn big integers into floats); the columns beside them exist for indexes.
const schema = `
CREATE TABLE IF NOT EXISTS blueprints (
	identifier TEXT PRIMARY KEY,
	body       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entities (
	id         INTEGER PRIMARY KEY, -- stable across updates: the datasource cursor
	blueprint  TEXT NOT NULL,
	identifier TEXT NOT NULL,
	datasource TEXT NOT NULL DEFAULT '',
	updated_us INTEGER NOT NULL,   -- updatedAt in microseconds, for "before"
	body       TEXT NOT NULL,
	-- Identifier first: the key serves look-ups of identifiers without a
	-- blueprint too, which took an index of their own, one more B-tree
	-- update per write. A database created with (blueprint, identifier)
	-- keeps that key and its entities_by_identifier: they answer the same queries.
	UNIQUE (identifier, blueprint)
);
-- (blueprint) is (blueprint, id) in SQLite: scans of a blueprint come out in id order, unsorted.
CREATE INDEX IF NOT EXISTS entities_by_blueprint ON entities (blueprint);
-- No query reads an index of datasource (its rules test substrings): dropped,
-- it cost every insert a B-tree update.
DROP INDEX IF EXISTS entities_by_datasource;
CREATE TABLE IF NOT EXISTS relations (
	src_blueprint     TEXT NOT NULL,
	src_identifier    TEXT NOT NULL,
	relation          TEXT NOT NULL,
	target_blueprint  TEXT NOT NULL,
	target_identifier TEXT NOT NULL,
	-- Identifiers first, as in the entities key: many entities point at one
	-- (a department, an owner), and a key that began with their shared
	-- blueprint compared it again at every step of every insert.
	PRIMARY KEY (src_identifier, src_blueprint, relation, target_identifier)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS relations_by_target ON relations (target_identifier, target_blueprint);
CREATE TABLE IF NOT EXISTS documents (
	kind TEXT NOT NULL,
	id   TEXT NOT NULL,
	body TEXT NOT NULL,
	PRIMARY KEY (kind, id)
) WITHOUT ROWID;
`

// db holds two pools over one SQLite file in WAL mode: a single writer
// connection behind a semaphore (writes are serialized, never torn or lost) and a
// pool of readers that run concurrently with it.
type db struct {
	// writer is held by the one write running (a semaphore, not a mutex,
	// so that a grouped write can stop waiting once another committed it).
	writer chan struct{}
	// committed wakes the checkpointer (see checkpoint); stopped ends it,
	// which closes done (nil until it started).
	committed, stopped, done chan struct{}
	group                    writeGroup
	kept                     *writerStmts // used by the holder of writer
	w                        *sql.DB
	r                        *sql.DB
	tempDir                  string // removed on close when the database is private
}

func openDB(path string) (*db, error) {
	d := &db{writer: make(chan struct{}, 1), committed: make(chan struct{}, 1)}
	if path == "" {
		// A private throwaway file rather than ":memory:": it keeps WAL and
		// concurrent readers, so tests exercise the same code as a persistent store.
		dir, err := os.MkdirTemp("", "localport-")
		if err != nil {
			return nil, fmt.Errorf("create private database directory: %w", err)
		}
		d.tempDir = dir
		path = filepath.Join(dir, "port.db")
	} else if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	dsn := func(txlock string, pragmas ...string) string {
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		// WAL with synchronous NORMAL: a commit is in the WAL file (the OS's
		// page cache) before it is acknowledged, so a crash of the process
		// (kill -9) loses nothing acknowledged and never corrupts the file;
		// a power loss or OS crash can lose the last commits, not corrupt.
		q.Add("_pragma", "synchronous(NORMAL)")
		for _, p := range pragmas {
			q.Add("_pragma", p)
		}
		if txlock != "" {
			q.Add("_txlock", txlock)
		}
		return "file:" + path + "?" + q.Encode()
	}
	var err error
	// The writer keeps its savepoints' journal in memory: in a temporary file,
	// every page a bulk item first touched was written to it (a third of the
	// write path's system calls). Recovery from a crash never reads it: that
	// is the WAL's job. Its automatic checkpoint is only a backstop (see
	// checkpoint).
	if d.w, err = sql.Open("sqlite", dsn("immediate", "temp_store(MEMORY)", fmt.Sprintf("wal_autocheckpoint(%d)", walBackstopPages))); err != nil {
		return nil, d.fail(fmt.Errorf("open database %s: %w", path, err))
	}
	d.w.SetMaxOpenConns(1)
	d.kept = newWriterStmts(d.w)
	if _, err := d.w.Exec(schema + resyncSchema); err != nil {
		return nil, d.fail(fmt.Errorf("create schema in %s: %w", path, err))
	}
	if d.r, err = sql.Open("sqlite", dsn("")); err != nil {
		return nil, d.fail(fmt.Errorf("open database %s: %w", path, err))
	}
	d.r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)*2))
	d.stopped, d.done = make(chan struct{}), make(chan struct{})
	go d.checkpoint()
	return d, nil
}

const (
	// walBackstopPages is the WAL size (in 4 KiB pages) at which the writer
	// checkpoints after its commit, as SQLite does at 1,000 by default: the
	// checkpointer keeps the WAL mostly copied, so that this copies little.
	walBackstopPages = 4096
	// checkpointPause spaces the checkpoints: a page the writes touch again
	// and again (an index's root, the table's last leaf) is copied once per
	// checkpoint, not once per 1,000 pages of WAL.
	checkpointPause = 100 * time.Millisecond
)

// checkpoint copies the WAL into the database file from a reader
// connection, after commits, at most once per checkpointPause: the copy
// held up every write behind the writer's commit when SQLite ran it there.
// A passive checkpoint never blocks readers or the writer. The WAL restarts
// from its beginning only when it is wholly copied as a write begins, which
// a busy writer seldom lets happen: the writer's backstop checkpoint bounds
// it then, copying what came since the last one. A failed checkpoint is
// left to the next one or to the backstop: the WAL keeps every commit.
func (d *db) checkpoint() {
	defer close(d.done)
	for {
		select {
		case <-d.stopped:
			return
		case <-d.committed:
		}
		var busy, logged, copied int
		_ = d.r.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logged, &copied)
		select {
		case <-d.stopped:
			return
		case <-time.After(checkpointPause):
		}
	}
}

// wakeCheckpointer tells the checkpointer that a write committed.
func (d *db) wakeCheckpointer() {
	select {
	case d.committed <- struct{}{}:
	default: // already woken
	}
}

func (d *db) fail(err error) error {
	_ = d.close()
	return err
}

func (d *db) close() error {
	if d.done != nil {
		close(d.stopped)
		<-d.done
		d.done = nil
	}
	if d.kept != nil {
		d.kept.close()
	}
	var errs []error
	for _, p := range []*sql.DB{d.r, d.w} {
		if p != nil {
			if err := p.Close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if d.tempDir != "" {
		if err := os.RemoveAll(d.tempDir); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("close database: %v", errs)
	}
	return nil
}

// querier is what reads need: the reader pool or the writer's transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// read begins a read-only transaction: every query in it sees one snapshot.
func (d *db) read(ctx context.Context) (*cachedTx, error) {
	tx, err := d.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	return newCachedTx(tx, nil, false), nil
}

// write runs fn in one serialized transaction; it commits when fn returns nil.
func (d *db) write(ctx context.Context, fn func(tx *cachedTx) error) error {
	return d.writeThen(ctx, fn, nil)
}

// writeThen is write, and calls committed (when not nil) after the commit,
// before the next write starts: what committed records, such as a change-log
// message, keeps the order of the writes.
func (d *db) writeThen(ctx context.Context, fn func(tx *cachedTx) error, committed func()) error {
	d.writer <- struct{}{}
	defer func() { <-d.writer }()
	tx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer d.kept.keep()                  // once the rollback below freed the connection
	defer func() { _ = tx.Rollback() }() // nothing once committed
	if err := fn(newCachedTx(tx, d.kept, true)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	d.wakeCheckpointer()
	if committed != nil {
		committed()
	}
	return nil
}
