package pgwire_test

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/stela-db/stela/pgwire"
)

const canceledByUser = "canceling statement due to user request"

// sendCancel sends a CancelRequest for pid and secret on a new connection
// and waits for the server to close it.
func sendCancel(t *testing.T, addr string, pid uint32, secret []byte) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	b := binary.BigEndian.AppendUint32(nil, uint32(12+len(secret)))
	b = binary.BigEndian.AppendUint32(b, rawCancelRequestCode)
	b = binary.BigEndian.AppendUint32(b, pid)
	b = append(b, secret...)
	if _, err := nc.Write(b); err != nil {
		t.Fatal(err)
	}
	// The server answers nothing and closes the connection.
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	var one [1]byte
	if n, err := nc.Read(one[:]); n != 0 || err == nil {
		t.Fatalf("cancel connection: read %d bytes, %v", n, err)
	}
}

// runAsync runs sql on c in a goroutine and returns its error and how long
// it took.
type asyncResult struct {
	err     error
	elapsed time.Duration
}

func runAsync(ctx context.Context, c *pgx.Conn, sql string, mode pgx.QueryExecMode) <-chan asyncResult {
	ch := make(chan asyncResult, 1)
	go func() {
		start := time.Now()
		_, err := c.Exec(ctx, sql, mode)
		ch <- asyncResult{err, time.Since(start)}
	}()
	return ch
}

func waitResult(t *testing.T, ch <-chan asyncResult, within time.Duration) asyncResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(within):
		t.Fatalf("statement still running after %v", within)
		return asyncResult{}
	}
}

func TestCancelRequest(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement, pgx.QueryExecModeExec} {
		t.Run(mode.String(), func(t *testing.T) {
			c := ts.connect(t, "")
			ch := runAsync(ctx, c, "SELECT pg_sleep(10)", mode)
			time.Sleep(200 * time.Millisecond)
			start := time.Now()
			if err := c.PgConn().CancelRequest(ctx); err != nil {
				t.Fatal(err)
			}
			r := waitResult(t, ch, 3*time.Second)
			wantPgError(t, "canceled", r.err, "ERROR", "57014", canceledByUser)
			if d := time.Since(start); d > time.Second {
				t.Fatalf("cancel took %v", d)
			}
			// The session goes on.
			var n int
			if err := c.QueryRow(ctx, "SELECT 41 + 1").Scan(&n); err != nil || n != 42 {
				t.Fatalf("after cancel: %d %v", n, err)
			}
			if s := c.PgConn().TxStatus(); s != 'I' {
				t.Fatalf("tx status after cancel: %c", s)
			}
		})
	}

	// Inside a transaction block the cancel fails the transaction.
	c := ts.connect(t, "")
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ch := runAsync(ctx, c, "SELECT pg_sleep(10)", pgx.QueryExecModeSimpleProtocol)
	time.Sleep(200 * time.Millisecond)
	if err := c.PgConn().CancelRequest(ctx); err != nil {
		t.Fatal(err)
	}
	wantPgError(t, "canceled in tx", waitResult(t, ch, 3*time.Second).err, "ERROR", "57014", canceledByUser)
	if _, err := tx.Exec(ctx, "SELECT 1"); pgCode(err) != "25P02" {
		t.Fatalf("after cancel in tx: %v", err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

// Canceling the context of a pgx call sends a CancelRequest when pgx is
// configured to (its default closes the connection instead).
func TestCancelByContext(t *testing.T) {
	ts := startServer(t, nil)
	cfg, err := pgx.ParseConfig(ts.dsn(""))
	if err != nil {
		t.Fatal(err)
	}
	cfg.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, CancelRequestDelay: 0, DeadlineDelay: 5 * time.Second}
	}
	c, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Exec(ctx, "SELECT pg_sleep(10)")
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Fatalf("canceled statement returned after %v", d)
	}
	if pgCode(err) != "57014" && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("canceled by context: %v", err)
	}
	if c.IsClosed() {
		t.Fatal("the connection closed: the server did not answer the cancel in time")
	}
	var n int
	if err := c.QueryRow(context.Background(), "SELECT 7").Scan(&n); err != nil || n != 7 {
		t.Fatalf("after cancel: %d %v", n, err)
	}
}

// A CancelRequest needs the session's secret key: a wrong one (or a wrong
// pid) does nothing and is not answered.
func TestCancelWrongKey(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	rc := rawDial(t, ts.addr)
	res := rc.login(rawAdmin(), adminPassword, scramAuto)
	if res.err != nil {
		t.Fatal(res.err.Message)
	}
	if len(res.secret) != 4 {
		t.Fatalf("secret key of %d bytes", len(res.secret))
	}
	rc.send(&pgproto3.Query{String: "SELECT pg_sleep(0.5)"})
	time.Sleep(100 * time.Millisecond)
	wrong := append([]byte(nil), res.secret...)
	wrong[3] ^= 1
	sendCancel(t, ts.addr, res.pid, wrong)
	sendCancel(t, ts.addr, res.pid+1000, res.secret)
	sendCancel(t, ts.addr, res.pid, res.secret[:3]) // a short packet
	for {
		m, err := rc.receive()
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := m.(*pgproto3.ErrorResponse); ok {
			t.Fatalf("a cancel with a wrong key canceled: %s %s", e.Code, e.Message)
		}
		if _, ok := m.(*pgproto3.ReadyForQuery); ok {
			break
		}
	}

	// The right key does cancel.
	rc.send(&pgproto3.Query{String: "SELECT pg_sleep(10)"})
	time.Sleep(100 * time.Millisecond)
	sendCancel(t, ts.addr, res.pid, res.secret)
	var got *pgproto3.ErrorResponse
	for {
		m, err := rc.receive()
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := m.(*pgproto3.ErrorResponse); ok {
			got = e
		}
		if _, ok := m.(*pgproto3.ReadyForQuery); ok {
			break
		}
	}
	if got == nil || got.Code != "57014" || got.Message != canceledByUser {
		t.Fatalf("cancel with the right key: %+v", got)
	}

	// Two sessions do not share keys: canceling one leaves the other.
	c1, c2 := ts.connect(t, ""), ts.connect(t, "")
	if c1.PgConn().PID() == c2.PgConn().PID() {
		t.Fatal("two sessions with one pid")
	}
	ch := runAsync(ctx, c2, "SELECT pg_sleep(0.3)", pgx.QueryExecModeSimpleProtocol)
	time.Sleep(50 * time.Millisecond)
	if err := c1.PgConn().CancelRequest(ctx); err != nil {
		t.Fatal(err)
	}
	if r := waitResult(t, ch, 3*time.Second); r.err != nil {
		t.Fatalf("the other session was canceled: %v", r.err)
	}
}

