package pgwire_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/rs/zerolog"
	"github.com/xdg-go/scram"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/internal/passwd"
	"github.com/stela-db/stela/pgwire"
)

// This file holds the hand-driven frontend (rawConn) that the TLS, cancel
// and limits tests use too, and the tests of authentication.

// Request codes of the untyped first packets.
const (
	rawCancelRequestCode = 80877102
	rawSSLRequestCode    = 80877103
	rawGSSENCRequestCode = 80877104
)

// rawConn is a frontend driven message by message.
type rawConn struct {
	t  testing.TB
	nc net.Conn
	fe *pgproto3.Frontend
}

// rawDial opens a plain TCP connection to addr.
func rawDial(t testing.TB, addr string) *rawConn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawConn{t: t, nc: nc, fe: pgproto3.NewFrontend(nc, nc)}
}

// requestPacket is an 8-byte SSLRequest or GSSENCRequest.
func requestPacket(code uint32) []byte {
	b := binary.BigEndian.AppendUint32(nil, 8)
	return binary.BigEndian.AppendUint32(b, code)
}

// request sends SSLRequest or GSSENCRequest and returns the one-byte
// answer.
func (c *rawConn) request(code uint32) byte {
	c.t.Helper()
	if _, err := c.nc.Write(requestPacket(code)); err != nil {
		c.t.Fatalf("write request: %v", err)
	}
	var b [1]byte
	if _, err := c.nc.Read(b[:]); err != nil {
		c.t.Fatalf("read answer to request %d: %v", code, err)
	}
	return b[0]
}

// startTLS sends SSLRequest and, when the server answers 'S', runs the
// TLS handshake with cfg. It returns the server's answer and the
// handshake's error.
func (c *rawConn) startTLS(cfg *tls.Config) (byte, error) {
	c.t.Helper()
	answer := c.request(rawSSLRequestCode)
	if answer != 'S' {
		return answer, nil
	}
	tc := tls.Client(c.nc, cfg)
	if err := tc.Handshake(); err != nil {
		return answer, err
	}
	c.nc = tc
	c.fe = pgproto3.NewFrontend(tc, tc)
	return answer, nil
}

// sendStartup sends a StartupMessage for protocol 3.0.
func (c *rawConn) sendStartup(params map[string]string) {
	c.t.Helper()
	b, err := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: params}).Encode(nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatalf("write startup: %v", err)
	}
}

