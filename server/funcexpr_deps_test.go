package server_test

import (
	"context"
	"testing"
)

// What testdata/sql/function_in_defaults.test cannot show: the DETAIL,
// HINT and NOTICE of a DROP FUNCTION refused, or cascading, for the
// defaults and CHECK constraints that call the function; and that the
// binding of a default survives a server restart. With STELA_SQLTEST_PG
// set the messages are checked against that PostgreSQL instead.

func TestFunctionInDefaultDependencyMessages(t *testing.T) {
	ctx := context.Background()
	c, notices := depConn(t, "funcexpr_test")
	mustExec(t, c, "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 42'")
	mustExec(t, c, "CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql AS 'SELECT x * 2'")
	mustExec(t, c, "CREATE TABLE t (a int DEFAULT f(), b int CHECK (g(b) > 0), c int DEFAULT g(3))")
	notices()

	wantDropRefused(t, c, "DROP FUNCTION f()", "cannot drop function f() because other objects depend on it",
		"default value for column a of table t depends on function f()")
	wantDropRefused(t, c, "DROP FUNCTION g(int)", "cannot drop function g(integer) because other objects depend on it",
		"default value for column c of table t depends on function g(integer)\n"+
			"constraint t_b_check on table t depends on function g(integer)")

	wantNotice := func(t *testing.T, msg, detail string) {
		t.Helper()
		got := notices()
		if len(got) != 1 || got[0].Severity != "NOTICE" || got[0].Message != msg || got[0].Detail != detail {
			t.Fatalf("notices:\n%s\nwant NOTICE %q / %q", noticesText(got), msg, detail) // funcdeps_test.go
		}
	}
	mustExec(t, c, "DROP FUNCTION f() CASCADE")
	wantNotice(t, "drop cascades to default value for column a of table t", "")
	mustExec(t, c, "DROP FUNCTION g(int) CASCADE")
	wantNotice(t, "drop cascades to 2 other objects",
		"drop cascades to default value for column c of table t\n"+
			"drop cascades to constraint t_b_check on table t")
	var defaults, checks int
	err := c.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_attrdef WHERE adrelid = 't'::regclass),
		(SELECT count(*) FROM pg_constraint WHERE conrelid = 't'::regclass)`).Scan(&defaults, &checks)
	if err != nil {
		t.Fatal(err)
	}
	if defaults != 0 || checks != 0 {
		t.Fatalf("after the cascades: %d defaults, %d constraints, want none", defaults, checks)
	}
}

// A default's and a constraint's binding is kept in the table's
// descriptor: after a restart they still call the function they were
// bound to, under its new name, not a same-named one earlier on the
// writer's path, and still hold it against DROP FUNCTION.
func TestFunctionInDefaultBindingAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv := startAt(t, dir)
	c := mustConnect(t, dsnOf(srv))
	for _, q := range []string{
		"CREATE SCHEMA app",
		"CREATE FUNCTION app.answer() RETURNS int LANGUAGE sql AS 'SELECT 42'",
		"CREATE FUNCTION app.pos(x int) RETURNS boolean LANGUAGE sql AS 'SELECT x > 0'",
		"SET search_path = app, public",
		"CREATE TABLE public.t (id int CHECK (pos(id)), a int DEFAULT answer())",
		"RESET search_path",
		"ALTER FUNCTION app.answer() RENAME TO answer2",
	} {
		mustExec(t, c, q)
	}
	c = restarted(t, dir, srv, c)
	for _, q := range []string{
		"CREATE FUNCTION public.answer2() RETURNS int LANGUAGE sql AS 'SELECT -1'",
		"CREATE FUNCTION public.pos(x int) RETURNS boolean LANGUAGE sql AS 'SELECT true'",
		"SET search_path = public, app",
		"INSERT INTO t (id) VALUES (1)",
	} {
		mustExec(t, c, q)
	}
	var a int
	var text string
	if err := c.QueryRow(ctx, "SELECT t.a, pg_get_expr(d.adbin, d.adrelid) FROM t, pg_attrdef d WHERE d.adrelid = 't'::regclass").Scan(&a, &text); err != nil {
		t.Fatal(err)
	}
	if a != 42 || text != "app.answer2()" {
		t.Errorf("after a restart: default %d, %q; want 42, %q", a, text, "app.answer2()")
	}
	if _, err := c.Exec(ctx, "INSERT INTO t (id) VALUES (-1)"); sqlState(err) != "23514" {
		t.Errorf("a row the bound CHECK refuses: %v, want 23514", err)
	}
	if _, err := c.Exec(ctx, "DROP FUNCTION app.answer2()"); sqlState(err) != "2BP01" {
		t.Errorf("DROP FUNCTION of the bound default's function: %v, want 2BP01", err)
	}
}
