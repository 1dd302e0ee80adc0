package pgwire_test

// Fuzz targets for the connection: FuzzStartup feeds arbitrary bytes as
// the first packets of a connection, FuzzSession the byte stream after a
// completed startup. Each run goes through a real server on loopback; the
// client half-closes the socket after the input, and the server must then
// close its side (its goroutine ends) within a deadline, whatever the
// input was: no panic (a panic in a connection goroutine kills the test
// binary), no hang, and memory that does not grow across runs.
//
//	go test ./pgwire/ -run '^$' -fuzz '^FuzzSession$' -fuzztime 60s

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/pgwire"
)

const (
	// fuzzCancelAfter is when a run that has not ended gets CancelRequests
	// (the input may run pg_sleep); fuzzDeadline when it has failed. The
	// fuzzing engine itself gives up on an input after 10 s.
	fuzzCancelAfter = 1 * time.Second
	fuzzDeadline    = 7 * time.Second
	// fuzzMaxMessage is the servers' MaxMessageSize.
	fuzzMaxMessage = 64 << 10
	// fuzzMemSlack is how much the live heap may grow over the first
	// measurement.
	fuzzMemSlack = 64 << 20
)

// fuzzServer starts the server of a fuzz target: trust authentication
// (for the admin), a small message limit, nothing logged.
func fuzzServer(f *testing.F) *testServer {
	return startServer(f, func(c *pgwire.Config) {
		c.SetTrustAuth()
		c.MaxMessageSize = fuzzMaxMessage
		c.StartupTimeout = 5 * time.Second
		// Errors only, where a panic's stack goes (fuzzNoPanic).
		c.Logger = zerolog.New(os.Stderr).Level(zerolog.ErrorLevel)
	})
}

// fuzzNoPanic fails the input if a session has panicked: the server
// survives a panic, ending only that session (panics.go), so the fuzzer
// must look for it.
func fuzzNoPanic(t *testing.T, ts *testServer) {
	if n := ts.srv.Stats().SessionPanics; n != 0 {
		t.Fatalf("%d sessions panicked; stderr has the stack", n)
	}
}

// fuzzStartupPacket is the admin's StartupMessage.
func fuzzStartupPacket() []byte {
	b, _ := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: map[string]string{
		"user": "admin", "database": "defaultdb",
	}}).Encode(nil)
	return b
}

// fuzzMemCheck measures the live heap every so many runs and fails when it
// has grown past the slack.
type fuzzMemCheck struct {
	mu   sync.Mutex
	runs int
	base uint64
}

func (m *fuzzMemCheck) check(t *testing.T) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.runs++
	if m.runs%500 != 1 {
		return
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if m.runs == 1 {
		return // the fuzzing engine allocates its own after the first run
	}
	if m.base == 0 {
		m.base = ms.HeapAlloc
		return
	}
	if ms.HeapAlloc > m.base+fuzzMemSlack {
		t.Fatalf("live heap grew from %d to %d bytes over %d runs", m.base, ms.HeapAlloc, m.runs)
	}
}

// fuzzConn runs one input on a new connection: it writes the input
// (optionally after logging in), half-closes, drains the replies and waits
// for the server to close. On the way it cancels statements that run long.
func fuzzConn(t *testing.T, addr string, login bool, input []byte) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	tc := nc.(*net.TCPConn)
	_ = tc.SetDeadline(time.Now().Add(fuzzDeadline + 2*time.Second))

	var key []byte // BackendKeyData body, for CancelRequest
	if login {
		if _, err := nc.Write(fuzzStartupPacket()); err != nil {
			t.Fatal(err)
		}
		var err error
		if key, err = fuzzReadStartup(nc); err != nil {
			t.Fatalf("login: %v", err)
		}
	}

	// Drain replies while writing: the server may answer before it has
	// read everything, and must not block on a full socket.
	var out fuzzOut
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(&out, nc)
		done <- err
	}()
	_, _ = nc.Write(input) // the server may have closed already
	_ = tc.CloseWrite()

	cancelTick := time.NewTimer(fuzzCancelAfter)
	defer cancelTick.Stop()
	deadline := time.NewTimer(fuzzDeadline)
	defer deadline.Stop()
	for {
		select {
		case <-done:
			return
		case <-cancelTick.C:
			// A long statement (pg_sleep) ignores the closed input:
			// cancel it, as a client would. Before login the key comes
			// from the replies, if the input logged in.
			k := key
			if k == nil {
				k = out.key()
			}
			if k != nil {
				fuzzCancel(addr, k)
			}
			cancelTick.Reset(500 * time.Millisecond)
		case <-deadline.C:
			t.Fatalf("the server did not end the connection within %v of the input's end", fuzzDeadline)
		}
	}
}

