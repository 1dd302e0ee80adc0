package server_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestAnalyzeStatementTimeout: statement_timeout cancels a long ANALYZE
// over the wire with 57014, the session goes on, and an ANALYZE without
// the timeout then succeeds. The timer may fire late on a busy machine
// (ANALYZE of this table takes about 30 ms, the timeout is 1 ms), so a
// few tries are allowed; one must be canceled.
func TestAnalyzeStatementTimeout(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	exec("CREATE TABLE big (a int PRIMARY KEY, b text)")
	exec("INSERT INTO big SELECT g, 'x' || g FROM generate_series(1, 100000) g")
	exec("SET statement_timeout = '1ms'")
	var err error
	for range 5 {
		if _, err = c.Exec(ctx, "ANALYZE big"); err != nil {
			break
		}
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "57014" || pe.Message != "canceling statement due to statement timeout" {
		t.Fatalf("ANALYZE with a 1 ms statement_timeout: %v, want 57014 for the timeout", err)
	}
	exec("RESET statement_timeout")
	exec("ANALYZE big")
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_stats WHERE tablename = 'big'").Scan(&n); err != nil || n != 2 {
		t.Fatalf("pg_stats after ANALYZE: %d rows, %v; want 2", n, err)
	}
}
