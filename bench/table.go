package bench

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Every workload uses one table of this shape: a bigint key, a bigint and
// a 100-byte text, about the size of pgbench's accounts row. It is
// written in plain SQL that stela and PostgreSQL both accept.
const tableColumns = "id bigint PRIMARY KEY, k bigint NOT NULL, v text NOT NULL"

// pad is every row's v: fixed, so making a row allocates nothing.
const pad = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmn"

// loadBatch is the rows per COPY when a setup loads a table.
const loadBatch = 10_000

var columnNames = []string{"id", "k", "v"}

// recreateTable drops and creates the table.
func recreateTable(ctx context.Context, conn *pgx.Conn, table string) error {
	if _, err := conn.Exec(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
		return fmt.Errorf("bench: drop %s: %w", table, err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE "+table+" ("+tableColumns+")"); err != nil {
		return fmt.Errorf("bench: create %s: %w", table, err)
	}
	return nil
}

// loadTable recreates the table and fills it with ids 1..n by COPY.
func loadTable(ctx context.Context, conn *pgx.Conn, table string, n int64) error {
	if err := recreateTable(ctx, conn, table); err != nil {
		return err
	}
	for from := int64(1); from <= n; from += loadBatch {
		src := &rowSource{next: from, end: min(from+loadBatch, n+1)}
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{table}, columnNames, src); err != nil {
			return fmt.Errorf("bench: load %s: %w", table, err)
		}
	}
	return nil
}

// maxID is the table's largest id (0 when empty): insert workloads
// continue after it, so a table kept with --no-setup takes new keys.
func maxID(ctx context.Context, conn *pgx.Conn, table string) (int64, error) {
	var id int64
	err := conn.QueryRow(ctx, "SELECT coalesce(max(id), 0) FROM "+table).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("bench: read %s: %w", table, err)
	}
	return id, nil
}

// countRows checks that a kept table (--no-setup) has the rows asked for.
func countRows(ctx context.Context, conn *pgx.Conn, table string, want int64) error {
	var n int64
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		return fmt.Errorf("bench: read %s: %w", table, err)
	}
	if n < want {
		return fmt.Errorf("bench: table %s has %d rows, the workload reads ids 1..%d (run without --no-setup to load it)", table, n, want)
	}
	return nil
}

// rowSource feeds COPY the rows with ids next..end-1, reusing one slice.
type rowSource struct {
	next, end int64
	cur       int64
	vals      [3]any
}

func (s *rowSource) Next() bool {
	if s.next >= s.end {
		return false
	}
	s.cur = s.next
	s.next++
	return true
}

func (s *rowSource) Values() ([]any, error) {
	s.vals[0], s.vals[1], s.vals[2] = s.cur, s.cur*7, pad
	return s.vals[:], nil
}

func (s *rowSource) Err() error { return nil }
