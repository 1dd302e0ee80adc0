package pgwire_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/stela-db/stela/pgwire"
	"github.com/stela-db/stela/sql"
)

const adminShutdownMsg = "terminating connection due to administrator command"

// TestMaxConnectionsCountsOtherFrontEnds: a session of another front end
// (the HTTP API opens engine sessions itself) takes a slot of the limit
// too.
func TestMaxConnectionsCountsOtherFrontEnds(t *testing.T) {
	ts := startServer(t, func(c *pgwire.Config) { c.MaxConnections = 2 })
	ts.connect(t, "")
	other, err := ts.engine.NewSession(sql.SessionArgs{User: "admin", Superuser: true, Database: "defaultdb", PID: ts.engine.NewPID()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tryConnect(t, ts.dsn(""))
	wantPgError(t, "with an HTTP session open", err, "FATAL", "53300", "sorry, too many clients already")
	other.Close()
	c, err := tryConnect(t, ts.dsn(""))
	if err != nil {
		t.Fatalf("after the other session closed: %v", err)
	}
	c.Close(context.Background())
}

func TestMaxConnections(t *testing.T) {
	ts := startServer(t, func(c *pgwire.Config) { c.MaxConnections = 2 })
	ctx := context.Background()
	c1 := ts.connect(t, "")
	ts.connect(t, "")
	_, err := tryConnect(t, ts.dsn(""))
	wantPgError(t, "third connection", err, "FATAL", "53300", "sorry, too many clients already")
	// Refused before authentication: a wrong password gets the same.
	_, err = tryConnect(t, dsnWith(ts, "admin", "Wrong!pw0rd", "defaultdb", "sslmode=disable"))
	wantPgError(t, "third connection, wrong password", err, "FATAL", "53300", "sorry, too many clients already")

	// Failed logins do not hold slots: after the refusals, closing one
	// session lets exactly one more in.
	if err := c1.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var c3 *pgx.Conn
	deadline := time.Now().Add(5 * time.Second)
	for {
		c3, err = tryConnect(t, ts.dsn(""))
		if err == nil {
			break
		}
		if pgCode(err) != "53300" || time.Now().After(deadline) {
			t.Fatalf("after a session closed: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := c3.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = tryConnect(t, ts.dsn(""))
	wantPgError(t, "third connection again", err, "FATAL", "53300", "sorry, too many clients already")

	// A session that ends on a fatal error frees its slot too.
	ts2 := startServer(t, func(c *pgwire.Config) { c.MaxConnections = 1 })
	for i := 0; i < 3; i++ {
		_, err := tryConnect(t, ts2.dsn("&no_such_setting=1"))
		wantPgError(t, "bad setting", err, "FATAL", "42704", `unrecognized configuration parameter "no_such_setting"`)
		_, err = tryConnect(t, dsnWith(ts2, "admin", adminPassword, "nosuchdb", "sslmode=disable"))
		wantPgError(t, "missing db", err, "FATAL", "3D000", `database "nosuchdb" does not exist`)
	}
	ts2.connect(t, "")
}

// CancelRequests and SSLRequests do not count against the limit: a
// session at the limit can still be canceled.
func TestMaxConnectionsCancelStillWorks(t *testing.T) {
	ts := startServer(t, func(c *pgwire.Config) { c.MaxConnections = 1 })
	ctx := context.Background()
	c := ts.connect(t, "")
	ch := runAsync(ctx, c, "SELECT pg_sleep(10)", pgx.QueryExecModeSimpleProtocol)
	time.Sleep(100 * time.Millisecond)
	if err := c.PgConn().CancelRequest(ctx); err != nil {
		t.Fatal(err)
	}
	wantPgError(t, "cancel at the limit", waitResult(t, ch, 3*time.Second).err, "ERROR", "57014", canceledByUser)
}

func TestMaxMessageSize(t *testing.T) {
	ts := startServer(t, func(c *pgwire.Config) { c.MaxMessageSize = 1024 })
	ctx := context.Background()
	c := ts.connect(t, "")
	if _, err := c.Exec(ctx, "SELECT '"+strings.Repeat("x", 900)+"'"); err != nil {
		t.Fatalf("under the limit: %v", err)
	}
	_, err := c.Exec(ctx, "SELECT '"+strings.Repeat("x", 2000)+"'")
	if pgCode(err) != "54000" {
		t.Fatalf("over the limit: %v", err)
	}
	if !c.IsClosed() {
		// pgx closes on FATAL; the server closed its side anyway.
		if err := c.Ping(ctx); err == nil {
			t.Fatal("the connection survived an oversized message")
		}
	}
	// A declared length far over the limit is refused before its body is
	// read.
	rc := rawDial(t, ts.addr)
	if res := rc.login(rawAdmin(), adminPassword, scramAuto); res.err != nil {
		t.Fatal(res.err.Message)
	}
	if _, err := rc.nc.Write([]byte{'Q', 0x7f, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	m, err := rc.receive()
	if e, ok := m.(*pgproto3.ErrorResponse); !ok || e.Code != "54000" || e.Severity != "FATAL" || err != nil {
		t.Fatalf("2 GiB message: %T %+v %v", m, m, err)
	}
	rc.expectClosed()
	// Other sessions are not affected.
	ts.connect(t, "")
}

// readUntilError reads messages until an ErrorResponse (returned) or the
// end of the connection (nil).
func readUntilError(rc *rawConn) *pgproto3.ErrorResponse {
	for {
		m, err := rc.receive()
		if err != nil {
			return nil
		}
		if e, ok := m.(*pgproto3.ErrorResponse); ok {
			return e
		}
	}
}

// Shutdown tells idle sessions 57P01 at once, lets a running statement
// finish, refuses new connections and returns.
func TestShutdownGraceful(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()

	idle := rawDial(t, ts.addr)
	if res := idle.login(rawAdmin(), adminPassword, scramAuto); res.err != nil {
		t.Fatal(res.err.Message)
	}
	inTx := rawDial(t, ts.addr)
	if res := inTx.login(rawAdmin(), adminPassword, scramAuto); res.err != nil {
		t.Fatal(res.err.Message)
	}
	inTx.send(&pgproto3.Query{String: "BEGIN"})
	for {
		m, err := inTx.receive()
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := m.(*pgproto3.ReadyForQuery); ok {
			if r.TxStatus != 'T' {
				t.Fatalf("after BEGIN: %c", r.TxStatus)
			}
			break
		}
	}
	busy := ts.connect(t, "")
	ch := runAsync(ctx, busy, "SELECT pg_sleep(1)", pgx.QueryExecModeSimpleProtocol)
	time.Sleep(200 * time.Millisecond)

	shutdownDone := make(chan error, 1)
	start := time.Now()
	go func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shutdownDone <- ts.srv.Shutdown(sctx)
	}()

	for name, rc := range map[string]*rawConn{"idle": idle, "idle in transaction": inTx} {
		e := readUntilError(rc)
		if e == nil || e.Severity != "FATAL" || e.Code != "57P01" || e.Message != adminShutdownMsg {
			t.Fatalf("%s session: %+v", name, e)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Fatalf("%s session told after %v", name, d)
		}
		rc.expectClosed()
	}

	// New connections are refused once Shutdown has begun.
	time.Sleep(50 * time.Millisecond)
	if nc, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		nc.Close()
		t.Fatal("a new connection was accepted during shutdown")
	}

	r := waitResult(t, ch, 5*time.Second)
	if r.err != nil {
		t.Fatalf("the running statement did not finish: %v", r.err)
	}
	if r.elapsed < 900*time.Millisecond {
		t.Fatalf("pg_sleep(1) returned after %v", r.elapsed)
	}
	select {
	case err := <-shutdownDone:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("shutdown did not return")
	}
	// The busy session ended after its statement.
	if err := busy.Ping(ctx); err == nil {
		t.Fatal("the busy session goes on after shutdown")
	}
	select {
	case err := <-ts.done:
		if !errors.Is(err, pgwire.ErrServerClosed) {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		t.Fatal("a new connection was accepted after shutdown")
	}
	// Serve on a shut-down server refuses at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.srv.Serve(ln); !errors.Is(err, pgwire.ErrServerClosed) {
		t.Fatalf("Serve after Shutdown: %v", err)
	}
}

// When the grace period ends, a running statement is canceled and
// Shutdown returns soon after (nil when the canceled statements end within
// its two-second allowance, the context's error otherwise).
func TestShutdownGraceOver(t *testing.T) {
	ts := startServer(t, nil)
	rc := rawDial(t, ts.addr)
	if res := rc.login(rawAdmin(), adminPassword, scramAuto); res.err != nil {
		t.Fatal(res.err.Message)
	}
	rc.send(&pgproto3.Query{String: "SELECT pg_sleep(30)"})
	time.Sleep(100 * time.Millisecond)

	sctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := ts.srv.Shutdown(sctx)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := time.Since(start); d < 200*time.Millisecond || d > 2*time.Second {
		t.Fatalf("Shutdown took %v", d)
	}
	// The session is told: the statement was canceled, then the
	// connection is terminated.
	var errs []*pgproto3.ErrorResponse
	for {
		e := readUntilError(rc)
		if e == nil {
			break
		}
		errs = append(errs, e)
	}
	if len(errs) == 0 || errs[len(errs)-1].Code != "57P01" || errs[len(errs)-1].Severity != "FATAL" {
		t.Fatalf("errors at shutdown: %+v", errs)
	}
	if len(errs) > 1 {
		// PostgreSQL's fast shutdown sends only FATAL 57P01 to a busy
		// backend; here the statement's 57014 comes first, and says the
		// user asked for it.
		t.Fatalf("BUG: a statement canceled because the shutdown grace period ended gets ERROR 57014 %q before FATAL 57P01; "+
			"PostgreSQL sends only FATAL 57P01 %q — have Shutdown cancel with a cause (context.WithCancelCause) that "+
			"the statement's error maps to 57P01, or at least skip the 57014 when shuttingDown is set", errs[0].Message, adminShutdownMsg)
	}
}

// A client in the middle of its startup when Shutdown begins does not hold
// Shutdown up until the startup timeout.
func TestShutdownDuringStartup(t *testing.T) {
	ts := startServer(t, func(c *pgwire.Config) { c.StartupTimeout = 30 * time.Second })
	// Connected, nothing sent.
	silent := rawDial(t, ts.addr)
	// Startup sent, SCRAM not answered.
	halfway := rawDial(t, ts.addr)
	halfway.sendStartup(rawAdmin())
	if m, err := halfway.receive(); err != nil {
		t.Fatalf("%T %v", m, err)
	}
	time.Sleep(50 * time.Millisecond)
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	err := ts.srv.Shutdown(sctx)
	if d := time.Since(start); err != nil || d > 2*time.Second {
		t.Fatalf("Shutdown with clients in their startup phase: %v after %v", err, d)
	}
	silent.expectClosed()
	if e := readUntilError(halfway); e != nil && e.Code != "57P01" && e.Code != "57P03" {
		t.Fatalf("halfway client told %+v", e)
	}
}

// Shutdown with TLS sessions: they are told 57P01 over TLS.
func TestShutdownTLSSessions(t *testing.T) {
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, nil)
	var conns []*rawConn
	for i := 0; i < 3; i++ {
		rc := rawDial(t, ts.addr)
		if _, err := rc.startTLS(f.clientConfig()); err != nil {
			t.Fatal(err)
		}
		if res := rc.login(rawAdmin(), adminPassword, scramPlain); res.err != nil {
			t.Fatal(res.err.Message)
		}
		conns = append(conns, rc)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ts.srv.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	for i, rc := range conns {
		if e := readUntilError(rc); e == nil || e.Code != "57P01" {
			t.Fatalf("TLS session %d: %+v", i, e)
		}
	}
}

// Shutdown while a connection has negotiated TLS but not yet sent its
// startup message. Run with -race and STELA_REPRO_BUGS=1 to see the race.
func TestShutdownDuringTLSStartup(t *testing.T) {
	// A data race (c.nc replaced by startTLS while Shutdown used it) was
	// found here under -race; Shutdown now uses the never-replaced raw
	// socket.
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, nil)
	for i := 0; i < 5; i++ {
		half := rawDial(t, ts.addr)
		if _, err := half.startTLS(f.clientConfig()); err != nil {
			t.Fatal(err)
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ts.srv.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
}

// StartupTimeout bounds the startup and authentication phase, and only
// that: a session idle after login stays.
func TestStartupTimeout(t *testing.T) {
	ts := startServer(t, func(c *pgwire.Config) { c.StartupTimeout = 300 * time.Millisecond; c.MaxConnections = 1 })
	start := time.Now()
	silent := rawDial(t, ts.addr)
	halfway := rawDial(t, ts.addr)
	halfway.sendStartup(rawAdmin())
	if m, err := halfway.receive(); err != nil {
		t.Fatalf("%T %v", m, err)
	}
	silent.expectClosed()
	halfway.expectClosed()
	if d := time.Since(start); d < 250*time.Millisecond || d > 3*time.Second {
		t.Fatalf("closed after %v", d)
	}
	// The half-authenticated client held the only slot; it is free again.
	c := ts.connect(t, "")
	time.Sleep(500 * time.Millisecond)
	if err := c.Ping(context.Background()); err != nil {
		t.Fatalf("an idle session was closed by the startup timeout: %v", err)
	}
}