// fuzzReadStartup reads up to ReadyForQuery and returns the
// BackendKeyData body.
func fuzzReadStartup(nc net.Conn) ([]byte, error) {
	var key []byte
	for {
		var hdr [5]byte
		if _, err := io.ReadFull(nc, hdr[:]); err != nil {
			return nil, err
		}
		body := make([]byte, binary.BigEndian.Uint32(hdr[1:])-4)
		if _, err := io.ReadFull(nc, body); err != nil {
			return nil, err
		}
		switch hdr[0] {
		case 'K':
			key = body
		case 'E':
			return nil, io.ErrUnexpectedEOF
		case 'Z':
			return key, nil
		}
	}
}

// fuzzOut collects what the server sent, readable while it grows.
type fuzzOut struct {
	mu sync.Mutex
	b  []byte
}

func (o *fuzzOut) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.b) < 1<<20 { // the key comes early; keep no more than that
		o.b = append(o.b, p...)
	}
	return len(p), nil
}

// key finds a BackendKeyData in what the server sent so far.
func (o *fuzzOut) key() []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	if i := bytes.Index(o.b, []byte{'K', 0, 0, 0, 12}); i >= 0 && len(o.b) >= i+13 {
		return append([]byte(nil), o.b[i+5:i+13]...)
	}
	return nil
}

// fuzzCancel sends a CancelRequest for a BackendKeyData body.
func fuzzCancel(addr string, key []byte) {
	nc, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return
	}
	defer nc.Close()
	b := []byte{0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e}
	_, _ = nc.Write(append(b, key...))
	_, _ = io.Copy(io.Discard, nc)
}

// fuzzFrames builds a stream from records of (type, 2-byte length, body)
// taken from data, so that the framing is right and the bodies fuzzed.
func fuzzFrames(data []byte) []byte {
	var out []byte
	for len(data) >= 3 {
		typ := data[0]
		n := min(int(binary.BigEndian.Uint16(data[1:3])), len(data)-3)
		body := data[3 : 3+n]
		data = data[3+n:]
		out = append(out, typ, 0, 0, 0, 0)
		binary.BigEndian.PutUint32(out[len(out)-4:], uint32(n+4))
		out = append(out, body...)
	}
	return out
}

// fuzzRecord is the inverse of fuzzFrames for one encoded message.
func fuzzRecord(msg []byte) []byte {
	body := msg[5:]
	out := []byte{msg[0], 0, 0}
	binary.BigEndian.PutUint16(out[1:], uint16(len(body)))
	return append(out, body...)
}

