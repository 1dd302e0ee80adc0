package bench

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The write workloads insert new keys: e.nextID hands out ids above the
// table's largest, so connections never collide.

// setupInsert empties the table (or, with --no-setup, continues after
// its largest id).
func setupInsert(ctx context.Context, conn *pgx.Conn, e *env) error {
	if !e.cfg.NoSetup {
		if err := recreateTable(ctx, conn, e.cfg.Table); err != nil {
			return err
		}
	}
	base, err := maxID(ctx, conn, e.cfg.Table)
	e.nextID.Store(base)
	return err
}

const insertSQL = "INSERT INTO %s (id, k, v) VALUES ($1, $2, $3)"

// insertWorker runs single-row INSERTs through one prepared statement.
type insertWorker struct {
	c     *pgx.Conn
	e     *env
	stmt  string // the INSERT (env.prepare)
	batch int    // rows per transaction; 1: autocommit
}

func (w *insertWorker) conn() *pgx.Conn { return w.c }

func newInsertWorker(ctx context.Context, e *env, batch int) (worker, error) {
	c, err := e.connect(ctx)
	if err != nil {
		return nil, err
	}
	stmt, err := e.prepare(ctx, c, "ins", fmt.Sprintf(insertSQL, e.cfg.Table))
	if err != nil {
		c.Close(ctx)
		return nil, err
	}
	return &insertWorker{c: c, e: e, stmt: stmt, batch: batch}, nil
}

func (w *insertWorker) op(ctx context.Context, _ *stats) (int64, error) {
	if w.batch == 1 {
		id := w.e.nextID.Add(1)
		sql, args := statement(w.e.cfg.Simple, w.stmt, id, id*7, pad)
		_, err := w.c.Exec(ctx, sql, args...)
		return 1, err
	}
	// insert-batch: BEGIN, one INSERT per row (each its own round trip,
	// as an application inserting rows one by one), COMMIT.
	if _, err := w.c.Exec(ctx, "BEGIN"); err != nil {
		return 0, err
	}
	for range w.batch {
		id := w.e.nextID.Add(1)
		sql, args := statement(w.e.cfg.Simple, w.stmt, id, id*7, pad)
		if _, err := w.c.Exec(ctx, sql, args...); err != nil {
			_, _ = w.c.Exec(ctx, "ROLLBACK")
			return 0, err
		}
	}
	if _, err := w.c.Exec(ctx, "COMMIT"); err != nil {
		return 0, err
	}
	return int64(w.batch), nil
}

var insertWorkload = &workload{
	defaultBatch: 1,
	setup:        setupInsert,
	newWorker: func(ctx context.Context, e *env, _ int) (worker, error) {
		return newInsertWorker(ctx, e, 1)
	},
}

var insertBatchWorkload = &workload{
	defaultBatch: 100,
	setup:        setupInsert,
	newWorker: func(ctx context.Context, e *env, _ int) (worker, error) {
		return newInsertWorker(ctx, e, e.cfg.Batch)
	},
}

// copyWorker loads batches of rows with COPY FROM STDIN, one transaction
// each.
type copyWorker struct {
	c   *pgx.Conn
	e   *env
	src rowSource
}

func (w *copyWorker) conn() *pgx.Conn { return w.c }

func (w *copyWorker) op(ctx context.Context, _ *stats) (int64, error) {
	n := int64(w.e.cfg.Batch)
	last := w.e.nextID.Add(n)
	w.src = rowSource{next: last - n + 1, end: last + 1}
	return w.c.CopyFrom(ctx, pgx.Identifier{w.e.cfg.Table}, columnNames, &w.src)
}

var copyWorkload = &workload{
	defaultBatch: 10_000,
	setup:        setupInsert,
	newWorker: func(ctx context.Context, e *env, id int) (worker, error) {
		c, err := e.connect(ctx)
		if err != nil {
			return nil, err
		}
		return &copyWorker{c: c, e: e}, nil
	},
}
