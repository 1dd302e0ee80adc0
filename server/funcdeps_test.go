package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"

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
	notices()
	mustExec(t, c, "DROP FUNCTION f(int) CASCADE")
	want := "NOTICE drop cascades to 3 other objects / drop cascades to view v\n" +
		"drop cascades to view vv\n" +
		"drop cascades to materialized view mv"
	if got := noticesText(notices()); got != want {
		t.Fatalf("notices\n%s\nwant\n%s", got, want)
	}
}
