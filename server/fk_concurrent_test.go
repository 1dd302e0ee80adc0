package server_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Foreign keys made while writers of the referenced table are open.

// countOf runs a query of one integer.
func countOf(t *testing.T, c *pgx.Conn, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := c.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// A foreign key made while a writer of its referenced table is open
// fails that writer (40001) at any isolation level: the writer found the
// keys that reference its table before the new one existed.
func TestNewForeignKeyFailsOpenWriterOfParent(t *testing.T) {
	ctx := context.Background()
	dsn := startForFile(t)
	a, b := mustConnect(t, dsn), mustConnect(t, dsn)
	for _, iso := range []pgx.TxIsoLevel{pgx.ReadCommitted, pgx.RepeatableRead, pgx.Serializable} {
		mustExec(t, a, "DROP TABLE IF EXISTS child, parent")
		mustExec(t, a, "CREATE TABLE parent (id int PRIMARY KEY)")
		mustExec(t, a, "INSERT INTO parent VALUES (1)")
		mustExec(t, a, "CREATE TABLE child (pid int)")
		mustExec(t, a, "INSERT INTO child VALUES (1)")
		tx, err := b.BeginTx(ctx, pgx.TxOptions{IsoLevel: iso})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM parent WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		mustExec(t, a, "ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent")
		if err := tx.Commit(ctx); sqlState(err) != "40001" {
			t.Fatalf("%s: delete of a parent key now referenced: %v, want 40001", iso, err)
		}
		if n := countOf(t, a, "SELECT count(*) FROM parent"); n != 1 {
			t.Fatalf("%s: parent has %d rows", iso, n)
		}
	}
}
