package pgwire_test

// Protocol scripts: testdata/pgtest/* are datadriven files that talk the
// wire protocol with a raw frontend and print every backend message.
//
// Directives (each may carry stela_only or pg_only, which skips it on the
// other server and keeps its expected output as written):
//
//	send            one frontend message per line as JSON, {"Type":"Parse",...};
//	                all are written at once (a pipeline)
//	send_raw        hex bytes (whitespace ignored, "#" starts a comment)
//	until [ignore=T1,T2] [nomessage] [nodetail]
//	                reads messages until each listed type (one per line;
//	                ReadyForQuery when empty) has arrived in turn, printing
//	                each as one JSON line; ignore drops types from the output,
//	                nomessage drops error messages and nodetail their detail
//	                and hint (for errors whose text differs between servers)
//	receive / until crash
//	                reads until the server closes the connection
//	reconnect       closes the connection and opens a new one
//
// Expected output is regenerated with -rewrite. The same scripts run
// against a real PostgreSQL with -pgtest.addr=127.0.0.1:54315 (or
// STELA_PGTEST_ADDR; TestPGTestPostgres uses it when reachable): where
// stela must behave as PostgreSQL does, both must print the same.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/jackc/pgproto3/v2"
	"github.com/xdg-go/scram"
)

var (
	pgtestAddr = flag.String("pgtest.addr", os.Getenv("STELA_PGTEST_ADDR"),
		"run the protocol scripts against this PostgreSQL (host:port) instead of stela")
	pgtestUser = flag.String("pgtest.user", "postgres", "user for -pgtest.addr")
	pgtestPass = flag.String("pgtest.password", "", "password for -pgtest.addr (SCRAM or cleartext; empty for trust)")
	pgtestDB   = flag.String("pgtest.db", "postgres", "database for -pgtest.addr")
)

// defaultPGAddr is where a developer's PostgreSQL 15 listens; the
// comparison test skips when nothing answers there.
const defaultPGAddr = "127.0.0.1:54315"

// TestPGTest runs the protocol scripts against stela, or against the
// PostgreSQL named by -pgtest.addr.
func TestPGTest(t *testing.T) {
	if *pgtestAddr != "" {
		runPGTests(t, pgtestTarget{addr: *pgtestAddr, user: *pgtestUser, password: *pgtestPass, db: *pgtestDB, isPG: true})
		return
	}
	ts := startServer(t, nil)
	runPGTests(t, pgtestTarget{addr: ts.addr, user: "admin", password: adminPassword, db: "defaultdb"})
}

// TestPGTestPostgres checks the scripts' expectations against a real
// PostgreSQL when one is reachable (STELA_PGTEST_ADDR, else
// 127.0.0.1:54315; "off" disables). It never rewrites.
func TestPGTestPostgres(t *testing.T) {
	addr := os.Getenv("STELA_PGTEST_ADDR")
	if addr == "off" || *pgtestAddr != "" {
		t.Skip("disabled, or TestPGTest already runs against PostgreSQL")
	}
	if addr == "" {
		addr = defaultPGAddr
	}
	nc, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Skipf("no PostgreSQL at %s: %v", addr, err)
	}
	nc.Close()
	if flag.Lookup("rewrite").Value.String() == "true" {
		t.Skip("not rewriting from PostgreSQL here; use -pgtest.addr")
	}
	runPGTests(t, pgtestTarget{addr: addr, user: *pgtestUser, password: *pgtestPass, db: *pgtestDB, isPG: true})
}

type pgtestTarget struct {
	addr, user, password, db string
	isPG                     bool
}

func runPGTests(t *testing.T, tgt pgtestTarget) {
	datadriven.Walk(t, "testdata/pgtest", func(t *testing.T, path string) {
		c := dialPGTest(t, tgt)
		defer func() { c.close() }()
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			if (d.HasArg("stela_only") && tgt.isPG) || (d.HasArg("pg_only") && !tgt.isPG) {
				return d.Expected
			}
			switch d.Cmd {
			case "send":
				c.send(t, d.Input)
				return ""
			case "send_raw":
				c.sendRaw(t, d.Input)
				return ""
			case "until":
				if d.HasArg("crash") {
					return c.receiveAll(t, d)
				}
				return c.until(t, d)
			case "receive":
				return c.receiveAll(t, d)
			case "reconnect":
				c.close()
				c = dialPGTest(t, tgt)
				return ""
			default:
				d.Fatalf(t, "unknown directive %q", d.Cmd)
				return ""
			}
		})
	})
}

