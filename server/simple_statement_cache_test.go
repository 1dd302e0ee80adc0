package server_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Statements sent without preparing them go through two caches: parse
// trees by literal-masked text (sql/parser/cache.go) and resolved
// relations by catalog version, shared by a database's sessions
// (sql/relation_cache.go). These tests send simple-protocol statements,
// as psql and psycopg2 do, and change what the caches hold from other
// sessions.

// simpleConnect connects to dsn with the simple protocol only.
func simpleConnect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	c, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// rowShape returns the column names and the first row of a query, as
// "a,b=1,x".
func rowShape(t *testing.T, c *pgx.Conn, sql string) string {
	t.Helper()
	rows, err := c.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	var names []string
	for _, f := range rows.FieldDescriptions() {
		names = append(names, f.Name)
	}
	var vals []string
	if rows.Next() {
		vs, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			vals = append(vals, fmt.Sprint(v))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return strings.Join(names, ",") + "=" + strings.Join(vals, ",")
}

func expectShape(t *testing.T, c *pgx.Conn, sql, want, why string) {
	t.Helper()
	if got := rowShape(t, c, sql); got != want {
		t.Fatalf("%s: %s gives %q, want %q", why, sql, got, want)
	}
}

func TestSimpleStatementsFollowDDL(t *testing.T) {
	ctx := context.Background()
	dsn := startForFile(t)
	a, b := simpleConnect(t, dsn), simpleConnect(t, dsn)
	mustExec(t, b, "CREATE TABLE t (id int PRIMARY KEY, v text)")
	mustExec(t, b, "INSERT INTO t VALUES (1, 'one')")
	expectShape(t, a, "SELECT * FROM t WHERE id = 1", "id,v=1,one", "first read")

	mustExec(t, b, "ALTER TABLE t ADD COLUMN w int DEFAULT 7")
	expectShape(t, a, "SELECT * FROM t WHERE id = 1", "id,v,w=1,one,7", "after another session's ADD COLUMN")
	mustExec(t, a, "INSERT INTO t VALUES (2, 'two')")
	expectShape(t, a, "SELECT * FROM t WHERE id = 2", "id,v,w=2,two,7", "insert after ADD COLUMN")

	mustExec(t, b, "DROP TABLE t")
	mustExec(t, b, "CREATE TABLE t (id int PRIMARY KEY, z text)")
	mustExec(t, b, "INSERT INTO t VALUES (1, 'zz')")
	expectShape(t, a, "SELECT * FROM t WHERE id = 1", "id,z=1,zz", "after DROP and CREATE")

	// The search path is part of the name.
	mustExec(t, b, "CREATE SCHEMA s2")
	mustExec(t, b, "CREATE TABLE s2.t (id int PRIMARY KEY, in_s2 text)")
	mustExec(t, b, "INSERT INTO s2.t VALUES (1, 's2')")
	mustExec(t, a, "SET search_path = s2, public")
	expectShape(t, a, "SELECT * FROM t WHERE id = 1", "id,in_s2=1,s2", "search_path s2 first")
	expectShape(t, b, "SELECT * FROM t WHERE id = 1", "id,z=1,zz", "other session's search_path")
	mustExec(t, a, "RESET search_path")
	expectShape(t, a, "SELECT * FROM t WHERE id = 1", "id,z=1,zz", "search_path reset")

	// A temporary table hides the permanent one from its session only.
	mustExec(t, a, "CREATE TEMP TABLE t (id int, tmp text)")
	mustExec(t, a, "INSERT INTO t VALUES (1, 'temp')")
	expectShape(t, a, "SELECT * FROM t WHERE id = 1", "id,tmp=1,temp", "own temporary table")
	expectShape(t, b, "SELECT * FROM t WHERE id = 1", "id,z=1,zz", "another session's temporary table")
	mustExec(t, a, "DROP TABLE t")
	expectShape(t, a, "SELECT * FROM t WHERE id = 1", "id,z=1,zz", "temporary table dropped")

	// DDL rolled back: seen inside its transaction only.
	mustExec(t, a, "BEGIN")
	mustExec(t, a, "ALTER TABLE t ADD COLUMN r int DEFAULT 5")
	expectShape(t, a, "SELECT * FROM t WHERE id = 1", "id,z,r=1,zz,5", "own uncommitted ADD COLUMN")
	expectShape(t, b, "SELECT * FROM t WHERE id = 1", "id,z=1,zz", "another session's uncommitted ADD COLUMN")
	mustExec(t, a, "ROLLBACK")
	expectShape(t, a, "SELECT * FROM t WHERE id = 1", "id,z=1,zz", "ADD COLUMN rolled back")

	// A snapshot older than the cache's version resolves names itself.
	mustExec(t, a, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	expectShape(t, a, "SELECT * FROM t WHERE id = 1", "id,z=1,zz", "snapshot taken")
	mustExec(t, b, "ALTER TABLE t ADD COLUMN late int DEFAULT 9")
	expectShape(t, b, "SELECT * FROM t WHERE id = 1", "id,z,late=1,zz,9", "newer version cached")
	expectShape(t, a, "SELECT * FROM t WHERE id = 1", "id,z=1,zz", "older snapshot")
	mustExec(t, a, "COMMIT")
	expectShape(t, a, "SELECT * FROM t WHERE id = 1", "id,z,late=1,zz,9", "after the older snapshot")

	// A serial column's sequence changed by another session.
	mustExec(t, b, "CREATE TABLE ser (id serial PRIMARY KEY, v int)")
	mustExec(t, a, "INSERT INTO ser (v) VALUES (1)")
	mustExec(t, b, "ALTER SEQUENCE ser_id_seq INCREMENT BY 10")
	mustExec(t, a, "INSERT INTO ser (v) VALUES (2)")
	expectShape(t, a, "SELECT id FROM ser WHERE v = 2", "id=11", "insert after ALTER SEQUENCE")

	// Renamed and dropped tables are not found by their old names.
	mustExec(t, b, "ALTER TABLE t RENAME TO t_old")
	if _, err := a.Exec(ctx, "SELECT * FROM t WHERE id = 1"); sqlState(err) != "42P01" {
		t.Fatalf("renamed table by its old name: %v, want 42P01", err)
	}
	if _, err := a.Exec(ctx, "INSERT INTO t VALUES (3, 'x')"); sqlState(err) != "42P01" {
		t.Fatalf("insert into a renamed table by its old name: %v, want 42P01", err)
	}
}

// Statements of one shape with other literal values each get their own
// values, and errors their own positions.
func TestSimpleStatementsLiterals(t *testing.T) {
	ctx := context.Background()
	c := simpleConnect(t, startForFile(t))
	mustExec(t, c, "CREATE TABLE t (id int PRIMARY KEY, v text)")
	for i := 10; i < 60; i++ {
		mustExec(t, c, fmt.Sprintf("INSERT INTO t VALUES (%d, 'v%d')", i, i))
	}
	for i := 10; i < 60; i++ {
		expectShape(t, c, fmt.Sprintf("SELECT id, v FROM t WHERE id = %d", i), fmt.Sprintf("id,v=%d,v%d", i, i), "point select")
	}
	for _, tc := range []struct{ sql, want string }{
		{"SELECT 'ab' || 'cd' AS s", "s=abcd"},
		{"SELECT 'xy' || 'zw' AS s", "s=xyzw"},
		{"SELECT 'it''s' AS s", "s=it's"},
		{"SELECT 'abcde' AS s", "s=abcde"},
		{"SELECT -5 + 1 AS n", "n=-4"},
		{"SELECT -7 + 1 AS n", "n=-6"},
		{"SELECT (1.5 * 2)::text AS n", "n=3.0"},
		{"SELECT (2.5 * 2)::text AS n", "n=5.0"},
		{"SELECT 9999999999 + 1 AS n", "n=10000000000"},
		{"SELECT 1000000000 + 1 AS n", "n=1000000001"},
	} {
		expectShape(t, c, tc.sql, tc.want, "literal")
	}
	if _, err := c.Exec(ctx, "SELECT 2147483647 + 1"); sqlState(err) != "22003" {
		t.Fatalf("int4 overflow: %v, want 22003", err)
	}
	for _, tc := range []struct {
		sql string
		pos int32
	}{
		{"SELECT 1, nocol FROM t", 11},
		{"SELECT 2, nocol FROM t", 11},
		{"SELECT 22, nocol FROM t", 12},
		{"SELECT 'a', nocol FROM t", 13},
		{"SELECT 'b', nocol FROM t", 13},
	} {
		_, err := c.Exec(ctx, tc.sql)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42703" || pe.Position != tc.pos {
			t.Fatalf("%s: %v (position %v), want 42703 at %d", tc.sql, err, pe, tc.pos)
		}
	}
}

// Sessions running statements of one shape at once each get their own
// literals (the template's values are set under its lock).
func TestSimpleStatementsConcurrentLiterals(t *testing.T) {
	dsn := startForFile(t)
	setup := simpleConnect(t, dsn)
	mustExec(t, setup, "CREATE TABLE t (id int PRIMARY KEY, v int)")
	mustExec(t, setup, "INSERT INTO t SELECT g, g * 3 FROM generate_series(100, 999) g")
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		c := simpleConnect(t, dsn)
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 100 + w; i < 1000; i += 4 {
				var v int
				if err := c.QueryRow(context.Background(), fmt.Sprintf("SELECT v FROM t WHERE id = %d", i)).Scan(&v); err != nil {
					errs <- err
					return
				}
				if v != i*3 {
					errs <- fmt.Errorf("id %d: v %d, want %d", i, v, i*3)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
