package server_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// An expression that calls one function twice, or two functions dropped
// together, is one dependent object: DROP FUNCTION's DETAIL and the
// cascade's NOTICE name it once, as PostgreSQL's do (it lists each
// dependent object once, found through the first function dropped).
// With STELA_SQLTEST_PG set the messages are checked against that
// PostgreSQL instead.
func TestFunctionExprDependentsListedOnce(t *testing.T) {
	ctx := context.Background()
	c, notices := depConn(t, "funcexpr_dup_test")
	mustExec(t, c, "CREATE FUNCTION f(int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT $1 + 1'")
	mustExec(t, c, "CREATE FUNCTION g(int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT $1 + 2'")
	mustExec(t, c, "CREATE TABLE t (a int DEFAULT f(1) + g(2) + f(3), b int CHECK (f(b) > g(b) - 5 AND f(b) > 0), c int)")
	mustExec(t, c, "CREATE INDEX t_keys ON t (f(c), f(b), g(c))")
	notices()

	refused := func(t *testing.T, sql, msg, detail string) {
		t.Helper()
		_, err := c.Exec(ctx, sql)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: got %v, want 2BP01", sql, err)
		}
		if pe.Code != "2BP01" || pe.Message != msg || pe.Detail != detail {
			t.Fatalf("%s:\ngot  %s %q\n     detail %q\nwant 2BP01 %q\n     detail %q", sql, pe.Code, pe.Message, pe.Detail, msg, detail)
		}
	}
	detail := "default value for column a of table t depends on function f(integer)\n" +
		"constraint t_b_check on table t depends on function f(integer)\n" +
		"index t_keys depends on function f(integer)"
	refused(t, "DROP FUNCTION f(int)", "cannot drop function f(integer) because other objects depend on it", detail)
	refused(t, "DROP FUNCTION f(int), g(int)", "cannot drop desired object(s) because other objects depend on them", detail)

	mustExec(t, c, "DROP INDEX t_keys")
	notices()
	mustExec(t, c, "DROP FUNCTION f(int), g(int) CASCADE")
	got := notices()
	want := "drop cascades to default value for column a of table t\n" +
		"drop cascades to constraint t_b_check on table t"
	if len(got) != 1 || got[0].Message != "drop cascades to 2 other objects" || got[0].Detail != want {
		var desc []string
		for _, n := range got {
			desc = append(desc, n.Message+" / "+n.Detail)
		}
		t.Fatalf("notices %q, want %q / %q", desc, "drop cascades to 2 other objects", want)
	}
}
