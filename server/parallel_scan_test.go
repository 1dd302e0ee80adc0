package server_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestParallelScanMatchesPlain runs aggregations over tables large enough
// that workers pass many batches (sql/scan_parallel.go) and checks them
// against the same queries with parallel scans off, with rows the
// transaction wrote itself, deleted and updated among them.
func TestParallelScanMatchesPlain(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	for _, q := range []string{
		`CREATE TABLE pb (id int PRIMARY KEY, a int, b bigint, t text)`,
		`INSERT INTO pb SELECT g, g % 13, g * 7, repeat('x', g % 300) FROM generate_series(1, 40000) g`,
		`CREATE TABLE ps (k text PRIMARY KEY, v int)`,
		`INSERT INTO ps SELECT md5(g::text), g FROM generate_series(1, 20000) g`,
		`DELETE FROM pb WHERE id % 17 = 0`,
		`UPDATE pb SET b = -b WHERE id % 19 = 0`,
		`SET stela.parallel_scan_min_rows = 1000`,
		`BEGIN`,
		`INSERT INTO pb SELECT g, 1, 1, 'new' FROM generate_series(40001, 41000) g`,
		`DELETE FROM pb WHERE id % 23 = 0`,
	} {
		exec(q)
	}
	queries := []string{
		`SELECT count(*), sum(b), min(t), max(length(t)) FROM pb`,
		`SELECT count(*), sum(b) FROM pb WHERE a = 5`,
		`SELECT a, count(*), sum(b), max(t) FROM pb GROUP BY a ORDER BY a`,
		`SELECT count(*), sum(v), min(k), max(k) FROM ps`,
		`SELECT count(*), sum(pb.b) FROM pb JOIN ps ON ps.v = pb.id WHERE ps.k < '8'`,
		`SELECT count(*) FROM ps WHERE v IN (SELECT id FROM pb WHERE a = 2)`,
		`SELECT count(*), sum(_tx), max(_ts), count(_ts) FROM pb WHERE id > 20000`,
		// Filters the workers apply themselves (sql/scan_parallel_filter.go),
		// decoding the columns they read first: patterns, casts, CASE,
		// regular expressions, dates and the system columns.
		`SELECT count(*), sum(b), max(t) FROM pb WHERE t LIKE 'xx%x' AND length(t) BETWEEN 10 AND 200 AND b::numeric % 3 = 1`,
		`SELECT count(*), max(t) FROM pb WHERE CASE WHEN a > 6 THEN b % 2 = 0 ELSE t ~ '^x{5,9}$' END`,
		`SELECT count(*), sum(id) FROM pb WHERE extract(dow FROM date '2026-01-01' + a) IN (1, 2) AND date_trunc('month', timestamp '2026-01-20' + a * interval '1 day') = '2026-01-01' AND coalesce(nullif(a, 3), 0) > 0`,
		`SELECT count(*), sum(b) FROM pb WHERE _tx > 0 AND t <> '' AND (a, b % 5) IS DISTINCT FROM (1, 0::bigint)`,
		`SELECT count(*), min(k) FROM ps WHERE upper(k) > 'C' AND v % 3 <> 0`,
		// Filters the statement's goroutine applies: an array's elements
		// held in the node, the session, a subquery.
		`SELECT count(*), sum(b) FROM pb WHERE a = ANY (ARRAY[1, 3, 5]) AND t > 'xxx'`,
		`SELECT count(*) FROM pb WHERE current_setting('stela.parallel_scan_min_rows') = '1000' AND a = 4 AND t LIKE '%xx'`,
		`SELECT count(*) FROM pb WHERE b > (SELECT avg(b) FROM pb WHERE a = 2) AND t <> ''`,
	}
	answers := func(workers int) []string {
		exec(fmt.Sprintf("SET max_parallel_workers_per_gather = %d", workers))
		var out []string
		for _, q := range queries {
			// A prepared statement keeps the plan it was prepared with:
			// a text of its own per setting.
			rows, err := c.Query(ctx, fmt.Sprintf("%s /* %d workers */", q, workers))
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]any, error) { return r.Values() })
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			out = append(out, fmt.Sprint(all))
		}
		return out
	}
	plain := answers(0)
	exec("SET max_parallel_workers_per_gather = 1")
	if plan := planText(t, c, "EXPLAIN "+queries[1]); !strings.Contains(plan, "Parallel Seq Scan on pb") {
		t.Fatalf("the scan is not parallel:\n%s", plan)
	}
	for round := range 5 {
		got := answers(1)
		for i := range queries {
			if got[i] != plain[i] {
				t.Errorf("round %d: %s\nparallel: %s\nplain:    %s", round, queries[i], got[i], plain[i])
			}
		}
	}
	// An error in a worker's filter is the statement's, as in a plain
	// scan, and the transaction's: it is aborted either way.
	_, err := c.Exec(ctx, `SELECT count(*) FROM pb WHERE 100 / (a - 12) > 0 AND t <> ''`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "22012" {
		t.Fatalf("got %v, want 22012", err)
	}
	exec("ROLLBACK")
}

// TestParallelScanCanceled ends a parallel scan by statement_timeout: the
// statement fails with 57014, its workers stop, and the session goes on.
func TestParallelScanCanceled(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	for _, q := range []string{
		`CREATE TABLE pq (id int PRIMARY KEY, a int)`,
		`INSERT INTO pq SELECT g, g FROM generate_series(1, 20000) g`,
		`SET stela.parallel_scan_min_rows = 1000`,
		`SET max_parallel_workers_per_gather = 1`,
		`SET statement_timeout = '100ms'`,
	} {
		exec(q)
	}
	// A filter the statement's goroutine applies (pg_sleep is volatile:
	// the scan is not even parallel), then one the workers apply and
	// which drops every row, so that they pass no batch to wait on.
	for _, q := range []string{
		`SELECT count(*) FROM pq WHERE pg_sleep(0.001) IS NOT NULL`,
		`SELECT count(*) FROM pq WHERE md5(repeat(a::text, 20000)) = 'x'`,
	} {
		_, err := c.Exec(ctx, q)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "57014" {
			t.Fatalf("%s: got %v, want 57014", q, err)
		}
	}
	var n int64
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pq WHERE a > 0`).Scan(&n); err != nil || n != 20000 {
		t.Fatalf("after the timeout: %d, %v", n, err)
	}
}