func (c *rawConn) send(msgs ...pgproto3.FrontendMessage) {
	c.t.Helper()
	for _, m := range msgs {
		c.fe.Send(m)
	}
	if err := c.fe.Flush(); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// receive reads one backend message (copying the error responses, whose
// buffers the frontend reuses).
func (c *rawConn) receive() (pgproto3.BackendMessage, error) {
	m, err := c.fe.Receive()
	if e, ok := m.(*pgproto3.ErrorResponse); ok {
		cp := *e
		return &cp, err
	}
	return m, err
}

// scramMode selects how the raw client runs SCRAM.
type scramMode int

const (
	scramAuto        scramMode = iota // -PLUS with the real binding when offered, plain otherwise
	scramPlain                        // SCRAM-SHA-256, flag "n"
	scramPlusNoBind                   // SCRAM-SHA-256-PLUS selected but flag "n" (no binding data)
	scramPlusBadBind                  // SCRAM-SHA-256-PLUS with binding data of another certificate
	scramClaimNoPlus                  // SCRAM-SHA-256 with flag "y": "I support binding, you did not offer it"
)

// loginResult is what a raw login saw.
type loginResult struct {
	mechs     []string          // AuthenticationSASL's mechanisms
	cleartext bool              // AuthenticationCleartextPassword was asked
	params    map[string]string // ParameterStatus
	pid       uint32
	secret    []byte
	err       *pgproto3.ErrorResponse // the error that ended the login
}

// login sends a startup message with params and answers authentication
// with password until ReadyForQuery or an ErrorResponse.
func (c *rawConn) login(params map[string]string, password string, mode scramMode) loginResult {
	c.t.Helper()
	c.sendStartup(params)
	res := loginResult{params: map[string]string{}}
	var conv *scram.ClientConversation
	for {
		m, err := c.receive()
		if err != nil {
			c.t.Fatalf("login: receive: %v", err)
		}
		switch m := m.(type) {
		case *pgproto3.AuthenticationSASL:
			res.mechs = append([]string(nil), m.AuthMechanisms...)
			client, err := scram.SHA256.NewClient("", password, "")
			if err != nil {
				c.t.Fatal(err)
			}
			mech := "SCRAM-SHA-256"
			plusOffered := false
			for _, x := range m.AuthMechanisms {
				plusOffered = plusOffered || x == "SCRAM-SHA-256-PLUS"
			}
			var binding scram.ChannelBinding
			if tc, ok := c.nc.(*tls.Conn); ok {
				cs := tc.ConnectionState()
				binding, _ = scram.NewTLSServerEndpointBinding(&cs)
			}
			switch mode {
			case scramAuto:
				if plusOffered && binding.IsSupported() {
					mech, conv = "SCRAM-SHA-256-PLUS", client.NewConversationWithChannelBinding(binding)
				} else {
					conv = client.NewConversation()
				}
			case scramPlain:
				conv = client.NewConversation()
			case scramPlusNoBind:
				mech, conv = "SCRAM-SHA-256-PLUS", client.NewConversation()
			case scramPlusBadBind:
				bad := scram.ChannelBinding{Type: scram.ChannelBindingTLSServerEndpoint, Data: bytes.Repeat([]byte{0xAB}, 32)}
				mech, conv = "SCRAM-SHA-256-PLUS", client.NewConversationWithChannelBinding(bad)
			case scramClaimNoPlus:
				conv = client.NewConversationAdvertisingChannelBinding()
			}
			first, err := conv.Step("")
			if err != nil {
				c.t.Fatal(err)
			}
			c.send(&pgproto3.SASLInitialResponse{AuthMechanism: mech, Data: []byte(first)})
		case *pgproto3.AuthenticationSASLContinue:
			final, err := conv.Step(string(m.Data))
			if err != nil {
				c.t.Fatalf("SCRAM step: %v", err)
			}
			c.send(&pgproto3.SASLResponse{Data: []byte(final)})
		case *pgproto3.AuthenticationSASLFinal:
			if _, err := conv.Step(string(m.Data)); err != nil {
				c.t.Fatalf("server's SCRAM signature does not verify: %v", err)
			}
		case *pgproto3.AuthenticationCleartextPassword:
			res.cleartext = true
			c.send(&pgproto3.PasswordMessage{Password: password})
		case *pgproto3.AuthenticationOk:
		case *pgproto3.ParameterStatus:
			res.params[m.Name] = m.Value
		case *pgproto3.BackendKeyData:
			res.pid, res.secret = m.ProcessID, append([]byte(nil), m.SecretKey...)
		case *pgproto3.ReadyForQuery:
			return res
		case *pgproto3.ErrorResponse:
			res.err = m
			return res
		case *pgproto3.NoticeResponse:
		default:
			c.t.Fatalf("login: unexpected %T", m)
		}
	}
}

// expectClosed checks that the server closes the connection with nothing
// more to say.
func (c *rawConn) expectClosed() {
	c.t.Helper()
	m, err := c.receive()
	if err == nil {
		c.t.Fatalf("expected the connection to close, got %T %+v", m, m)
	}
}

// rawAdmin is the startup packet of the admin on defaultdb.
func rawAdmin(extra ...string) map[string]string {
	p := map[string]string{"user": "admin", "database": "defaultdb"}
	for i := 0; i+1 < len(extra); i += 2 {
		p[extra[i]] = extra[i+1]
	}
	return p
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// dsnWith is a connection string for user/password at ts with the given
// query (no sslmode preset).
func dsnWith(ts *testServer, user, password, db, query string) string {
	host, port, _ := net.SplitHostPort(ts.addr)
	u := fmt.Sprintf("postgres://%s:%s@%s:%s/%s", user, urlEscape(password), host, port, db)
	if query != "" {
		u += "?" + query
	}
	return u
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, r := range []byte(s) {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			b.WriteByte(r)
		} else {
			fmt.Fprintf(&b, "%%%02X", r)
		}
	}
	return b.String()
}

// tryConnect connects with pgx and returns the error (the connection is
// closed at the end of the test).
func tryConnect(t testing.TB, dsn string) (*pgx.Conn, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err == nil {
		t.Cleanup(func() { c.Close(context.Background()) })
	}
	return c, err
}

// wantPgError checks err's severity, code and message.
func wantPgError(t testing.TB, what string, err error, severity, code, message string) {
	t.Helper()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		t.Fatalf("%s: want %s %s %q, got %v", what, severity, code, message, err)
	}
	if pe.Severity != severity || pe.Code != code || pe.Message != message {
		t.Fatalf("%s: want %s %s %q, got %s %s %q", what, severity, code, message, pe.Severity, pe.Code, pe.Message)
	}
}

