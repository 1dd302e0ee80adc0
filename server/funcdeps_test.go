package server_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// What testdata/sql/function_deps.test cannot show: the DETAIL, HINT
// and NOTICE of a DROP refused or cascading to what depends on a SQL
// function or on a type its signature uses. With STELA_SQLTEST_PG set
// it runs against that PostgreSQL instead, to check the expectations.

// wantDropRefused runs sql and wants PostgreSQL's 2BP01 with msg and
// detail, and the CASCADE hint.
func wantDropRefused(t *testing.T, c interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, sql, msg, detail string) {
	t.Helper()
	_, err := c.Exec(context.Background(), sql)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		t.Fatalf("%s: got %v, want 2BP01", sql, err)
	}
	if pe.Code != "2BP01" || pe.Message != msg || pe.Detail != detail || pe.Hint != "Use DROP ... CASCADE to drop the dependent objects too." {
		t.Fatalf("%s:\ngot  %s %q\n     detail %q\n     hint %q\nwant 2BP01 %q\n     detail %q", sql, pe.Code, pe.Message, pe.Detail, pe.Hint, msg, detail)
	}
}

// noticesText is the notices as "message / detail" lines.
func noticesText(ns []*pgconn.Notice) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Severity+" "+n.Message+" / "+n.Detail)
	}
	return strings.Join(out, "\n")
}

// wantCascadeNotices runs stmt, a DROP ... CASCADE, after dropping the
// notices so far, and checks the NOTICEs it sends.
func wantCascadeNotices(t *testing.T, c *pgx.Conn, notices func() []*pgconn.Notice, stmt, want string) {
	t.Helper()
	notices()
	mustExec(t, c, stmt)
	if got := noticesText(notices()); got != want {
		t.Fatalf("notices\n%s\nwant\n%s", got, want)
	}
}

func TestFunctionDependencyMessages(t *testing.T) {
	c, notices := depConn(t, "funcdep_test")
	mustExec(t, c, "CREATE TABLE t (a int)")
	mustExec(t, c, "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1'")
	mustExec(t, c, "CREATE VIEW v AS SELECT f(a) FROM t")
	mustExec(t, c, "CREATE MATERIALIZED VIEW mv AS SELECT f(a) AS b FROM t")
	mustExec(t, c, "CREATE VIEW vv AS SELECT * FROM v")
	wantDropRefused(t, c, "DROP FUNCTION f(int)", "cannot drop function f(integer) because other objects depend on it",
		"view v depends on function f(integer)\n"+
			"view vv depends on view v\n"+
			"materialized view mv depends on function f(integer)")
	wantCascadeNotices(t, c, notices, "DROP FUNCTION f(int) CASCADE",
		"NOTICE drop cascades to 3 other objects / drop cascades to view v\n"+
			"drop cascades to view vv\n"+
			"drop cascades to materialized view mv")
}

func TestStandardBodyDependencyMessages(t *testing.T) {
	c, notices := depConn(t, "funcdep_body_test")
	mustExec(t, c, "CREATE FUNCTION s1(int) RETURNS int LANGUAGE sql RETURN $1 * 2")
	mustExec(t, c, "CREATE FUNCTION s2(int) RETURNS int LANGUAGE sql RETURN s1($1) + 1")
	mustExec(t, c, "CREATE FUNCTION s3(int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT s1($1); END")
	mustExec(t, c, "CREATE FUNCTION s4(int) RETURNS int LANGUAGE sql AS 'SELECT s1($1)'")
	wantDropRefused(t, c, "DROP FUNCTION s1(int)", "cannot drop function s1(integer) because other objects depend on it",
		"function s2(integer) depends on function s1(integer)\n"+
			"function s3(integer) depends on function s1(integer)")
	wantCascadeNotices(t, c, notices, "DROP FUNCTION s1(int) CASCADE",
		"NOTICE drop cascades to 2 other objects / drop cascades to function s2(integer)\n"+
			"drop cascades to function s3(integer)")
}

