package server_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The foreign keys that reference a table are kept by catalog version
// for every session of a database (sql/fk_referencing.go). These tests
// change them from one session while another, whose writes already
// filled the index, goes on writing the parent.

// parentAndChild makes the tables the tests below share: parent, with
// the keys of parents, and child, whose pid references nothing yet.
func parentAndChild(t *testing.T, c *pgx.Conn, parents, children string) {
	t.Helper()
	mustExec(t, c, "CREATE TABLE parent (id int PRIMARY KEY)")
	mustExec(t, c, "INSERT INTO parent VALUES "+parents)
	mustExec(t, c, "CREATE TABLE child (pid int)")
	mustExec(t, c, "INSERT INTO child VALUES "+children)
}

func TestReferencingKeysFollowOtherSessionsDDL(t *testing.T) {
	dsn := startForFile(t)
	a, b := mustConnect(t, dsn), mustConnect(t, dsn)
	parentAndChild(t, a, "(1), (2), (3), (4)", "(1), (2)")
	mustExec(t, a, "DELETE FROM parent WHERE id = 4") // no key references parent yet

	mustExec(t, b, "ALTER TABLE child ADD CONSTRAINT child_fk FOREIGN KEY (pid) REFERENCES parent")
	if _, err := a.Exec(context.Background(), "DELETE FROM parent WHERE id = 1"); sqlState(err) != "23503" {
		t.Fatalf("delete of a referenced parent after another session's new foreign key: %v, want 23503", err)
	}

	mustExec(t, b, "ALTER TABLE child DROP CONSTRAINT child_fk")
	mustExec(t, a, "DELETE FROM parent WHERE id = 1")
	mustExec(t, a, "DELETE FROM child WHERE pid = 1")

	mustExec(t, b, "ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent ON DELETE CASCADE")
	mustExec(t, a, "DELETE FROM parent WHERE id = 2")
	if n := countOf(t, a, "SELECT count(*) FROM child"); n != 0 {
		t.Fatalf("ON DELETE CASCADE added by another session left %d children", n)
	}
}

// A foreign key added in a transaction that then rolls back: inside it
// the key is checked, after it the key is gone for every session, also
// once another DDL statement commits the catalog version the rolled back
// transaction had seen as its own.
func TestReferencingKeysOfRolledBackDDL(t *testing.T) {
	ctx := context.Background()
	dsn := startForFile(t)
	a, b := mustConnect(t, dsn), mustConnect(t, dsn)
	parentAndChild(t, a, "(1), (2)", "(1), (2)")

	tx, err := b.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "DELETE FROM parent WHERE id = 1"); sqlState(err) != "23503" {
		t.Fatalf("delete in the transaction that added the key: %v, want 23503", err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// The next committed catalog version is this one's, not the rolled
	// back transaction's.
	mustExec(t, a, "CREATE TABLE unrelated (x int)")
	mustExec(t, a, "DELETE FROM parent WHERE id = 1")
	mustExec(t, b, "DELETE FROM parent WHERE id = 2")
	if n := countOf(t, a, "SELECT count(*) FROM parent"); n != 0 {
		t.Fatalf("parent has %d rows, want 0", n)
	}
}

// A transaction whose snapshot is older than the index reads the
// catalog it sees: it finds no key, and its commit fails as before.
func TestReferencingKeysOfOlderSnapshot(t *testing.T) {
	ctx := context.Background()
	dsn := startForFile(t)
	a, b := mustConnect(t, dsn), mustConnect(t, dsn)
	parentAndChild(t, a, "(1), (2)", "(1)")

	tx, err := a.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		t.Fatal(err)
	}
	if n := countOf(t, tx.Conn(), "SELECT count(*) FROM parent"); n != 2 {
		t.Fatalf("parent has %d rows", n)
	}
	mustExec(t, b, "ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent")
	mustExec(t, b, "DELETE FROM parent WHERE id = 2") // fills the index at the new version
	if _, err := tx.Exec(ctx, "DELETE FROM parent WHERE id = 1"); err != nil {
		t.Fatalf("delete in a snapshot without the key: %v", err)
	}
	if err := tx.Commit(ctx); sqlState(err) != "40001" {
		t.Fatalf("commit of a delete of a parent key now referenced: %v, want 40001", err)
	}
	if n := countOf(t, a, "SELECT count(*) FROM parent WHERE id = 1"); n != 1 {
		t.Fatal("the referenced parent row is gone")
	}
}

// A DDL statement that plans a writer (here to validate a CHECK) after
// adding a foreign key, and then fails: the index it may build sees the
// statement's uncommitted key, so it must not be kept for others.
func TestReferencingKeysOfFailedDDL(t *testing.T) {
	dsn := startForFile(t)
	a, b := mustConnect(t, dsn), mustConnect(t, dsn)
	parentAndChild(t, a, "(1)", "(1)")
	mustExec(t, a, "DELETE FROM parent WHERE id = 99") // fills the index
	mustExec(t, a, "CREATE TABLE unrelated (x int)")   // and makes it old
	_, err := a.Exec(context.Background(),
		"ALTER TABLE child ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES parent, ADD CONSTRAINT big CHECK (pid > 5)")
	if sqlState(err) != "23514" {
		t.Fatalf("ALTER TABLE: %v, want 23514", err)
	}
	mustExec(t, b, "DELETE FROM parent WHERE id = 1")
}
