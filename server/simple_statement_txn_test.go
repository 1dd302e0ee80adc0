package server_test

import (
	"context"
	"testing"
)

// TestSimpleStatementOneTransaction checks what follows from a Query's
// query or DML beginning its implicit transaction before it is planned
// (sql/prepare.go, simpleBeginsEarly): the transaction and the statement
// start together, as in PostgreSQL, and a statement that fails while it
// is planned leaves no transaction behind.
func TestSimpleStatementOneTransaction(t *testing.T) {
	ctx := context.Background()
	dsn := startForFile(t)
	c := simpleConnect(t, dsn)
	mustExec(t, c, "CREATE TABLE t (id int PRIMARY KEY, v text)")

	expectShape(t, c, "SELECT now() = statement_timestamp() AS same", "same=true", "now() in a Query's own transaction")
	expectShape(t, c, "INSERT INTO t VALUES (1, 'a') RETURNING now() = statement_timestamp() AS same", "same=true", "now() in an INSERT's transaction")

	for _, bad := range []string{"SELECT * FROM missing", "INSERT INTO t VALUES ('x')", "UPDATE t SET nope = 1", "DELETE FROM t WHERE nope"} {
		if _, err := c.Exec(ctx, bad); err == nil {
			t.Fatalf("%s: no error", bad)
		}
		if s := c.PgConn().TxStatus(); s != 'I' {
			t.Fatalf("after %q fails planning: transaction status %q, want I", bad, s)
		}
	}
	expectShape(t, c, "SELECT count(*) AS n FROM t", "n=1", "after planning errors")

	// In a transaction block, the statements plan and run in the block's
	// transaction as before.
	mustExec(t, c, "BEGIN")
	expectShape(t, c, "SELECT now() = transaction_timestamp() AS same", "same=true", "in a block")
	mustExec(t, c, "INSERT INTO t VALUES (2, 'b')")
	mustExec(t, c, "ROLLBACK")
	expectShape(t, c, "SELECT count(*) AS n FROM t", "n=1", "after ROLLBACK")
}
