package server_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/jackc/pgx/v5/pgconn"
)

// FuzzSQL sends any text as a simple Query, inside a transaction rolled
// back after it, to a server holding tables named as the SQL files'
// commonest ones. Whatever the text, the server must answer with rows or
// errors that carry a SQLSTATE other than XX000 (internal error), and no
// session may panic. The seeds are every statement of testdata/sql.
//
//	go test ./server -run '^$' -fuzz '^FuzzSQL$' -fuzztime 5m
func FuzzSQL(f *testing.F) {
	for _, s := range fuzzSQLSeeds(f) {
		f.Add(s)
	}
	srv := startServer(f, nil)
	dsn := "postgres://admin:Test%21pw0rd@" + srv.Addr.String() + "/defaultdb?sslmode=disable"
	ctx := context.Background()
	var c *pgconn.PgConn
	connect := func(t testing.TB) {
		var err error
		if c, err = pgconn.Connect(ctx, dsn); err != nil {
			t.Fatalf("connect: %v", err)
		}
		// Bounded statements, memory and locks, whatever the input
		// sets: SET inside the rolled-back transaction is undone.
		fuzzSQLExec(t, c, "SET statement_timeout = '2s'; SET stela.query_mem = '64MB'; SET lock_timeout = '1s'")
	}
	connect(f)
	fuzzSQLExec(f, c, fuzzSQLSchema)
	f.Cleanup(func() { c.Close(ctx) })

	f.Fuzz(func(t *testing.T, sql string) {
		if c.IsClosed() {
			connect(t)
		}
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, _ = c.Exec(ctx, "BEGIN").ReadAll()
		results, err := c.Exec(ctx, sql).ReadAll()
		for _, r := range results {
			fuzzSQLCheck(t, sql, r.Err)
		}
		fuzzSQLCheck(t, sql, err)
		if !c.IsClosed() {
			_, _ = c.Exec(ctx, "ROLLBACK").ReadAll()
		}
		if n := srv.PG.Stats().SessionPanics; n != 0 {
			t.Fatalf("%q: a session panicked; the log has the stack", sql)
		}
	})
}

// fuzzSQLCheck fails on an error that is not the server's, with a
// SQLSTATE that says what went wrong. A connection the input ended
// (FATAL, as pg_terminate_backend does) is not a failure: the next input
// reconnects.
func fuzzSQLCheck(t *testing.T, sql string, err error) {
	if err == nil {
		return
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "closed") || strings.Contains(err.Error(), "EOF") {
			return
		}
		t.Fatalf("%q: not a server error: %v", sql, err)
	}
	if len(pe.Code) != 5 || pe.Code == "XX000" {
		t.Fatalf("%q: %s %s", sql, pe.Code, pe.Message)
	}
}

func fuzzSQLExec(t testing.TB, c *pgconn.PgConn, sql string) {
	t.Helper()
	if _, err := c.Exec(context.Background(), sql).ReadAll(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// fuzzSQLSchema holds small tables under the names the SQL files use
// most, with the column names they use most, of many types, with
// indexes, NULLs and a foreign key.
const fuzzSQLSchema = `
CREATE TABLE t (a int PRIMARY KEY, b int, c text, d numeric(10,2), e timestamptz, f jsonb, g bool);
CREATE INDEX t_b ON t (b);
CREATE INDEX t_cb ON t (c, b DESC);
INSERT INTO t SELECT i, i % 7, 'v' || i, i * 1.5, '2026-01-01'::timestamptz + i * interval '1 hour',
	('{"k": ' || i || '}')::jsonb, i % 2 = 0 FROM generate_series(1, 200) i;
INSERT INTO t VALUES (0, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE a (id int PRIMARY KEY, k int, v text, x float8);
INSERT INTO a SELECT i, i % 5, 'a' || i, i / 3.0 FROM generate_series(1, 50) i;
CREATE TABLE b (id bigint PRIMARY KEY, a_id int REFERENCES a (id), w varchar(10), arr int[]);
INSERT INTO b SELECT i, i % 50 + 1, 'w' || i, ARRAY[i, i + 1] FROM generate_series(1, 80) i;
CREATE TABLE u (id serial PRIMARY KEY, name text UNIQUE, n smallint CHECK (n >= 0), d date, by bytea, uu uuid);
INSERT INTO u (name, n, d, by, uu) SELECT 'n' || i, i, '2026-01-01'::date + i, '\x0102'::bytea, gen_random_uuid() FROM generate_series(1, 30) i;
CREATE TABLE c (k int, v text);
INSERT INTO c VALUES (1, 'x'), (1, 'y'), (NULL, 'z');
CREATE VIEW tv AS SELECT a, b FROM t WHERE b > 2;
`

// fuzzSQLSeeds returns the input of every exec and query of
// testdata/sql.
func fuzzSQLSeeds(t testing.TB) []string {
	files, err := filepath.Glob("../testdata/sql/*.test")
	if err != nil || len(files) == 0 {
		t.Fatalf("no SQL files: %v", err)
	}
	var seeds []string
	for _, path := range files {
		datadriven.RunTestAny(t, path, func(_ testing.TB, d *datadriven.TestData) string {
			seeds = append(seeds, d.Input)
			return d.Expected
		})
	}
	return seeds
}
