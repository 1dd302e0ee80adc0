package pgwire_test

// Bad input: garbage before and after login. Each case runs against one
// server; after each, the same server must still serve a new pgx client
// and a session that was open all along. The server's log is captured:
// none of these cases may log above debug level (failed logins would be
// warnings; there are none here).

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/rand"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/pgwire"
)

// biLog collects the server's log lines (zerolog JSON).
type biLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *biLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// above returns the lines logged at warn level or above.
func (l *biLog) above() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.b.String(), "\n") {
		var rec struct{ Level string }
		if line == "" || json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		switch rec.Level {
		case "warn", "error", "fatal", "panic":
			out = append(out, line)
		}
	}
	return out
}

// biServer starts a server whose pgwire log is captured at every level;
// the check that nothing was logged above debug runs after shutdown.
func biServer(t *testing.T, maxMessage int) (*testServer, *biLog) {
	t.Helper()
	log := &biLog{}
	t.Cleanup(func() { // registered first: runs after the server's shutdown
		if lines := log.above(); len(lines) > 0 {
			t.Errorf("server logged above debug level:\n%s", strings.Join(lines, "\n"))
		}
	})
	ts := startServer(t, func(c *pgwire.Config) {
		c.Logger = zerolog.New(log)
		c.MaxMessageSize = maxMessage
		c.StartupTimeout = 10 * time.Second
	})
	return ts, log
}

// biAlive checks that the server still serves: a new pgx connection and
// one that was open before.
func biAlive(t *testing.T, ts *testServer, keep *pgx.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var s string
	if err := keep.QueryRow(ctx, "SELECT 'kept'").Scan(&s); err != nil || s != "kept" {
		t.Fatalf("open session: %q %v", s, err)
	}
	c, err := pgx.Connect(ctx, ts.dsn(""))
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer c.Close(ctx)
	var n int
	if err := c.QueryRow(ctx, "SELECT $1::int + 1", 1).Scan(&n); err != nil || n != 2 {
		t.Fatalf("new session: %d %v", n, err)
	}
}

// biDial opens a raw connection, not logged in.
func biDial(t *testing.T, addr string) *pgtestConn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &pgtestConn{nc: nc, br: bufio.NewReader(nc)}
}

// biLogin opens a raw connection logged in as the admin.
func biLogin(t *testing.T, ts *testServer) *pgtestConn {
	t.Helper()
	c := dialPGTest(t, pgtestTarget{addr: ts.addr, user: "admin", password: adminPassword, db: "defaultdb"})
	t.Cleanup(func() { c.nc.Close() })
	return c
}

func (c *pgtestConn) writeRaw(t *testing.T, b ...[]byte) {
	t.Helper()
	_ = c.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.nc.Write(bytes.Join(b, nil)); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func (c *pgtestConn) closeWrite() {
	if tc, ok := c.nc.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
}

// biMsg is one backend message, decoded when its type is known.
type biMsg struct {
	typ  byte
	body []byte
	err  *pgproto3.ErrorResponse // for 'E'
}

// next reads one message; ok is false once the server closed.
func (c *pgtestConn) next(t *testing.T) (biMsg, bool) {
	t.Helper()
	typ, body, err := c.readMessage()
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("server neither answered nor closed: %v", err)
		}
		return biMsg{}, false
	}
	m := biMsg{typ: typ, body: body}
	if typ == 'E' {
		m.err = &pgproto3.ErrorResponse{}
		if err := m.err.Decode(body); err != nil {
			t.Fatalf("bad ErrorResponse: %v", err)
		}
	}
	return m, true
}

// untilClosed reads everything until the server closes the connection.
func (c *pgtestConn) untilClosed(t *testing.T) []biMsg {
	t.Helper()
	var out []biMsg
	for {
		m, ok := c.next(t)
		if !ok {
			return out
		}
		out = append(out, m)
	}
}

