package pgwire_test

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/pgwire"
	"github.com/stela-db/stela/sql"
)

// adminPassword is the admin's password in test servers.
const adminPassword = "Test!pw0rd"

// testServer is a real server on 127.0.0.1:0 with a temp data dir.
type testServer struct {
	engine *sql.Engine
	srv    *pgwire.Server
	addr   string
	done   chan error
	// wantPanics is how many sessions the test makes panic; any other
	// number fails it.
	wantPanics uint64
	stopOnce   sync.Once
}

// startServer starts a server; cfgFn may adjust its configuration. It is
// shut down at the end of the test, which fails if a session panicked
// unexpectedly (the server survives that, ending only the session).
func startServer(t testing.TB, cfgFn func(*pgwire.Config)) *testServer {
	t.Helper()
	return startServerAt(t, t.TempDir(), cfgFn)
}

// startServerAt is startServer over data directory dir, which a test
// may stop (stop) and start again to see what survives a restart.
func startServerAt(t testing.TB, dir string, cfgFn func(*pgwire.Config)) *testServer {
	t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	ctx := context.Background()
	engine, err := sql.Open(ctx, sql.Config{DataDir: dir, KV: kv.Options{MinFreeBytes: -1}, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := engine.EnsureAdmin(ctx, adminPassword); err != nil {
		t.Fatal(err)
	}
	cfg := pgwire.Config{Logger: log}
	if cfgFn != nil {
		cfgFn(&cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{engine: engine, srv: pgwire.NewServer(engine, cfg), addr: ln.Addr().String(), done: make(chan error, 1)}
	go func() { ts.done <- ts.srv.Serve(ln) }()
	t.Cleanup(func() { ts.stop(t) })
	return ts
}

// stop shuts the server down and closes its engine, once; it fails the
// test if a session panicked unexpectedly.
func (ts *testServer) stop(t testing.TB) {
	ts.stopOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if n := ts.srv.Stats().SessionPanics; n != ts.wantPanics {
			t.Errorf("%d sessions panicked, want %d; the log has the stacks", n, ts.wantPanics)
		}
		if err := ts.srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := ts.engine.Close(); err != nil {
			t.Errorf("close engine: %v", err)
		}
	})
}

// dsn returns a connection string for the admin on defaultdb.
func (ts *testServer) dsn(extra string) string {
	host, port, _ := net.SplitHostPort(ts.addr)
	return fmt.Sprintf("postgres://admin:%s@%s:%s/defaultdb?sslmode=disable%s", "Test%21pw0rd", host, port, extra)
}

// connect opens a pgx connection closed at the end of the test.
func (ts *testServer) connect(t testing.TB, extra string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, ts.dsn(extra))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}
