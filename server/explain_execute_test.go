package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestExplainExecute: EXPLAIN EXECUTE shows a prepared statement's plan;
// with ANALYZE it runs the statement with its parameters (a DELETE's rows
// are deleted, as in PostgreSQL), and every node's estimate is its own.
func TestExplainExecute(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	exec("CREATE TABLE ee (a int PRIMARY KEY, b int)")
	exec("INSERT INTO ee SELECT g, g % 3 FROM generate_series(1, 50) g")
	exec("PREPARE eq(int) AS SELECT * FROM ee WHERE a < $1")
	exec("PREPARE ed(int) AS DELETE FROM ee WHERE a <= $1")

	plan := func(sql string) string { return planText(t, c, sql) }
	if p := plan("EXPLAIN EXECUTE eq(5)"); !strings.Contains(p, "Index Cond: (a < $1)") {
		t.Errorf("EXPLAIN EXECUTE eq(5):\n%s\nwant the prepared plan's range on a", p)
	}
	p := plan("EXPLAIN ANALYZE EXECUTE eq(5)")
	if !strings.Contains(p, "actual rows=4 loops=1") || strings.Contains(p, "rows=1000)") {
		t.Errorf("EXPLAIN ANALYZE EXECUTE eq(5):\n%s\nwant 4 actual rows and the estimates of the plan", p)
	}
	if p := plan("EXPLAIN ANALYZE EXECUTE ed(10)"); !strings.Contains(p, "Delete on ee") {
		t.Errorf("EXPLAIN ANALYZE EXECUTE ed(10):\n%s", p)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM ee").Scan(&n); err != nil || n != 40 {
		t.Fatalf("after EXPLAIN ANALYZE of the DELETE: %d rows, %v; want 40", n, err)
	}

	_, err := c.Exec(ctx, "EXPLAIN EXECUTE eq(1, 2)")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42601" {
		t.Errorf("EXPLAIN EXECUTE with two parameters for one: %v, want 42601", err)
	}
	_, err = c.Exec(ctx, "EXPLAIN EXECUTE nosuch")
	if !errors.As(err, &pe) || pe.Code != "26000" {
		t.Errorf("EXPLAIN EXECUTE of no statement: %v, want 26000", err)
	}
}

// planText runs an EXPLAIN and returns its lines joined.
func planText(t *testing.T, c *pgx.Conn, sql string) string {
	t.Helper()
	rows, err := c.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return strings.Join(lines, "\n")
}