// expectFatal reads until close and checks that the one message was a
// FATAL with this code (and message prefix).
func (c *pgtestConn) expectFatal(t *testing.T, code, prefix string) {
	t.Helper()
	msgs := c.untilClosed(t)
	if len(msgs) != 1 || msgs[0].err == nil {
		t.Fatalf("want one FATAL %s, got %s", code, biDescribe(msgs))
	}
	e := msgs[0].err
	if e.Severity != "FATAL" || e.SeverityUnlocalized != "FATAL" || e.Code != code || !strings.HasPrefix(e.Message, prefix) {
		t.Fatalf("want FATAL %s %q, got %s %s %q", code, prefix, e.Severity, e.Code, e.Message)
	}
}

// expectSilentClose checks that the server closed without a word.
func (c *pgtestConn) expectSilentClose(t *testing.T) {
	t.Helper()
	if msgs := c.untilClosed(t); len(msgs) != 0 {
		t.Fatalf("want a silent close, got %s", biDescribe(msgs))
	}
}

// until reads messages up to and including one of type typ.
func (c *pgtestConn) upTo(t *testing.T, typ byte) []biMsg {
	t.Helper()
	var out []biMsg
	for {
		m, ok := c.next(t)
		if !ok {
			t.Fatalf("closed while waiting for %c; got %s", typ, biDescribe(out))
		}
		out = append(out, m)
		if m.typ == typ {
			return out
		}
	}
}

// expectError reads up to ReadyForQuery and checks for one ERROR.
func (c *pgtestConn) expectError(t *testing.T, code string) {
	t.Helper()
	msgs := c.upTo(t, 'Z')
	var errs []*pgproto3.ErrorResponse
	for _, m := range msgs {
		if m.err != nil {
			errs = append(errs, m.err)
		}
	}
	if len(errs) != 1 || errs[0].Severity != "ERROR" || errs[0].Code != code {
		t.Fatalf("want one ERROR %s, got %s", code, biDescribe(msgs))
	}
}

// expectQueryWorks runs a simple query on the raw connection.
func (c *pgtestConn) expectQueryWorks(t *testing.T) {
	t.Helper()
	c.writeRaw(t, biEncode(t, &pgproto3.Query{String: "SELECT 'raw ok'"}))
	msgs := c.upTo(t, 'Z')
	for _, m := range msgs {
		if m.typ == 'D' && bytes.Contains(m.body, []byte("raw ok")) {
			return
		}
	}
	t.Fatalf("query on the same session failed: %s", biDescribe(msgs))
}

func biDescribe(msgs []biMsg) string {
	var parts []string
	for _, m := range msgs {
		if m.err != nil {
			parts = append(parts, string(m.typ)+"("+m.err.Severity+" "+m.err.Code+" "+m.err.Message+")")
		} else {
			parts = append(parts, string(m.typ))
		}
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, " ")
}

