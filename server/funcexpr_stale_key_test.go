package server_test

import (
	"context"
	"testing"
)

// An expression index's key function replaced by a VOLATILE one (CREATE
// OR REPLACE) leaves the index's stored keys as they were: a query
// computes the function again rather than read them, so WHERE f(a) = x
// and SELECT f(a) agree on each row (PostgreSQL's seq scan computes it
// too). Simple protocol, as psql sends it.
func TestReplacedKeyFunctionIsComputed(t *testing.T) {
	ctx := context.Background()
	c, _ := depConn(t, "funcexpr_stale_key_test")
	pc := c.PgConn()
	for _, sql := range []string{
		"CREATE FUNCTION g(int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT $1 * 2'",
		"CREATE TABLE u (a int)",
		"INSERT INTO u SELECT generate_series(1, 100)",
		"CREATE INDEX u_g ON u (g(a))",
		"CREATE OR REPLACE FUNCTION g(int) RETURNS int VOLATILE LANGUAGE sql AS 'SELECT $1 * 3'",
	} {
		if _, err := pc.Exec(ctx, sql).ReadAll(); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	res, err := pc.Exec(ctx, "SELECT a FROM u WHERE g(a) = 30").ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows := res[0].Rows; len(rows) != 1 || string(rows[0][0]) != "10" {
		t.Fatalf("WHERE g(a) = 30: %q, want 10", rows)
	}
}