// pgtestConn is a raw frontend connection.
type pgtestConn struct {
	nc net.Conn
	br *bufio.Reader
}

const pgtestReadTimeout = 10 * time.Second

// dialPGTest connects and logs in (trust, SCRAM-SHA-256 or cleartext),
// consuming every message up to the first ReadyForQuery.
func dialPGTest(t *testing.T, tgt pgtestTarget) *pgtestConn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", tgt.addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", tgt.addr, err)
	}
	c := &pgtestConn{nc: nc, br: bufio.NewReader(nc)}
	startup := &pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: map[string]string{
		"user": tgt.user, "database": tgt.db, "client_encoding": "UTF8", "DateStyle": "ISO, MDY", "TimeZone": "UTC",
		"extra_float_digits": "1",
	}}
	c.write(t, pgtEncode(t, startup))
	var conv *scram.ClientConversation
	for {
		typ, body, err := c.readMessage()
		if err != nil {
			t.Fatalf("startup: %v", err)
		}
		switch typ {
		case 'R':
			switch code := binary.BigEndian.Uint32(body); code {
			case 0: // AuthenticationOk
			case 3: // cleartext
				c.write(t, pgtEncode(t, &pgproto3.PasswordMessage{Password: tgt.password}))
			case 10: // SASL
				client, err := scram.SHA256.NewClient(tgt.user, tgt.password, "")
				if err != nil {
					t.Fatal(err)
				}
				conv = client.NewConversation()
				first, _ := conv.Step("")
				c.write(t, pgtEncode(t, &pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte(first)}))
			case 11: // SASLContinue
				next, err := conv.Step(string(body[4:]))
				if err != nil {
					t.Fatalf("scram: %v", err)
				}
				c.write(t, pgtEncode(t, &pgproto3.SASLResponse{Data: []byte(next)}))
			case 12: // SASLFinal
				if _, err := conv.Step(string(body[4:])); err != nil {
					t.Fatalf("scram final: %v", err)
				}
			default:
				t.Fatalf("unsupported authentication request %d", code)
			}
		case 'E':
			m := &pgproto3.ErrorResponse{}
			_ = m.Decode(body)
			t.Fatalf("startup failed: %s %s", m.Code, m.Message)
		case 'Z':
			return c
		}
	}
}

func (c *pgtestConn) close() {
	_, _ = c.nc.Write([]byte{'X', 0, 0, 0, 4})
	_ = c.nc.Close()
}