func TestAuthSCRAMPasswordRight(t *testing.T) {
	ts := startServer(t, nil)
	c, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, "defaultdb", "sslmode=disable"))
	if err != nil {
		t.Fatal(err)
	}
	var user string
	if err := c.QueryRow(context.Background(), "SHOW session_authorization").Scan(&user); err != nil || user != "admin" {
		t.Fatalf("session_authorization = %q, %v", user, err)
	}
	// The raw exchange: only SCRAM-SHA-256 without TLS, and the server's
	// final signature verifies (checked in login).
	rc := rawDial(t, ts.addr)
	res := rc.login(rawAdmin(), adminPassword, scramAuto)
	if res.err != nil {
		t.Fatalf("raw login: %s %s", res.err.Code, res.err.Message)
	}
	if strings.Join(res.mechs, ",") != "SCRAM-SHA-256" {
		t.Fatalf("mechanisms without TLS: %v", res.mechs)
	}
	if res.params["is_superuser"] != "on" || res.params["session_authorization"] != "admin" || res.pid == 0 {
		t.Fatalf("after login: %+v", res)
	}
}

// A wrong password and an unknown user get the very same answer, and both
// are logged at warn level.
func TestAuthFailureSameForUnknownUser(t *testing.T) {
	var logs syncBuffer
	ts := startServer(t, func(c *pgwire.Config) { c.Logger = zerolog.New(&logs).Level(zerolog.InfoLevel) })

	_, err := tryConnect(t, dsnWith(ts, "admin", "Wrong!pw0rd", "defaultdb", "sslmode=disable"))
	wantPgError(t, "wrong password", err, "FATAL", "28P01", `password authentication failed for user "admin"`)
	_, err = tryConnect(t, dsnWith(ts, "nosuchuser", adminPassword, "defaultdb", "sslmode=disable"))
	wantPgError(t, "unknown user", err, "FATAL", "28P01", `password authentication failed for user "nosuchuser"`)

	// The exchanges look the same on the wire: the same mechanisms, and
	// the failure comes after the client's proof.
	for _, user := range []string{"admin", "nosuchuser"} {
		rc := rawDial(t, ts.addr)
		res := rc.login(map[string]string{"user": user, "database": "defaultdb"}, "Wrong!pw0rd", scramAuto)
		if res.err == nil || res.err.Code != "28P01" || res.err.Severity != "FATAL" ||
			res.err.Message != fmt.Sprintf("password authentication failed for user %q", user) {
			t.Fatalf("raw %s: %+v", user, res.err)
		}
		if res.err.Detail != "" || res.err.Hint != "" {
			t.Fatalf("raw %s: the failure tells more than PostgreSQL: detail %q hint %q", user, res.err.Detail, res.err.Hint)
		}
		if strings.Join(res.mechs, ",") != "SCRAM-SHA-256" {
			t.Fatalf("raw %s: mechanisms %v", user, res.mechs)
		}
		rc.expectClosed()
	}

	out := logs.String()
	for _, user := range []string{"admin", "nosuchuser"} {
		found := false
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, `"level":"warn"`) && strings.Contains(line, `"user":"`+user+`"`) &&
				strings.Contains(line, "password authentication failed") {
				found = true
			}
		}
		if !found {
			t.Errorf("no warn-level log of the failed login of %s in:\n%s", user, out)
		}
	}
	if strings.Contains(out, "Wrong!pw0rd") || strings.Contains(out, adminPassword) {
		t.Errorf("a password was logged:\n%s", out)
	}
}