func biEncode(t *testing.T, msgs ...pgproto3.FrontendMessage) []byte {
	t.Helper()
	var b []byte
	for _, m := range msgs {
		var err error
		if b, err = m.Encode(b); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// biFrame builds a message of a type from a raw body.
func biFrame(typ byte, body []byte) []byte {
	b := []byte{typ, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[1:], uint32(len(body)+4))
	return append(b, body...)
}

// biStartup builds a startup packet of a protocol version.
func biStartup(major, minor uint16, params ...string) []byte {
	b := []byte{0, 0, 0, 0}
	b = binary.BigEndian.AppendUint16(b, major)
	b = binary.BigEndian.AppendUint16(b, minor)
	for _, p := range params {
		b = append(append(b, p...), 0)
	}
	b = append(b, 0)
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	return b
}

func TestBadInputBeforeLogin(t *testing.T) {
	ts, _ := biServer(t, 1<<20)
	keep := ts.connect(t, "")
	cases := []struct {
		name string
		run  func(t *testing.T, c *pgtestConn)
	}{
		{"http request", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, []byte("GET / HTTP/1.1\r\n\r\n"))
			c.expectSilentClose(t)
		}},
		{"tls without sslrequest", func(t *testing.T, c *pgtestConn) {
			tc := tls.Client(c.nc, &tls.Config{InsecureSkipVerify: true, ServerName: "localhost"})
			_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
			if err := tc.Handshake(); err == nil {
				t.Fatal("TLS handshake succeeded")
			}
			c.expectSilentClose(t)
		}},
		{"empty connection", func(t *testing.T, c *pgtestConn) {
			c.nc.Close()
		}},
		{"startup length 3", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, []byte{0, 0, 0, 3})
			c.expectSilentClose(t)
		}},
		{"startup length 10001", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, []byte{0, 0, 0x27, 0x11}, make([]byte, 100))
			c.expectSilentClose(t)
		}},
		{"startup length 2^31-1", func(t *testing.T, c *pgtestConn) {
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			c.writeRaw(t, []byte{0x7f, 0xff, 0xff, 0xff}, make([]byte, 100))
			c.expectSilentClose(t)
			runtime.ReadMemStats(&ms1)
			if d := ms1.TotalAlloc - ms0.TotalAlloc; d > 16<<20 {
				t.Fatalf("allocated %d bytes", d)
			}
		}},
		{"truncated startup", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biStartup(3, 0, "user", "admin", "database", "defaultdb")[:15])
			c.closeWrite()
			c.expectSilentClose(t)
		}},
		{"protocol 2.0", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biStartup(2, 0, "user", "admin"))
			c.expectFatal(t, "0A000", "unsupported frontend protocol 2.0")
		}},
		{"protocol 4.0", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biStartup(4, 0, "user", "admin"))
			c.expectFatal(t, "0A000", "unsupported frontend protocol 4.0")
		}},
		{"protocol 3.1", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biStartup(3, 1, "user", "admin", "database", "defaultdb", "_pq_.something", "x"))
			m, ok := c.next(t)
			if !ok || m.typ != 'v' {
				t.Fatalf("want NegotiateProtocolVersion, got %c", m.typ)
			}
			want := []byte{0, 3, 0, 0, 0, 0, 0, 1}
			want = append(append(want, "_pq_.something"...), 0)
			if !bytes.Equal(m.body, want) {
				t.Fatalf("NegotiateProtocolVersion body %q, want %q", m.body, want)
			}
			if m, ok := c.next(t); !ok || m.typ != 'R' {
				t.Fatalf("want an authentication request, got %c", m.typ)
			}
		}},
		{"no user", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biStartup(3, 0, "database", "defaultdb"))
			c.expectFatal(t, "28000", "no PostgreSQL user name specified")
		}},
		{"odd startup parameters", func(t *testing.T, c *pgtestConn) {
			// A name without a value: the layout is wrong.
			b := []byte{0, 0, 0, 0, 0, 3, 0, 0}
			b = append(b, "user\x00admin\x00dangling\x00"...)
			binary.BigEndian.PutUint32(b, uint32(len(b)))
			c.writeRaw(t, b)
			c.expectFatal(t, "08P01", "invalid startup packet layout")
		}},
	}
	for seed := int64(1); seed <= 6; seed++ {
		cases = append(cases, struct {
			name string
			run  func(t *testing.T, c *pgtestConn)
		}{"random bytes " + string(rune('0'+seed)), func(t *testing.T, c *pgtestConn) {
			b := make([]byte, 4096)
			rand.New(rand.NewSource(seed)).Read(b)
			if seed%2 == 0 {
				// A plausible length, so that the body is read.
				binary.BigEndian.PutUint32(b, uint32(200+seed))
			}
			c.writeRaw(t, b)
			c.closeWrite()
			c.untilClosed(t) // whatever it says, it closes
		}})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := biDial(t, ts.addr)
			tc.run(t, c)
			c.nc.Close()
			biAlive(t, ts, keep)
		})
	}
}