func pgtEncode(t *testing.T, m interface{ Encode([]byte) ([]byte, error) }) []byte {
	b, err := m.Encode(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c *pgtestConn) write(t *testing.T, b []byte) {
	t.Helper()
	_ = c.nc.SetWriteDeadline(time.Now().Add(pgtestReadTimeout))
	if _, err := c.nc.Write(b); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// pgtFrontend maps the "Type" of a JSON line to a new message.
var pgtFrontend = map[string]func() pgproto3.FrontendMessage{
	"Query":           func() pgproto3.FrontendMessage { return &pgproto3.Query{} },
	"Parse":           func() pgproto3.FrontendMessage { return &pgproto3.Parse{} },
	"Bind":            func() pgproto3.FrontendMessage { return &pgproto3.Bind{} },
	"Describe":        func() pgproto3.FrontendMessage { return &pgproto3.Describe{} },
	"Execute":         func() pgproto3.FrontendMessage { return &pgproto3.Execute{} },
	"Close":           func() pgproto3.FrontendMessage { return &pgproto3.Close{} },
	"Sync":            func() pgproto3.FrontendMessage { return &pgproto3.Sync{} },
	"Flush":           func() pgproto3.FrontendMessage { return &pgproto3.Flush{} },
	"Terminate":       func() pgproto3.FrontendMessage { return &pgproto3.Terminate{} },
	"CopyData":        func() pgproto3.FrontendMessage { return &pgproto3.CopyData{} },
	"CopyDone":        func() pgproto3.FrontendMessage { return &pgproto3.CopyDone{} },
	"CopyFail":        func() pgproto3.FrontendMessage { return &pgproto3.CopyFail{} },
	"FunctionCall":    func() pgproto3.FrontendMessage { return &pgproto3.FunctionCall{} },
	"PasswordMessage": func() pgproto3.FrontendMessage { return &pgproto3.PasswordMessage{} },
}

// pgtDecodeFrontend turns one JSON line into a frontend message.
func pgtDecodeFrontend(line string) (pgproto3.FrontendMessage, error) {
	var head struct{ Type string }
	if err := json.Unmarshal([]byte(line), &head); err != nil {
		return nil, err
	}
	mk, ok := pgtFrontend[head.Type]
	if !ok {
		return nil, fmt.Errorf("unknown message type %q", head.Type)
	}
	m := mk()
	if err := json.Unmarshal([]byte(line), m); err != nil {
		return nil, err
	}
	return m, nil
}

func (c *pgtestConn) send(t *testing.T, input string) {
	t.Helper()
	var buf []byte
	for _, line := range strings.Split(input, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m, err := pgtDecodeFrontend(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if buf, err = m.Encode(buf); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	c.write(t, buf)
}

func (c *pgtestConn) sendRaw(t *testing.T, input string) {
	t.Helper()
	var hx strings.Builder
	for _, line := range strings.Split(input, "\n") {
		line, _, _ = strings.Cut(line, "#")
		hx.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(hx.String())
	if err != nil {
		t.Fatalf("send_raw: %v", err)
	}
	c.write(t, b)
}

// readMessage reads one backend message.
func (c *pgtestConn) readMessage() (byte, []byte, error) {
	_ = c.nc.SetReadDeadline(time.Now().Add(pgtestReadTimeout))
	var hdr [5]byte
	if _, err := io.ReadFull(c.br, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n < 4 || n > 1<<30 {
		return 0, nil, fmt.Errorf("bad backend message length %d", n)
	}
	body := make([]byte, n-4)
	if _, err := io.ReadFull(c.br, body); err != nil {
		return 0, nil, err
	}
	return hdr[0], body, nil
}

// pgtBackend maps type bytes to messages (authentication aside).
var pgtBackend = map[byte]func() pgproto3.BackendMessage{
	'1': func() pgproto3.BackendMessage { return &pgproto3.ParseComplete{} },
	'2': func() pgproto3.BackendMessage { return &pgproto3.BindComplete{} },
	'3': func() pgproto3.BackendMessage { return &pgproto3.CloseComplete{} },
	'A': func() pgproto3.BackendMessage { return &pgproto3.NotificationResponse{} },
	'C': func() pgproto3.BackendMessage { return &pgproto3.CommandComplete{} },
	'D': func() pgproto3.BackendMessage { return &pgproto3.DataRow{} },
	'E': func() pgproto3.BackendMessage { return &pgproto3.ErrorResponse{} },
	'G': func() pgproto3.BackendMessage { return &pgproto3.CopyInResponse{} },
	'H': func() pgproto3.BackendMessage { return &pgproto3.CopyOutResponse{} },
	'I': func() pgproto3.BackendMessage { return &pgproto3.EmptyQueryResponse{} },
	'K': func() pgproto3.BackendMessage { return &pgproto3.BackendKeyData{} },
	'N': func() pgproto3.BackendMessage { return &pgproto3.NoticeResponse{} },
	'S': func() pgproto3.BackendMessage { return &pgproto3.ParameterStatus{} },
	'T': func() pgproto3.BackendMessage { return &pgproto3.RowDescription{} },
	'V': func() pgproto3.BackendMessage { return &pgproto3.FunctionCallResponse{} },
	'W': func() pgproto3.BackendMessage { return &pgproto3.CopyBothResponse{} },
	'Z': func() pgproto3.BackendMessage { return &pgproto3.ReadyForQuery{} },
	'c': func() pgproto3.BackendMessage { return &pgproto3.CopyDone{} },
	'd': func() pgproto3.BackendMessage { return &pgproto3.CopyData{} },
	'n': func() pgproto3.BackendMessage { return &pgproto3.NoData{} },
	's': func() pgproto3.BackendMessage { return &pgproto3.PortalSuspended{} },
	't': func() pgproto3.BackendMessage { return &pgproto3.ParameterDescription{} },
}

// pgtMessage is one decoded backend message.
type pgtMessage struct {
	typ  string // "ReadyForQuery", or "0x76" for unknown types
	line string // its JSON line
}

// receive reads and formats one message; io.EOF when the server closed.
func (c *pgtestConn) receive(t *testing.T, d *datadriven.TestData) (pgtMessage, error) {
	typ, body, err := c.readMessage()
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || pgtConnReset(err) {
			return pgtMessage{}, io.EOF
		}
		return pgtMessage{}, err
	}
	mk, ok := pgtBackend[typ]
	if !ok {
		name := fmt.Sprintf("0x%02x", typ)
		return pgtMessage{name, fmt.Sprintf(`{"Type":%q,"Body":%q}`, name, hex.EncodeToString(body))}, nil
	}
	m := mk()
	if err := m.Decode(body); err != nil {
		return pgtMessage{}, fmt.Errorf("decode %c: %v", typ, err)
	}
	name := fmt.Sprintf("%T", m)
	name = name[strings.LastIndexByte(name, '.')+1:]
	return pgtMessage{name, pgtFormat(t, d, m)}, nil
}

func pgtConnReset(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && !oe.Timeout()
}

// pgtFormat prints a message as one JSON line, with volatile fields
// normalized and error fields in a fixed order.
func pgtFormat(t *testing.T, d *datadriven.TestData, m pgproto3.BackendMessage) string {
	var v any = m
	switch m := m.(type) {
	case *pgproto3.ErrorResponse:
		if m.Severity == "" || m.SeverityUnlocalized == "" || m.Code == "" || m.Message == "" {
			t.Errorf("%s: ErrorResponse lacks S, V, C or M: %+v", d.Pos, m)
		}
		if m.Code == "42601" && m.Position == 0 && m.Message != "cannot insert multiple commands into a prepared statement" {
			t.Errorf("%s: syntax error without a position: %+v", d.Pos, m)
		}
		v = pgtErrorJSON("ErrorResponse", d, m.Severity, m.Code, m.Message, m.Detail, m.Hint, m.Position)
	case *pgproto3.NoticeResponse:
		v = pgtErrorJSON("NoticeResponse", d, m.Severity, m.Code, m.Message, m.Detail, m.Hint, m.Position)
	case *pgproto3.BackendKeyData:
		v = struct{ Type string }{"BackendKeyData"}
	case *pgproto3.ParameterStatus:
		val := m.Value
		if m.Name == "server_version" {
			val = "<server_version>"
		}
		v = struct{ Type, Name, Value string }{"ParameterStatus", m.Name, val}
	case *pgproto3.DataRow:
		vals := make([]any, len(m.Values))
		for i, b := range m.Values {
			switch {
			case b == nil:
			case pgtPrintable(b):
				vals[i] = map[string]string{"text": string(b)}
			default:
				vals[i] = map[string]string{"binary": hex.EncodeToString(b)}
			}
		}
		v = struct {
			Type   string
			Values []any
		}{"DataRow", vals}
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type pgtErrorLine struct {
	Type     string
	Severity string
	Code     string
	Message  string `json:",omitempty"`
	Detail   string `json:",omitempty"`
	Hint     string `json:",omitempty"`
	Position int32  `json:",omitempty"`
}

func pgtErrorJSON(typ string, d *datadriven.TestData, sev, code, msg, detail, hint string, pos int32) pgtErrorLine {
	if d.HasArg("nomessage") {
		msg, detail, hint = "", "", ""
	}
	if d.HasArg("nodetail") {
		detail, hint = "", ""
	}
	return pgtErrorLine{typ, sev, code, msg, detail, hint, pos}
}

func pgtPrintable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// until reads until each listed type has arrived in turn.
func (c *pgtestConn) until(t *testing.T, d *datadriven.TestData) string {
	t.Helper()
	ignore := map[string]bool{}
	if arg, ok := d.Arg("ignore"); ok {
		for _, v := range arg.Vals {
			for _, s := range strings.Split(v, ",") {
				ignore[strings.TrimSpace(s)] = true
			}
		}
	}
	var want []string
	for _, line := range strings.Split(d.Input, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			want = append(want, line)
		}
	}
	if len(want) == 0 {
		want = []string{"ReadyForQuery"}
	}
	var out strings.Builder
	for _, w := range want {
		for {
			r, err := c.receive(t, d)
			if err != nil {
				d.Fatalf(t, "waiting for %s: %v; received so far:\n%s", w, err, out.String())
			}
			if !ignore[r.typ] {
				out.WriteString(r.line)
				out.WriteByte('\n')
			}
			if r.typ == w {
				break
			}
		}
	}
	return out.String()
}

// receiveAll reads until the connection closes.
func (c *pgtestConn) receiveAll(t *testing.T, d *datadriven.TestData) string {
	t.Helper()
	var out bytes.Buffer
	for {
		r, err := c.receive(t, d)
		if err == io.EOF {
			out.WriteString("<connection closed>\n")
			return out.String()
		}
		if err != nil {
			d.Fatalf(t, "%v; received so far:\n%s", err, out.String())
		}
		out.WriteString(r.line)
		out.WriteByte('\n')
	}
}
