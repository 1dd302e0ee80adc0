package server_test

import (
	"testing"
)

// An expression that calls one function twice, or two functions dropped
// together, is one dependent object: DROP FUNCTION's DETAIL and the
// cascade's NOTICE name it once, as PostgreSQL's do (it lists each
// dependent object once, found through the first function dropped).
// With STELA_SQLTEST_PG set the messages are checked against that
// PostgreSQL instead.
func TestFunctionExprDependentsListedOnce(t *testing.T) {
	c, notices := depConn(t, "funcexpr_dup_test")
	mustExec(t, c, "CREATE FUNCTION f(int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT $1 + 1'")
	mustExec(t, c, "CREATE FUNCTION g(int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT $1 + 2'")
	mustExec(t, c, "CREATE TABLE t (a int DEFAULT f(1) + g(2) + f(3), b int CHECK (f(b) > g(b) - 5 AND f(b) > 0), c int)")
	mustExec(t, c, "CREATE INDEX t_keys ON t (f(c), f(b), g(c))")
	notices()

	detail := "default value for column a of table t depends on function f(integer)\n" +
		"constraint t_b_check on table t depends on function f(integer)\n" +
		"index t_keys depends on function f(integer)"
	wantDropRefused(t, c, "DROP FUNCTION f(int)", "cannot drop function f(integer) because other objects depend on it", detail)
	wantDropRefused(t, c, "DROP FUNCTION f(int), g(int)", "cannot drop desired object(s) because other objects depend on them", detail)

	mustExec(t, c, "DROP INDEX t_keys")
	wantCascadeNotices(t, c, notices, "DROP FUNCTION f(int), g(int) CASCADE", // funcdeps_test.go
		"NOTICE drop cascades to 2 other objects / drop cascades to default value for column a of table t\n"+
			"drop cascades to constraint t_b_check on table t")
}
