package server_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestAsOfParameters runs AS OF with parameters through pgx's prepared
// statements, as an application would: the tx or time is bound per
// execution; a table whose columns changed since the tx read is refused
// with 0A000 (its plan has today's columns).
func TestAsOfParameters(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	exec("CREATE TABLE p (id int PRIMARY KEY, v int)") // tx 1
	exec("INSERT INTO p VALUES (1, 10)")               // tx 2
	var afterInsert time.Time
	if err := c.QueryRow(ctx, "SELECT now()").Scan(&afterInsert); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond)
	exec("UPDATE p SET v = 20") // tx 3
	exec("UPDATE p SET v = 30") // tx 4

	const byTx = "SELECT v FROM p AS OF TX $1 WHERE id = 1"
	for tx, want := range map[int64]int{2: 10, 3: 20, 4: 30} {
		var v int
		if err := c.QueryRow(ctx, byTx, tx).Scan(&v); err != nil || v != want {
			t.Fatalf("AS OF TX %d: %d, %v; want %d", tx, v, err, want)
		}
	}
	var v int
	if err := c.QueryRow(ctx, "SELECT v FROM p FOR SYSTEM_TIME AS OF TIMESTAMP $1", afterInsert).Scan(&v); err != nil || v != 10 {
		t.Fatalf("AS OF TIMESTAMP after the insert: %d, %v; want 10", v, err)
	}
	wantCode := func(err error, code string) {
		t.Helper()
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != code {
			t.Fatalf("got %v, want SQLSTATE %s", err, code)
		}
	}
	wantCode(c.QueryRow(ctx, byTx, 99).Scan(&v), "22023")
	wantCode(c.QueryRow(ctx, byTx, 0).Scan(&v), "22023")
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM p AS OF TX $1", 1).Scan(&n); err != nil || n != 0 {
		t.Fatalf("AS OF TX 1 (the table's creation): %d, %v; want 0", n, err)
	}
	// History ranges with parameters.
	const hist = "SELECT count(*) FROM p FOR SYSTEM_TIME BETWEEN TX $1 AND TX $2"
	for _, tc := range [][3]int64{{2, 4, 3}, {3, 4, 2}, {1, 2, 1}, {4, 2, 0}} {
		var n int
		if err := c.QueryRow(ctx, hist, tc[0], tc[1]).Scan(&n); err != nil || int64(n) != tc[2] {
			t.Fatalf("history between %d and %d: %d, %v; want %d", tc[0], tc[1], n, err, tc[2])
		}
	}
	var inserts int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM p SINCE TIMESTAMP $1 WHERE _op = 'update'", afterInsert).Scan(&inserts); err != nil || inserts != 2 {
		t.Fatalf("updates since the insert: %d, %v; want 2", inserts, err)
	}
	exec("ALTER TABLE p ADD COLUMN w int") // tx 5
	wantCode(c.QueryRow(ctx, "SELECT count(*) FROM p AS OF TX $1", 2).Scan(&n), "0A000")
	if err := c.QueryRow(ctx, "SELECT count(*) FROM p AS OF TX 2").Scan(&n); err != nil || n != 1 {
		t.Fatalf("literal AS OF TX across a column change: %d, %v", n, err)
	}
	// One prepared plan, run at txs on both sides of the change in turn:
	// the check of the table's definition then is remembered per
	// definition, never carried to another one.
	exec("INSERT INTO p VALUES (2, 40, 1)") // tx 6
	for i := 0; i < 3; i++ {
		if err := c.QueryRow(ctx, "SELECT count(*) FROM p AS OF TX $1", 6).Scan(&n); err != nil || n != 2 {
			t.Fatalf("AS OF TX 6, run %d: %d, %v", i, n, err)
		}
		wantCode(c.QueryRow(ctx, "SELECT count(*) FROM p AS OF TX $1", 3).Scan(&n), "0A000")
	}
}

// TestAsOfViewTimestamp reads a view AS OF TIMESTAMP, literal and
// parameter, at a time between two transactions: the view's definition
// and rows of then.
func TestAsOfViewTimestamp(t *testing.T) {
	ctx := context.Background()
	c, exec := connectExec(t)
	exec("CREATE TABLE vt (id int PRIMARY KEY, v int)")     // tx 1
	exec("INSERT INTO vt VALUES (1, 10)")                   // tx 2
	exec("CREATE VIEW vv AS SELECT v FROM vt WHERE id = 1") // tx 3
	var between time.Time
	if err := c.QueryRow(ctx, "SELECT now()").Scan(&between); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond)
	exec("UPDATE vt SET v = 20")                                   // tx 4
	exec("CREATE OR REPLACE VIEW vv AS SELECT v * 2 AS v FROM vt") // tx 5
	lit := between.UTC().Format("2006-01-02 15:04:05.999999-07")
	var v int
	if err := c.QueryRow(ctx, "SELECT v FROM vv AS OF TIMESTAMP '"+lit+"'").Scan(&v); err != nil || v != 10 {
		t.Fatalf("view AS OF TIMESTAMP '%s': %d, %v; want 10", lit, v, err)
	}
	if err := c.QueryRow(ctx, "SELECT v FROM vv").Scan(&v); err != nil || v != 40 {
		t.Fatalf("view now: %d, %v; want 40", v, err)
	}
	// A parameter plans today's definition: at a time the view had
	// another one, 0A000; after the replacement, the rows of then.
	var pe *pgconn.PgError
	err := c.QueryRow(ctx, "SELECT v FROM vv FOR SYSTEM_TIME AS OF TIMESTAMP $1", between).Scan(&v)
	if !errors.As(err, &pe) || pe.Code != "0A000" {
		t.Fatalf("view AS OF TIMESTAMP $1 across a replacement: %v; want 0A000", err)
	}
	if err := c.QueryRow(ctx, "SELECT v FROM vv FOR SYSTEM_TIME AS OF TIMESTAMP $1", time.Now().Add(time.Hour)).Scan(&v); err != nil || v != 40 {
		t.Fatalf("view AS OF TIMESTAMP $1 after the replacement: %d, %v; want 40", v, err)
	}
}