func TestBadInputAfterLogin(t *testing.T) {
	const limit = 1 << 20
	ts, _ := biServer(t, limit)
	keep := ts.connect(t, "")
	cases := []struct {
		name string
		run  func(t *testing.T, c *pgtestConn)
	}{
		{"length below 4", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, []byte{'Q', 0, 0, 0, 3})
			c.expectFatal(t, "08P01", "invalid message length")
		}},
		{"length over the limit", func(t *testing.T, c *pgtestConn) {
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			b := []byte{'Q', 0, 0, 0, 0}
			binary.BigEndian.PutUint32(b[1:], 64<<20)
			c.writeRaw(t, b, []byte("SELECT 1"))
			c.expectFatal(t, "54000", "message of")
			runtime.ReadMemStats(&ms1)
			if d := ms1.TotalAlloc - ms0.TotalAlloc; d > 16<<20 {
				t.Fatalf("allocated %d bytes", d)
			}
		}},
		{"length 2^32-1", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, []byte{'P', 0xff, 0xff, 0xff, 0xff})
			c.expectFatal(t, "08P01", "invalid message length")
		}},
		{"declared under the limit, then little", func(t *testing.T, c *pgtestConn) {
			b := []byte{'Q', 0, 0, 0, 0}
			binary.BigEndian.PutUint32(b[1:], limit)
			c.writeRaw(t, b, []byte("SELECT 1"))
			c.closeWrite()
			c.expectSilentClose(t)
		}},
		{"truncated message", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, []byte{'Q', 0, 0, 1, 0}, []byte("SELEC"))
			c.closeWrite()
			c.expectSilentClose(t)
		}},
		{"truncated header", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, []byte{'Q', 0, 0})
			c.closeWrite()
			c.expectSilentClose(t)
		}},
		{"unknown message type", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biFrame('z', nil))
			c.expectFatal(t, "08P01", "invalid frontend message type 122")
		}},
		{"unknown message type while skipping to sync", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biEncode(t, &pgproto3.Execute{Portal: "nope"}), biFrame(0, nil))
			msgs := c.untilClosed(t)
			if len(msgs) != 2 || msgs[0].err == nil || msgs[0].err.Code != "34000" || msgs[1].err == nil || msgs[1].err.Code != "08P01" {
				t.Fatalf("got %s", biDescribe(msgs))
			}
		}},
		{"bind count disagrees with body", func(t *testing.T, c *pgtestConn) {
			body := []byte("\x00s2\x00\x00\x00\x00\x02\x00\x00\x00\x011")
			c.writeRaw(t, biEncode(t, &pgproto3.Parse{Name: "s2", Query: "SELECT $1::int, $2::int"}), biFrame('B', body), biEncode(t, &pgproto3.Sync{}))
			c.expectError(t, "08P01")
			c.expectQueryWorks(t)
		}},
		{"bind with negative length", func(t *testing.T, c *pgtestConn) {
			body := []byte("\x00s2\x00\x00\x00\x00\x02\xff\xff\xff\xfe\xff\xff\xff\xff\x00\x00")
			c.writeRaw(t, biEncode(t, &pgproto3.Parse{Name: "s2", Query: "SELECT $1::int, $2::int"}), biFrame('B', body), biEncode(t, &pgproto3.Sync{}))
			c.expectError(t, "08P01")
			c.expectQueryWorks(t)
		}},
		{"bind counting 65535 parameters with none", func(t *testing.T, c *pgtestConn) {
			body := []byte("\x00\x00\x00\x00\xff\xff")
			c.writeRaw(t, biEncode(t, &pgproto3.Parse{Query: "SELECT 1"}), biFrame('B', body), biEncode(t, &pgproto3.Sync{}))
			c.expectError(t, "08P01")
			c.expectQueryWorks(t)
		}},
		{"invalid utf-8 query", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biFrame('Q', []byte("SELECT '\xff\xfe'\x00")))
			c.expectError(t, "22021")
			c.expectQueryWorks(t)
		}},
		{"query with a nul byte", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biFrame('Q', []byte("SELECT 1\x00; SELECT 2\x00")))
			c.expectError(t, "08P01")
			c.expectQueryWorks(t)
		}},
		{"65535 parameters", func(t *testing.T, c *pgtestConn) {
			oids := make([]uint32, 65535)
			for i := range oids {
				oids[i] = 23
			}
			params := make([][]byte, 65535)
			params[65534] = []byte("7")
			c.writeRaw(t, biEncode(t,
				&pgproto3.Parse{Query: "SELECT $65535::int", ParameterOIDs: oids},
				&pgproto3.Describe{ObjectType: 'S'},
				&pgproto3.Bind{Parameters: params},
				&pgproto3.Execute{},
				&pgproto3.Sync{}))
			msgs := c.upTo(t, 'Z')
			var got string
			for _, m := range msgs {
				if m.err != nil {
					t.Fatalf("got %s", biDescribe(msgs))
				}
				if m.typ == 't' && binary.BigEndian.Uint16(m.body) != 65535 {
					t.Fatalf("ParameterDescription of %d", binary.BigEndian.Uint16(m.body))
				}
				if m.typ == 'D' {
					got = string(m.body[6:])
				}
			}
			if got != "7" {
				t.Fatalf("got %q from %s", got, biDescribe(msgs))
			}
		}},
		{"65536 parameters", func(t *testing.T, c *pgtestConn) {
			// Difference: PostgreSQL accepts $65536 at Parse (and no Bind
			// can then supply it); stela refuses it at once.
			oids := make([]uint32, 65535)
			c.writeRaw(t, biEncode(t, &pgproto3.Parse{Query: "SELECT $1::int, $65536::int", ParameterOIDs: oids}, &pgproto3.Sync{}))
			c.expectError(t, "42P02") // "there is no parameter $65536"
			c.writeRaw(t, biEncode(t, &pgproto3.Parse{Query: "SELECT $70000::text"}, &pgproto3.Sync{}))
			c.expectError(t, "42P02")
			c.expectQueryWorks(t)
		}},
		{"70000 columns", func(t *testing.T, c *pgtestConn) {
			q := "SELECT " + strings.Repeat("1,", 69999) + "1"
			c.writeRaw(t, biEncode(t, &pgproto3.Query{String: q}))
			c.expectError(t, "54011")
			c.expectQueryWorks(t)
		}},
		{"copy messages outside copy", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biFrame('d', []byte("1\t2\n")), biFrame('c', nil), biFrame('f', []byte("boom\x00")))
			c.expectQueryWorks(t)
		}},
		{"function call", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biFrame('F', []byte{0, 0, 0, 89, 0, 0, 0, 0, 0, 0}))
			c.expectError(t, "0A000")
			c.expectQueryWorks(t)
		}},
		{"huge parse near the limit", func(t *testing.T, c *pgtestConn) {
			head := "SELECT 'big' -- "
			// Body: name NUL, query NUL, int16 count: limit exactly.
			q := head + strings.Repeat("x", limit-len(head)-4)
			c.writeRaw(t, biEncode(t, &pgproto3.Parse{Query: q}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{}))
			msgs := c.upTo(t, 'Z')
			if len(msgs) != 5 || msgs[2].typ != 'D' {
				t.Fatalf("got %s", biDescribe(msgs))
			}
			q += "x"
			c.writeRaw(t, biEncode(t, &pgproto3.Parse{Query: q}))
			c.expectFatal(t, "54000", "message of")
		}},
		{"small messages with huge bodies", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biFrame('S', make([]byte, 100000)))
			c.expectFatal(t, "54000", "message of")
		}},
		{"terminate", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biEncode(t, &pgproto3.Terminate{}))
			c.expectSilentClose(t)
		}},
		{"close mid-pipeline", func(t *testing.T, c *pgtestConn) {
			c.writeRaw(t, biEncode(t, &pgproto3.Query{String: "BEGIN"}, &pgproto3.Parse{Query: "SELECT pg_sleep(0.05)"}, &pgproto3.Bind{}, &pgproto3.Execute{}))
			c.nc.Close()
		}},
		{"client reset", func(t *testing.T, c *pgtestConn) {
			if tc, ok := c.nc.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			c.writeRaw(t, biEncode(t, &pgproto3.Query{String: "SELECT pg_sleep(0.05)"}))
			c.nc.Close()
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := biLogin(t, ts)
			tc.run(t, c)
			c.nc.Close()
			biAlive(t, ts, keep)
		})
	}
}
