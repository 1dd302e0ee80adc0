package server_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Data-modifying WITH queries by the extended protocol, with $n
// parameters bound at each execution (testdata/sql/cte_dml.test has the
// rest; its query directive binds no parameters).
func TestDMLCTEExtendedProtocol(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	exec("CREATE TABLE a (id int PRIMARY KEY, v text NOT NULL)")
	exec("CREATE TABLE b (id int PRIMARY KEY, v text NOT NULL)")
	exec("INSERT INTO a VALUES (1, 'one'), (2, 'two'), (3, 'three')")

	// The archive pattern, parameterized, in the implicit transaction of
	// each execution.
	const move = "WITH moved AS (DELETE FROM a WHERE id = $1 RETURNING *) INSERT INTO b SELECT id, v || $2 FROM moved RETURNING v"
	for _, id := range []int{1, 2} {
		var v string
		if err := c.QueryRow(ctx, move, id, "!").Scan(&v); err != nil {
			t.Fatalf("move %d: %v", id, err)
		}
		if want := map[int]string{1: "one!", 2: "two!"}[id]; v != want {
			t.Fatalf("move %d returned %q, want %q", id, v, want)
		}
	}

	// A SELECT over a WITH query's RETURNING rows, with a parameter in
	// the WITH query and one in the primary query.
	var n int
	var sum int
	err := c.QueryRow(ctx, "WITH u AS (UPDATE b SET v = $1 WHERE id <= $2 RETURNING id) SELECT count(*), sum(id) + $3 FROM u", "x", 10, 100).Scan(&n, &sum)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || sum != 103 {
		t.Fatalf("got count %d sum %d, want 2 and 103", n, sum)
	}

	// A failing execution inside an explicit transaction leaves nothing
	// of the statement: the transaction is aborted and rolled back.
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "WITH d AS (DELETE FROM a WHERE id = $1 RETURNING *) INSERT INTO b VALUES ($2, 'dup')", 3, 1); err == nil {
		t.Fatal("duplicate key: no error")
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, "SELECT count(*) FROM a WHERE id = $1", 3).Scan(&n); err != nil || n != 1 {
		t.Fatalf("row 3 of a: count %d, err %v; want 1", n, err)
	}

	// Committed, the statement's parts are all there.
	tx, err = c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, move, 3, "?"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := c.Query(ctx, "SELECT v FROM b ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != "x" || got[1] != "x" || got[2] != "three?" {
		t.Fatalf("b = %q, want [x x three?]", got)
	}
	if err := c.QueryRow(ctx, "SELECT count(*) FROM a").Scan(&n); err != nil || n != 0 {
		t.Fatalf("a: count %d, err %v; want 0", n, err)
	}
}
