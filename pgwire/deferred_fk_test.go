package pgwire_test

import (
	"context"
	"strings"
	"testing"
)

// TestDeferredCheckFailsCommitFirst: a deferred foreign key that fails
// at the commit of a statement's own transaction is that statement's
// error, not a success followed by an error, by the simple protocol
// (INSERT and COPY) and the extended one; nothing is written.
func TestDeferredCheckFailsCommitFirst(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c := ts.connect(t, "")
	execAll(t, c, `CREATE TABLE p (id int PRIMARY KEY)`,
		`CREATE TABLE ch (id int PRIMARY KEY, pid int REFERENCES p DEFERRABLE INITIALLY DEFERRED)`)
	pc := c.PgConn()

	results, err := pc.Exec(ctx, "INSERT INTO ch VALUES (1, 7)").ReadAll()
	if sqlState(err) != "23503" {
		t.Fatalf("simple INSERT: got %v, want 23503", err)
	}
	for _, r := range results {
		if r.Err == nil {
			t.Fatalf("simple INSERT: a result without error came first: %q", r.CommandTag)
		}
	}

	tag, err := pc.CopyFrom(ctx, strings.NewReader("2\t8\n"), "COPY ch FROM STDIN")
	if sqlState(err) != "23503" {
		t.Fatalf("COPY: got tag %q, error %v; want 23503", tag, err)
	}

	if _, err := c.Exec(ctx, "INSERT INTO ch VALUES ($1, $2)", 3, 9); sqlState(err) != "23503" {
		t.Fatalf("extended INSERT: got %v, want 23503", err)
	}

	// The parent in the same Query: one transaction, fine.
	if _, err := pc.Exec(ctx, "INSERT INTO ch VALUES (4, 10); INSERT INTO p VALUES (10)").ReadAll(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM ch").Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows of ch: %d, %v; want 1", n, err)
	}
}
