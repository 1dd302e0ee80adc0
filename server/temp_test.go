package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Temporary tables seen from two sessions (sql/temp.go): each session's
// are its own, invisible to the other by name and unreadable to it by
// their qualified name, and they go when their session ends.

func TestTempTablesOfTwoSessions(t *testing.T) {
	ctx := context.Background()
	dsn := startForFile(t)
	a, b := mustConnect(t, dsn), mustConnect(t, dsn)
	mustExec(t, a, "CREATE TEMP TABLE t (id int PRIMARY KEY, v text)")
	mustExec(t, a, "INSERT INTO t VALUES (1, 'a')")

	var schema string
	if err := a.QueryRow(ctx, "SELECT pg_my_temp_schema()::regnamespace::text").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Exec(ctx, "SELECT * FROM t"); sqlState(err) != "42P01" {
		t.Fatalf("B reading A's temp table by name: %v, want 42P01", err)
	}
	if _, err := b.Exec(ctx, "SELECT * FROM "+schema+".t"); sqlState(err) != "0A000" {
		t.Fatalf("B reading A's temp table qualified: %v, want 0A000", err)
	}
	if _, err := b.Exec(ctx, "INSERT INTO "+schema+".t VALUES (2, 'b')"); sqlState(err) != "0A000" {
		t.Fatalf("B writing A's temp table: %v, want 0A000", err)
	}
	// Named in B's search_path, A's temp schema is not searched.
	mustExec(t, b, "SET search_path = "+schema+", public")
	if _, err := b.Exec(ctx, "SELECT * FROM t"); sqlState(err) != "42P01" {
		t.Fatalf("B reading A's temp table through search_path: %v, want 42P01", err)
	}
	mustExec(t, b, "RESET search_path")
	// B sees it in the catalog, as another session's.
	if n := countOf(t, b, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relname = 't' AND c.relpersistence = 't' AND pg_is_other_temp_schema(n.oid)`, schema); n != 1 {
		t.Fatalf("B's pg_class rows of A's temp table: %d", n)
	}

	// The same name in B is another table.
	mustExec(t, b, "CREATE TEMP TABLE t (x text, y text, z text)")
	mustExec(t, b, "INSERT INTO t VALUES ('1', '2', '3'), ('4', '5', '6')")
	if n := countOf(t, a, "SELECT count(*) FROM t"); n != 1 {
		t.Fatalf("A's t has %d rows", n)
	}
	if n := countOf(t, b, "SELECT count(*) FROM t"); n != 2 {
		t.Fatalf("B's t has %d rows", n)
	}

	// Time travel on the session's own temp table.
	var tx int64
	if err := a.QueryRow(ctx, "SELECT _tx FROM t WHERE id = 1").Scan(&tx); err != nil {
		t.Fatal(err)
	}
	mustExec(t, a, "UPDATE t SET v = 'changed'")
	var old string
	if err := a.QueryRow(ctx, fmt.Sprintf("SELECT v FROM t AS OF TX %d", tx)).Scan(&old); err != nil || old != "a" {
		t.Fatalf("AS OF TX on a temp table: %q, %v", old, err)
	}

	// A's end drops its temp schema; B's stays.
	a.Close(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for countOf(t, b, "SELECT count(*) FROM pg_namespace WHERE nspname = $1", schema) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%s still there after its session ended", schema)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := countOf(t, b, "SELECT count(*) FROM pg_class WHERE relpersistence = 't' AND NOT pg_is_other_temp_schema(relnamespace)"); n != 1 {
		t.Fatalf("B's temp relations after A ended: %d", n)
	}
	if n := countOf(t, b, "SELECT count(*) FROM t"); n != 2 {
		t.Fatalf("B's t has %d rows after A ended", n)
	}
}

func TestTempTablesOnCommit(t *testing.T) {
	ctx := context.Background()
	c := mustConnect(t, startForFile(t))

	// ON COMMIT DROP in a transaction block: there until the commit.
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"CREATE TEMP TABLE d (a int) ON COMMIT DROP", "INSERT INTO d VALUES (1)", "CREATE INDEX ON d (a)"} {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "SELECT * FROM d"); sqlState(err) != "42P01" {
		t.Fatalf("ON COMMIT DROP table after the commit: %v", err)
	}
	if n := countOf(t, c, "SELECT count(*) FROM pg_class WHERE relname LIKE 'd%'"); n != 0 {
		t.Fatalf("%d pg_class rows left of the dropped table", n)
	}

	// ON COMMIT DELETE ROWS: rows seen in the transaction, gone after
	// each commit, kept by none.
	mustExec(t, c, "CREATE TEMP TABLE r (a int PRIMARY KEY, b text UNIQUE) ON COMMIT DELETE ROWS")
	for i := 0; i < 3; i++ {
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO r VALUES (1, 'x'), (2, 'y')"); err != nil {
			t.Fatalf("round %d: %v", i, err) // a key left from the round before would fail here
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM r WHERE b = 'y'").Scan(&n); err != nil || n != 1 {
			t.Fatalf("round %d: %d rows in the transaction, %v", i, n, err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if n := countOf(t, c, "SELECT count(*) FROM r"); n != 0 {
			t.Fatalf("round %d: %d rows after the commit", i, n)
		}
	}
	// A rolled back transaction leaves the table as it was.
	tx, err = c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO r VALUES (1, 'x')"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}

	// DISCARD TEMP drops them all.
	mustExec(t, c, "CREATE TEMP TABLE p (a int)")
	mustExec(t, c, "CREATE TEMP VIEW pv AS SELECT * FROM p")
	mustExec(t, c, "DISCARD TEMP")
	if n := countOf(t, c, "SELECT count(*) FROM pg_class WHERE relpersistence = 't'"); n != 0 {
		t.Fatalf("%d temp relations after DISCARD TEMP", n)
	}
}

// Creating and dropping temporary tables is DDL of the session's own
// relations: other sessions' writes, in transactions that span it, do
// not fail with 40001 because of it, at any isolation level (nor because
// of DDL on other permanent tables).
func TestTempTablesDoNotConflictWithWriters(t *testing.T) {
	ctx := context.Background()
	dsn := startForFile(t)
	a, b := mustConnect(t, dsn), mustConnect(t, dsn)
	mustExec(t, b, "CREATE TABLE p (id int PRIMARY KEY, v int)")
	mustExec(t, b, "INSERT INTO p VALUES (1, 0)")
	ddls := [][]string{
		{"CREATE TEMP TABLE tt (a int PRIMARY KEY)", "INSERT INTO tt VALUES (1)", "CREATE INDEX ON tt (a)", "DROP TABLE tt"},
		{"CREATE TEMP TABLE tt (a int) ON COMMIT DELETE ROWS", "INSERT INTO tt VALUES (1)", "DISCARD TEMP"},
		{"CREATE TABLE other (a int PRIMARY KEY)", "DROP TABLE other"},
	}
	next := 100
	for _, ddl := range ddls {
		for _, iso := range []pgx.TxIsoLevel{pgx.ReadCommitted, pgx.RepeatableRead, pgx.Serializable} {
			tx, err := b.BeginTx(ctx, pgx.TxOptions{IsoLevel: iso})
			if err != nil {
				t.Fatal(err)
			}
			next++
			for _, q := range []string{"UPDATE p SET v = v + 1 WHERE id = 1", fmt.Sprintf("INSERT INTO p VALUES (%d, 0)", next), "DELETE FROM p WHERE id = 0"} {
				if _, err := tx.Exec(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			// A's DDL commits while B's transaction is open.
			for _, q := range ddl {
				mustExec(t, a, q)
			}
			if _, err := tx.Exec(ctx, "SELECT count(*) FROM p"); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatalf("%s, B's commit after %q: %v", iso, ddl, err)
			}
		}
	}
}

// A server that shuts down with a session holding temp tables starts
// again without its temp schema.
func TestTempSchemaGoneAfterRestart(t *testing.T) {
	dir := t.TempDir()
	srv := startAt(t, dir)
	c := mustConnect(t, dsnOf(srv))
	mustExec(t, c, "CREATE TEMP TABLE t (a int)")
	mustExec(t, c, "INSERT INTO t VALUES (1)")
	c = restarted(t, dir, srv, nil) // shut down with c still open
	if n := countOf(t, c, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'pg_temp%'"); n != 0 {
		t.Fatalf("%d temp schemas after the restart", n)
	}
	if n := countOf(t, c, "SELECT count(*) FROM pg_class WHERE relpersistence = 't'"); n != 0 {
		t.Fatalf("%d temp relations after the restart", n)
	}
}