func TestStatementTimeout(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c := ts.connect(t, "")
	if _, err := c.Exec(ctx, "SET statement_timeout = '100ms'"); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
		start := time.Now()
		_, err := c.Exec(ctx, "SELECT pg_sleep(5)", mode)
		wantPgError(t, "statement_timeout "+mode.String(), err, "ERROR", "57014", "canceling statement due to statement timeout")
		if d := time.Since(start); d < 90*time.Millisecond || d > time.Second {
			t.Fatalf("%v: timed out after %v", mode, d)
		}
	}
	// Statements under the timeout run.
	if _, err := c.Exec(ctx, "SELECT pg_sleep(0.01)"); err != nil {
		t.Fatal(err)
	}
	// The timeout applies per statement of a multi-statement query.
	if _, err := c.Exec(ctx, "SELECT pg_sleep(0.06); SELECT pg_sleep(0.06)", pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatalf("two statements each under the timeout: %v", err)
	}
	if _, err := c.Exec(ctx, "SET statement_timeout = 0"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "SELECT pg_sleep(0.2)"); err != nil {
		t.Fatalf("after statement_timeout = 0: %v", err)
	}

	// From the startup packet too.
	c2 := ts.connect(t, "&options=-c%20statement_timeout%3D50")
	_, err := c2.Exec(ctx, "SELECT pg_sleep(5)")
	wantPgError(t, "statement_timeout from options", err, "ERROR", "57014", "canceling statement due to statement timeout")
}

// A cancel of an idle session does nothing, not even to the next
// statement.
func TestCancelIdleSession(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c := ts.connect(t, "")
	for i := 0; i < 3; i++ {
		if err := c.PgConn().CancelRequest(ctx); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if _, err := c.Exec(ctx, "SELECT pg_sleep(0.2)"); err != nil {
		t.Fatalf("statement after idle cancels: %v", err)
	}
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PgConn().CancelRequest(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if _, err := tx.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatalf("idle in transaction, canceled: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// Cancel works on TLS sessions (pgx sends it over TLS) and on a server
// that requires TLS.
func TestCancelOverTLS(t *testing.T) {
	f := newTLSFixture(t)
	ts := startTLSServer(t, f, func(c *pgwire.Config) { c.RequireTLS = true })
	c, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode=require&channel_binding=disable"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ch := runAsync(ctx, c, "SELECT pg_sleep(10)", pgx.QueryExecModeSimpleProtocol)
	time.Sleep(200 * time.Millisecond)
	if err := c.PgConn().CancelRequest(ctx); err != nil {
		t.Fatal(err)
	}
	wantPgError(t, "canceled over TLS", waitResult(t, ch, 3*time.Second).err, "ERROR", "57014", canceledByUser)

	// A plain-text CancelRequest (libpq before 17) works as well.
	ch = runAsync(ctx, c, "SELECT pg_sleep(10)", pgx.QueryExecModeSimpleProtocol)
	time.Sleep(200 * time.Millisecond)
	sendCancel(t, ts.addr, c.PgConn().PID(), c.PgConn().SecretKey())
	wantPgError(t, "canceled in clear", waitResult(t, ch, 3*time.Second).err, "ERROR", "57014", canceledByUser)
}

// SHOW prints statement_timeout with its unit, as PostgreSQL does
// ("100ms", "5s", "0").
func TestStatementTimeoutShow(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c := ts.connect(t, "")
	var got string
	if _, err := c.Exec(ctx, "SET statement_timeout = '100ms'"); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, "SHOW statement_timeout").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got == "100" {
		t.Fatalf(`BUG: SHOW statement_timeout after SET statement_timeout = '100ms' prints "100"; PostgreSQL prints "100ms" ` +
			`(and "1234ms" for -c statement_timeout=1234, "5s" for '5000ms') — format durations with their unit in sql/settings.go (checkDuration)`)
	}
	if got != "100ms" {
		t.Fatalf("SHOW statement_timeout = %q", got)
	}
}

// A client that asks for protocol 3.2 (longer cancel keys) is negotiated
// down to 3.0 and its cancel still works.
func TestCancelProtocol32Client(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c := ts.connect(t, "&max_protocol_version=3.2")
	if n := len(c.PgConn().SecretKey()); n != 4 {
		t.Fatalf("secret key of %d bytes", n)
	}
	ch := runAsync(ctx, c, "SELECT pg_sleep(10)", pgx.QueryExecModeSimpleProtocol)
	time.Sleep(200 * time.Millisecond)
	if err := c.PgConn().CancelRequest(ctx); err != nil {
		t.Fatal(err)
	}
	wantPgError(t, "canceled, protocol 3.2 client", waitResult(t, ch, 3*time.Second).err, "ERROR", "57014", canceledByUser)
}
