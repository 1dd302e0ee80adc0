package server_test

import (
	"context"
	"fmt"
	"testing"
)

// TestMillionRowTransaction: one transaction inserts a million rows into a
// table with a secondary index (three million writes with the other
// table's), within the default stela.txn_mem, and another deletes them
// all; each commits whole, and AS OF still reads the rows after the
// delete.
func TestMillionRowTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("a million-row transaction takes about 10 s")
	}
	ctx := context.Background()
	c, exec := connectExec(t)
	count := func(sql string) int {
		t.Helper()
		var n int
		if err := c.QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	exec("CREATE TABLE big (id int PRIMARY KEY, k int, v text)")
	exec("CREATE INDEX big_k ON big (k)")
	exec("CREATE TABLE other (id int PRIMARY KEY)")
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		"INSERT INTO big SELECT g, g % 1000, 'row ' || g FROM generate_series(1, 1000000) g",
		"INSERT INTO other SELECT g FROM generate_series(1, 1000000) g",
	} {
		if _, err := tx.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("commit of three million writes: %v", err)
	}
	if n := count("SELECT count(*) FROM big WHERE k = 7"); n != 1000 {
		t.Fatalf("%d rows with k = 7 through the index, want 1000", n)
	}
	if n := count("SELECT count(*) + (SELECT count(*) FROM other) FROM big"); n != 2000000 {
		t.Fatalf("%d rows after the insert, want 2000000", n)
	}
	before := count("SELECT (stela_state()->>'tx')::int")
	exec("DELETE FROM big")
	if n := count("SELECT count(*) FROM big"); n != 0 {
		t.Fatalf("%d rows after the delete", n)
	}
	if n := count(fmt.Sprintf("SELECT count(*) FROM big AS OF TX %d", before)); n != 1000000 {
		t.Fatalf("%d rows as of the tx before the delete, want 1000000", n)
	}
}