// fuzzSeedMessages are sequences of valid messages for the seeds.
func fuzzSeedMessages() [][]pgproto3.FrontendMessage {
	return [][]pgproto3.FrontendMessage{
		{&pgproto3.Query{String: "SELECT 1; SELECT 'a' || $$b$$; SHOW DateStyle"}},
		{&pgproto3.Query{String: "BEGIN; SAVEPOINT s; SELECT 1/0; ROLLBACK TO s; SET LOCAL application_name = 'x'; COMMIT"}},
		{&pgproto3.Query{String: "SET TimeZone = 'Europe/Rome'; SELECT now() > '2000-01-01'::timestamptz, current_setting('TimeZone')"}},
		{&pgproto3.Query{String: ""}, &pgproto3.Query{String: "SELEC 1"}, &pgproto3.Query{String: "SELECT * FROM t"}},
		{
			&pgproto3.Parse{Name: "s", Query: "SELECT $1::int + $2, $3::text, $4::numeric, $5::bytea", ParameterOIDs: []uint32{23, 0, 25}},
			&pgproto3.Describe{ObjectType: 'S', Name: "s"},
			&pgproto3.Bind{DestinationPortal: "p", PreparedStatement: "s", ParameterFormatCodes: []int16{0, 1, 0, 0, 1},
				Parameters: [][]byte{[]byte("1"), {0, 0, 0, 2}, []byte("x"), []byte("1.5"), {1, 2}}, ResultFormatCodes: []int16{1}},
			&pgproto3.Describe{ObjectType: 'P', Name: "p"},
			&pgproto3.Execute{Portal: "p", MaxRows: 1},
			&pgproto3.Execute{Portal: "p"},
			&pgproto3.Close{ObjectType: 'P', Name: "p"},
			&pgproto3.Close{ObjectType: 'S', Name: "s"},
			&pgproto3.Sync{},
		},
		{
			&pgproto3.Parse{Query: "SELECT $1::date, $2::timestamp, $3::timestamptz, $4::uuid, $5::jsonb, $6::json, $7::float8, $8::bool, $9::int8, $10::int2, $11::float4, $12::varchar(3)"},
			&pgproto3.Bind{ParameterFormatCodes: []int16{1},
				Parameters: [][]byte{{0, 0, 0, 1}, {0, 0, 0, 0, 0, 0, 0, 1}, {0, 0, 0, 0, 0, 0, 0, 2}, make([]byte, 16), []byte("\x01{}"), []byte("[1]"), make([]byte, 8), {1}, make([]byte, 8), {0, 1}, make([]byte, 4), []byte("abcd")}},
			&pgproto3.Execute{},
			&pgproto3.Bind{ResultFormatCodes: []int16{1}},
			&pgproto3.Flush{},
			&pgproto3.Sync{},
		},
		{
			&pgproto3.Parse{Name: "a", Query: "BEGIN"}, &pgproto3.Bind{PreparedStatement: "a"}, &pgproto3.Execute{},
			&pgproto3.Parse{Query: "SELECT pg_sleep(0.001)"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{},
			&pgproto3.Query{String: "ROLLBACK"},
		},
		{&pgproto3.CopyData{Data: []byte("x")}, &pgproto3.CopyDone{}, &pgproto3.CopyFail{Message: "no"}, &pgproto3.Terminate{}},
	}
}

func fuzzEncode(msgs []pgproto3.FrontendMessage) []byte {
	var b []byte
	for _, m := range msgs {
		b, _ = m.Encode(b)
	}
	return b
}

func FuzzStartup(f *testing.F) {
	ts := fuzzServer(f)
	startup := fuzzStartupPacket()
	f.Add([]byte{})
	f.Add(startup)
	f.Add(append(append([]byte{}, startup...), fuzzEncode(fuzzSeedMessages()[0])...))
	f.Add([]byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f})                     // SSLRequest
	f.Add(append([]byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30}, startup...)) // GSSENCRequest, then startup
	f.Add([]byte{0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, 0, 0, 3, 0xe9, 1, 2, 3, 4})
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))
	f.Add(biStartup(3, 1, "user", "admin", "_pq_.x", "y"))
	f.Add(biStartup(3, 0, "user", "nobody", "database", "defaultdb"))
	f.Add(biStartup(3, 0, "user", "admin", "database", "nodb", "options", "-c statement_timeout=5 --DateStyle=German"))
	f.Add(append(biStartup(3, 0, "user", "nobody"), biFrame('p', []byte("SCRAM-SHA-256\x00\x00\x00\x00\x20n,,n=,r=abcdefghijklmnopqrstuvwxyz"))...))
	f.Add(biStartup(2, 0, "user", "admin"))
	var mem fuzzMemCheck
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzConn(t, ts.addr, false, data)
		fuzzNoPanic(t, ts)
		mem.check(t)
	})
}

func FuzzSession(f *testing.F) {
	ts := fuzzServer(f)
	for _, msgs := range fuzzSeedMessages() {
		raw := fuzzEncode(msgs)
		f.Add(append([]byte{0}, raw...)) // as a raw stream
		var rec []byte
		for len(raw) > 0 {
			n := int(binary.BigEndian.Uint32(raw[1:])) + 1
			rec = append(rec, fuzzRecord(raw[:n])...)
			raw = raw[n:]
		}
		f.Add(append([]byte{1}, rec...)) // as framed records
	}
	f.Add([]byte{0, 'Q', 0, 0, 0, 3})
	f.Add([]byte{0, 'B', 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0})
	var mem fuzzMemCheck
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		input := data[1:]
		if data[0]&1 == 1 {
			input = fuzzFrames(input)
		}
		fuzzConn(t, ts.addr, true, input)
		fuzzNoPanic(t, ts)
		mem.check(t)
	})
}
