package server_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestTruncateAcrossSessions: TRUNCATE moves a table to new storage
// (catalog/truncate.go). Another session's prepared statements are
// planned again and use the new storage; its transaction that began
// before the truncate keeps reading the rows of its snapshot, and its
// write to them fails at commit with 40001, as a write to a row another
// transaction deleted meanwhile does (in PostgreSQL, the TRUNCATE would
// wait for it; the end state is the same: an empty table). A prepared AS
// OF $1 read and COPY work on both sides of the truncate.
func TestTruncateAcrossSessions(t *testing.T) {
	ctx := context.Background()
	dsn := startForFile(t)
	a, b := mustConnect(t, dsn), mustConnect(t, dsn)
	exec := func(c *pgx.Conn, sql string, args ...any) {
		t.Helper()
		if _, err := c.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	count := func(c *pgx.Conn, sql string, args ...any) int {
		t.Helper()
		var n int
		if err := c.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	exec(a, "CREATE TABLE t (id int PRIMARY KEY, v int)")             // tx 1
	exec(a, "INSERT INTO t SELECT g, g FROM generate_series(1, 5) g") // tx 2
	const ins, cnt, asOf = "INSERT INTO t VALUES ($1, 0)", "SELECT count(*) FROM t", "SELECT count(*) FROM t AS OF TX $1"
	if n := count(b, cnt); n != 5 {
		t.Fatalf("before: %d rows", n)
	}
	exec(b, ins, 6)       // tx 3: prepared by pgx, and reused below
	exec(a, "TRUNCATE t") // tx 4
	exec(b, ins, 7)       // tx 5
	if n := count(b, cnt); n != 1 {
		t.Fatalf("after the truncate: %d rows, want 1", n)
	}
	for tx, want := range map[int]int{3: 6, 4: 0, 5: 1} {
		if n := count(b, asOf, tx); n != want {
			t.Fatalf("AS OF TX %d ($1): %d rows, want %d", tx, n, want)
		}
	}

	// A transaction older than a truncate.
	exec(b, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	if n := count(b, cnt); n != 1 {
		t.Fatalf("b's snapshot: %d rows", n)
	}
	exec(a, "TRUNCATE t") // tx 6
	if n := count(b, cnt); n != 1 {
		t.Fatalf("b's snapshot after a's truncate: %d rows, want 1", n)
	}
	exec(b, "UPDATE t SET v = 70 WHERE id = 7")
	if _, err := b.Exec(ctx, "COMMIT"); sqlState(err) != "40001" {
		t.Fatalf("b's COMMIT after a's truncate: %v, want 40001", err)
	}
	if n := count(a, cnt); n != 0 {
		t.Fatalf("after both: %d rows, want 0", n)
	}

	// COPY into the new storage, then once more after another truncate
	// in the same transaction.
	rows := [][]any{{int32(1), int32(1)}, {int32(2), int32(2)}}
	if _, err := a.CopyFrom(ctx, pgx.Identifier{"t"}, []string{"id", "v"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	exec(a, "BEGIN")
	exec(a, "TRUNCATE t")
	if _, err := a.CopyFrom(ctx, pgx.Identifier{"t"}, []string{"id", "v"}, pgx.CopyFromRows(rows[:1])); err != nil {
		t.Fatal(err)
	}
	exec(a, "COMMIT")
	if n := count(b, cnt); n != 1 {
		t.Fatalf("after truncate and COPY: %d rows, want 1", n)
	}
}
