package bench

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/jackc/pgx/v5"
)

// setupRead loads ids 1..Rows by COPY (or, with --no-setup, checks they
// are there). On PostgreSQL it then runs ANALYZE, as anyone would after a
// bulk load, so its planner has statistics; stela has no ANALYZE and
// plans primary-key predicates as key lookups and ranges without them.
// The measured statements are the same on both.
func setupRead(ctx context.Context, conn *pgx.Conn, e *env) error {
	if e.cfg.NoSetup {
		return countRows(ctx, conn, e.cfg.Table, e.cfg.Rows)
	}
	if err := loadTable(ctx, conn, e.cfg.Table, e.cfg.Rows); err != nil {
		return err
	}
	if !e.stela {
		if _, err := conn.Exec(ctx, "ANALYZE "+e.cfg.Table); err != nil {
			return fmt.Errorf("bench: analyze %s: %w", e.cfg.Table, err)
		}
	}
	return nil
}

// rangeLen is the rows a range-scan reads.
const rangeLen = 1000

// selectWorker runs a prepared SELECT by primary key (span 1) or a range
// of span keys from a random start.
type selectWorker struct {
	c      *pgx.Conn
	stmt   string // the SELECT (env.prepare)
	simple bool
	rnd    *rand.Rand
	rows   int64 // the table has ids 1..rows
	span   int64
}

func (w *selectWorker) conn() *pgx.Conn { return w.c }

func (w *selectWorker) op(ctx context.Context, _ *stats) (int64, error) {
	id := 1 + w.rnd.Int64N(w.rows-w.span+1)
	sql, args := statement(w.simple, w.stmt, id)
	rows, err := w.c.Query(ctx, sql, args...)
	if err != nil {
		return 0, err
	}
	n, err := drain(rows)
	if err == nil && n != w.span {
		err = fmt.Errorf("bench: read %d rows from id %d, want %d", n, id, w.span)
	}
	return n, err
}

func newSelectWorker(span int64, sql string) func(ctx context.Context, e *env, id int) (worker, error) {
	return func(ctx context.Context, e *env, id int) (worker, error) {
		c, err := e.connect(ctx)
		if err != nil {
			return nil, err
		}
		stmt, err := e.prepare(ctx, c, "sel", fmt.Sprintf(sql, e.cfg.Table))
		if err != nil {
			c.Close(ctx)
			return nil, err
		}
		return &selectWorker{c: c, stmt: stmt, simple: e.cfg.Simple, rnd: newRand(id), rows: e.cfg.Rows, span: span}, nil
	}
}

var pointSelectWorkload = &workload{
	defaultRows: 100_000,
	minRows:     1,
	setup:       setupRead,
	newWorker:   newSelectWorker(1, "SELECT id, k, v FROM %s WHERE id = $1"),
}

var rangeScanWorkload = &workload{
	defaultRows: 100_000,
	minRows:     rangeLen,
	setup:       setupRead,
	newWorker:   newSelectWorker(rangeLen, fmt.Sprintf("SELECT id, k, v FROM %%s WHERE id BETWEEN $1 AND $1 + %d", rangeLen-1)),
}