func TestAuthLoginNotPermitted(t *testing.T) {
	var logs syncBuffer
	ts := startServer(t, func(c *pgwire.Config) { c.Logger = zerolog.New(&logs).Level(zerolog.WarnLevel) })
	const pw = "No!login9"
	v, err := passwd.NewVerifier(pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.engine.System().CreateUser(context.Background(), catalog.User{Name: "nologin", Verifier: v, Login: false}); err != nil {
		t.Fatal(err)
	}
	// A wrong password says nothing about the role.
	_, err = tryConnect(t, dsnWith(ts, "nologin", "Wrong!pw0rd", "defaultdb", "sslmode=disable"))
	wantPgError(t, "wrong password", err, "FATAL", "28P01", `password authentication failed for user "nologin"`)
	// The right one is told the role may not log in.
	_, err = tryConnect(t, dsnWith(ts, "nologin", pw, "defaultdb", "sslmode=disable"))
	wantPgError(t, "right password", err, "FATAL", "28000", `role "nologin" is not permitted to log in`)
	if !strings.Contains(logs.String(), "login refused") {
		t.Errorf("refused login not logged:\n%s", logs.String())
	}

	// A user without a password cannot log in at all.
	if err := ts.engine.System().CreateUser(context.Background(), catalog.User{Name: "nopass", Login: true}); err != nil {
		t.Fatal(err)
	}
	_, err = tryConnect(t, dsnWith(ts, "nopass", "", "defaultdb", "sslmode=disable"))
	wantPgError(t, "no password", err, "FATAL", "28P01", `password authentication failed for user "nopass"`)
}

func TestAuthDatabaseCheckedAfterAuthentication(t *testing.T) {
	ts := startServer(t, nil)
	// Wrong password on a missing database: the password is what fails.
	_, err := tryConnect(t, dsnWith(ts, "admin", "Wrong!pw0rd", "nosuchdb", "sslmode=disable"))
	wantPgError(t, "wrong password, missing db", err, "FATAL", "28P01", `password authentication failed for user "admin"`)
	_, err = tryConnect(t, dsnWith(ts, "admin", adminPassword, "nosuchdb", "sslmode=disable"))
	wantPgError(t, "missing db", err, "FATAL", "3D000", `database "nosuchdb" does not exist`)
	// Both initial databases exist.
	for _, db := range []string{"defaultdb", "postgres"} {
		if _, err := tryConnect(t, dsnWith(ts, "admin", adminPassword, db, "sslmode=disable")); err != nil {
			t.Fatalf("%s: %v", db, err)
		}
	}

	// Without a database, the user name is the database's (as in
	// PostgreSQL); there is no database "admin".
	rc := rawDial(t, ts.addr)
	res := rc.login(map[string]string{"user": "admin"}, adminPassword, scramAuto)
	if res.err == nil || res.err.Code != "3D000" || res.err.Severity != "FATAL" || res.err.Message != `database "admin" does not exist` {
		t.Fatalf("no database: %+v", res.err)
	}
	rc.expectClosed()

	// Without a user: 28000 before any authentication.
	rc = rawDial(t, ts.addr)
	res = rc.login(map[string]string{"database": "defaultdb"}, adminPassword, scramAuto)
	if res.err == nil || res.err.Code != "28000" || res.mechs != nil {
		t.Fatalf("no user: %+v", res)
	}
}

func TestAuthStartupParameters(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()

	c, err := tryConnect(t, ts.dsn("&application_name=myapp"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.PgConn().ParameterStatus("application_name"); got != "myapp" {
		t.Fatalf("application_name reported %q", got)
	}
	var app string
	if err := c.QueryRow(ctx, "SHOW application_name").Scan(&app); err != nil || app != "myapp" {
		t.Fatalf("SHOW application_name = %q, %v", app, err)
	}

	// An unknown setting in the startup packet is fatal, after
	// authentication.
	_, err = tryConnect(t, ts.dsn("&no_such_setting=1"))
	wantPgError(t, "unknown GUC", err, "FATAL", "42704", `unrecognized configuration parameter "no_such_setting"`)
	_, err = tryConnect(t, dsnWith(ts, "admin", "Wrong!pw0rd", "defaultdb", "sslmode=disable&no_such_setting=1"))
	wantPgError(t, "unknown GUC, wrong password", err, "FATAL", "28P01", `password authentication failed for user "admin"`)
	// A bad value of a known one too.
	_, err = tryConnect(t, ts.dsn("&DateStyle=Klingon"))
	wantPgError(t, "bad DateStyle", err, "FATAL", "22023", `invalid value for parameter "DateStyle": "Klingon"`)

	// options=-c name=value, applied and reported.
	c, err = tryConnect(t, ts.dsn("&options=-c%20DateStyle%3DGerman%20-c%20statement_timeout%3D1234"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.PgConn().ParameterStatus("DateStyle"); got != "German, DMY" {
		t.Fatalf("DateStyle reported %q", got)
	}
	var ds, st string
	if err := c.QueryRow(ctx, "SELECT current_setting('DateStyle'), current_setting('statement_timeout')").Scan(&ds, &st); err != nil {
		t.Fatal(err)
	}
	if ds != "German, DMY" || (st != "1234" && st != "1234ms") {
		t.Fatalf("from options: DateStyle %q, statement_timeout %q", ds, st)
	}
	// RESET goes back to the startup value, as in PostgreSQL.
	if _, err := c.Exec(ctx, "SET DateStyle = 'ISO'"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "RESET DateStyle"); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, "SHOW DateStyle").Scan(&ds); err != nil || ds != "German, DMY" {
		t.Fatalf("DateStyle after RESET = %q, %v", ds, err)
	}

	_, err = tryConnect(t, ts.dsn("&options=-c%20no_such_setting%3D1"))
	wantPgError(t, "unknown GUC in options", err, "FATAL", "42704", `unrecognized configuration parameter "no_such_setting"`)

	// Replication connections are refused.
	rc := rawDial(t, ts.addr)
	res := rc.login(rawAdmin("replication", "database"), adminPassword, scramAuto)
	if res.err == nil || res.err.Code != "0A000" {
		t.Fatalf("replication: %+v", res.err)
	}
}

// Corner cases of the SCRAM exchange with a raw client.
func TestAuthSCRAMProtocol(t *testing.T) {
	ts := startServer(t, nil)
	// An unknown mechanism is a protocol violation.
	rc := rawDial(t, ts.addr)
	rc.sendStartup(rawAdmin())
	m, err := rc.receive()
	if _, ok := m.(*pgproto3.AuthenticationSASL); !ok || err != nil {
		t.Fatalf("first reply %T %v", m, err)
	}
	rc.send(&pgproto3.SASLInitialResponse{AuthMechanism: "MD5", Data: []byte("x")})
	m, err = rc.receive()
	if e, ok := m.(*pgproto3.ErrorResponse); !ok || e.Code != "08P01" || err != nil {
		t.Fatalf("unknown mechanism: %T %+v %v", m, m, err)
	}

	// SCRAM-SHA-256-PLUS without TLS is refused.
	rc = rawDial(t, ts.addr)
	rc.sendStartup(rawAdmin())
	if m, err := rc.receive(); err != nil {
		t.Fatalf("%T %v", m, err)
	}
	rc.send(&pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256-PLUS", Data: []byte("p=tls-server-end-point,,n=,r=abc")})
	m, err = rc.receive()
	if e, ok := m.(*pgproto3.ErrorResponse); !ok || e.Code != "08P01" || err != nil {
		t.Fatalf("PLUS without TLS: %T %+v %v", m, m, err)
	}

	// A message other than a password message during authentication.
	rc = rawDial(t, ts.addr)
	rc.sendStartup(rawAdmin())
	if m, err := rc.receive(); err != nil {
		t.Fatalf("%T %v", m, err)
	}
	rc.send(&pgproto3.Query{String: "SELECT 1"})
	m, err = rc.receive()
	if e, ok := m.(*pgproto3.ErrorResponse); !ok || e.Code != "08P01" || err != nil {
		t.Fatalf("query during auth: %T %+v %v", m, m, err)
	}

	// A client that says it supports channel binding but saw no PLUS
	// ("y") is fine without TLS.
	rc = rawDial(t, ts.addr)
	if res := rc.login(rawAdmin(), adminPassword, scramClaimNoPlus); res.err != nil {
		t.Fatalf("flag y without TLS: %+v", res.err)
	}
}

// A client that hangs up in the middle of SCRAM costs nothing: the slot is
// released and the server goes on.
func TestAuthClientHangsUp(t *testing.T) {
	ts := startServer(t, func(c *pgwire.Config) { c.MaxConnections = 1 })
	for i := 0; i < 3; i++ {
		rc := rawDial(t, ts.addr)
		rc.sendStartup(rawAdmin())
		if m, err := rc.receive(); err != nil {
			t.Fatalf("%T %v", m, err)
		}
		rc.nc.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := tryConnect(t, ts.dsn(""))
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slots not released after clients hung up during authentication: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// serverFirst runs the start of a SCRAM exchange for user and returns the
// server-first-message.
func serverFirst(t *testing.T, addr, user string) string {
	t.Helper()
	rc := rawDial(t, addr)
	rc.sendStartup(map[string]string{"user": user, "database": "defaultdb"})
	if m, err := rc.receive(); err != nil {
		t.Fatalf("%T %v", m, err)
	}
	rc.send(&pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte("n,,n=,r=clientnonce")})
	m, err := rc.receive()
	sc, ok := m.(*pgproto3.AuthenticationSASLContinue)
	if !ok || err != nil {
		t.Fatalf("server-first for %s: %T %+v %v", user, m, m, err)
	}
	return string(sc.Data)
}

// The salt and iteration count an unknown user is offered are stable from
// one attempt to the next, as a real user's are: they do not tell who
// exists.
func TestAuthDecoySaltStable(t *testing.T) {
	ts := startServer(t, nil)
	saltIters := func(first string) string {
		_, rest, _ := strings.Cut(first, ",s=")
		return rest
	}
	for _, user := range []string{"admin", "ghost"} {
		a, b := serverFirst(t, ts.addr, user), serverFirst(t, ts.addr, user)
		if !strings.HasPrefix(a, "r=clientnonce") || saltIters(a) == "" || saltIters(a) != saltIters(b) {
			t.Fatalf("%s: server-first %q then %q", user, a, b)
		}
		if !strings.HasSuffix(a, ",i=4096") {
			t.Fatalf("%s: iterations in %q", user, a)
		}
	}
	if saltIters(serverFirst(t, ts.addr, "ghost")) == saltIters(serverFirst(t, ts.addr, "ghost2")) {
		t.Fatal("two unknown users get the same salt")
	}
}

// The protocol version of the startup packet: 3.x newer than 3.0 is
// negotiated down (NegotiateProtocolVersion with the unknown _pq_ options),
// 2.0 and 4.0 are refused.
func TestAuthStartupProtocolVersion(t *testing.T) {
	ts := startServer(t, nil)
	startup := func(version uint32, params map[string]string) *rawConn {
		rc := rawDial(t, ts.addr)
		b, err := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: params}).Encode(nil)
		if err != nil {
			t.Fatal(err)
		}
		binary.BigEndian.PutUint32(b[4:], version)
		if _, err := rc.nc.Write(b); err != nil {
			t.Fatal(err)
		}
		return rc
	}
	rc := startup(3<<16|2, rawAdmin("_pq_.test_option", "x"))
	m, err := rc.receive()
	nv, ok := m.(*pgproto3.NegotiateProtocolVersion)
	if !ok || err != nil || nv.NewestMinorProtocol != 3<<16 || strings.Join(nv.UnrecognizedOptions, ",") != "_pq_.test_option" {
		t.Fatalf("3.2 startup: %T %+v %v", m, m, err)
	}
	if m, err := rc.receive(); err != nil {
		t.Fatal(err)
	} else if _, ok := m.(*pgproto3.AuthenticationSASL); !ok {
		t.Fatalf("after NegotiateProtocolVersion: %T", m)
	}
	for _, v := range []uint32{2 << 16, 4 << 16} {
		rc := startup(v, rawAdmin())
		m, err := rc.receive()
		e, ok := m.(*pgproto3.ErrorResponse)
		if !ok || err != nil || e.Code != "0A000" || e.Severity != "FATAL" || !strings.HasPrefix(e.Message, "unsupported frontend protocol") {
			t.Fatalf("version %#x: %T %+v %v", v, m, m, err)
		}
	}
	// pgx asking for 3.2 connects.
	c := ts.connect(t, "&max_protocol_version=3.2")
	if err := c.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}