// A function whose argument DEFAULT calls another depends on it, as in
// PostgreSQL 15 (its messages).
func TestArgDefaultDependencyMessages(t *testing.T) {
	c, notices := depConn(t, "funcdep_argdef_test")
	mustExec(t, c, "CREATE FUNCTION d1() RETURNS int LANGUAGE sql AS 'SELECT 1'")
	mustExec(t, c, "CREATE FUNCTION d2(a int DEFAULT d1(), b int DEFAULT d1() + 1) RETURNS int LANGUAGE sql AS 'SELECT a + b'")
	mustExec(t, c, "CREATE VIEW dv AS SELECT d2() AS x")
	wantDropRefused(t, c, "DROP FUNCTION d1()", "cannot drop function d1() because other objects depend on it",
		"function d2(integer,integer) depends on function d1()\n"+
			"view dv depends on function d2(integer,integer)")
	wantCascadeNotices(t, c, notices, "DROP FUNCTION d1() CASCADE",
		"NOTICE drop cascades to 2 other objects / drop cascades to function d2(integer,integer)\n"+
			"drop cascades to view dv")
}

func TestFunctionTypeDependencyMessages(t *testing.T) {
	c, notices := depConn(t, "funcdep_type_test")
	mustExec(t, c, "CREATE TYPE mood AS ENUM ('a', 'b')")
	mustExec(t, c, "CREATE TABLE tm (m mood)")
	mustExec(t, c, "CREATE FUNCTION fm(x mood) RETURNS int LANGUAGE sql AS 'SELECT 1'")
	mustExec(t, c, "CREATE FUNCTION fr() RETURNS mood LANGUAGE sql AS $$SELECT 'a'::mood$$")
	mustExec(t, c, "CREATE FUNCTION fa(x mood[]) RETURNS int LANGUAGE sql AS 'SELECT 1'")
	mustExec(t, c, "CREATE FUNCTION ft() RETURNS TABLE (m mood) LANGUAGE sql AS $$SELECT 'a'::mood$$")
	mustExec(t, c, "CREATE VIEW vr AS SELECT fr()::text AS m")
	wantDropRefused(t, c, "DROP TYPE mood", "cannot drop type mood because other objects depend on it",
		"function fa(mood[]) depends on type mood[]\n"+
			"column m of table tm depends on type mood\n"+
			"function fm(mood) depends on type mood\n"+
			"function fr() depends on type mood\n"+
			"view vr depends on function fr()\n"+
			"function ft() depends on type mood")
	mustExec(t, c, "CREATE DOMAIN dpos AS int CHECK (VALUE > 0)")
	mustExec(t, c, "CREATE FUNCTION fd(x dpos) RETURNS dpos LANGUAGE sql AS 'SELECT x'")
	wantDropRefused(t, c, "DROP DOMAIN dpos", "cannot drop type dpos because other objects depend on it",
		"function fd(dpos) depends on type dpos")
	notices()
	mustExec(t, c, "DROP TYPE mood CASCADE")
	// stela drops the columns first, and lists them so; PostgreSQL
	// goes by pg_depend: the same objects, in another order.
	got := notices()
	if len(got) != 1 || got[0].Message != "drop cascades to 6 other objects" {
		t.Fatalf("notices %s", noticesText(got))
	}
	lines := strings.Split(got[0].Detail, "\n")
	slices.Sort(lines)
	want := "drop cascades to column m of table tm\n" +
		"drop cascades to function fa(mood[])\n" +
		"drop cascades to function fm(mood)\n" +
		"drop cascades to function fr()\n" +
		"drop cascades to function ft()\n" +
		"drop cascades to view vr"
	if strings.Join(lines, "\n") != want {
		t.Fatalf("cascaded (sorted)\n%s\nwant\n%s", strings.Join(lines, "\n"), want)
	}
}
