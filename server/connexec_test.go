package server_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// connectExec starts a server (startForFile), connects to it, and returns
// the connection, closed when the test ends, with an exec that fails the
// test on an error.
func connectExec(t *testing.T) (*pgx.Conn, func(sql string)) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, startForFile(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(ctx) })
	return c, func(sql string) {
		t.Helper()
		if _, err := c.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
}
