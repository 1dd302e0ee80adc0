package server_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// mustConnect connects to dsn, failing the test if it cannot; the
// connection is closed when the test ends.
func mustConnect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// connectExec starts a server (startForFile), connects to it, and returns
// the connection, closed when the test ends, with an exec that fails the
// test on an error.
func connectExec(t *testing.T) (*pgx.Conn, func(sql string)) {
	t.Helper()
	ctx := context.Background()
	c := mustConnect(t, startForFile(t))
	return c, func(sql string) {
		t.Helper()
		if _, err := c.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
}
