package server_test

// Tests that restart a server over the same data directory: what a
// committed change must survive.

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stela-db/stela/server"
)

// startAt starts a test server over dir, left to the caller to shut
// down (so that it can restart on the same directory).
func startAt(t *testing.T, dir string) *server.Server {
	t.Helper()
	srv, err := server.Start(context.Background(), testConfig(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// restarted shuts srv, a server over dir, down, its connection c first
// (unless nil), and starts a server over dir again: a connection to
// it, closed, and the server shut down, when the test ends.
func restarted(t *testing.T, dir string, srv *server.Server, c *pgx.Conn) *pgx.Conn {
	t.Helper()
	if c != nil {
		c.Close(context.Background())
	}
	shutdown(t, srv)
	srv = startAt(t, dir)
	t.Cleanup(func() { shutdown(t, srv) })
	return mustConnect(t, dsnOf(srv)) // closed at cleanup
}

// shutdown shuts srv down, which must go cleanly; a session that
// panicked (which the server survives, ending only that session) fails
// the test.
func shutdown(t testing.TB, srv *server.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if n := srv.PG.Stats().SessionPanics; n != 0 {
		t.Errorf("%d sessions panicked; the log above has the stacks", n)
	}
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
