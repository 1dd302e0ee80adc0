package pgwire

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/jackc/pgproto3/v2"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// body encodes a message and strips its type and length.
func body(t *testing.T, m pgproto3.FrontendMessage) []byte {
	t.Helper()
	b, err := m.Encode(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b[5:]
}

func TestDecodeRoundTrip(t *testing.T) {
	parse := &pgproto3.Parse{Name: "s", Query: "SELECT $1, $2", ParameterOIDs: []uint32{23, 0}}
	got, err := decodeParse(body(t, parse), nil)
	if err != nil || !reflect.DeepEqual(got, parse) {
		t.Fatalf("Parse: %+v %v", got, err)
	}
	bind := &pgproto3.Bind{DestinationPortal: "p", PreparedStatement: "s", ParameterFormatCodes: []int16{0, 1},
		Parameters: [][]byte{[]byte("1"), nil, {}}, ResultFormatCodes: []int16{1}}
	var gotB bindMsg
	for range 2 { // the second time into the slices of the first
		err := decodeBind(body(t, bind), nil, &gotB)
		if err != nil || string(gotB.portal) != "p" || string(gotB.stmt) != "s" ||
			!reflect.DeepEqual(gotB.paramFormats, bind.ParameterFormatCodes) || !reflect.DeepEqual(gotB.resultFormats, bind.ResultFormatCodes) ||
			len(gotB.params) != 3 || string(gotB.params[0]) != "1" || gotB.params[1] != nil || gotB.params[2] == nil {
			t.Fatalf("Bind: %+v %v", gotB, err)
		}
	}
	if err := decodeBind(body(t, &pgproto3.Bind{}), nil, &gotB); err != nil || len(gotB.portal)+len(gotB.stmt)+len(gotB.paramFormats)+len(gotB.params)+len(gotB.resultFormats) != 0 {
		t.Fatalf("empty Bind after a full one: %+v %v", gotB, err)
	}
	if portal, maxRows, err := decodeExecute(body(t, &pgproto3.Execute{Portal: "p", MaxRows: 7}), nil); err != nil || string(portal) != "p" || maxRows != 7 {
		t.Fatalf("Execute: %q %d %v", portal, maxRows, err)
	}
	if typ, name, err := decodeTarget(body(t, &pgproto3.Describe{ObjectType: 'P', Name: "p"}), nil); err != nil || typ != 'P' || name != "p" {
		t.Fatalf("Describe: %c %q %v", typ, name, err)
	}
	sasl := &pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte("n,,n=,r=x")}
	if got, err := decodeSASLInitial(body(t, sasl)); err != nil || got.AuthMechanism != sasl.AuthMechanism || string(got.Data) != string(sasl.Data) {
		t.Fatalf("SASLInitialResponse: %+v %v", got, err)
	}
	if got, err := decodeSASLInitial([]byte("SCRAM-SHA-256\x00\xff\xff\xff\xff")); err != nil || got.Data != nil {
		t.Fatalf("SASLInitialResponse without data: %+v %v", got, err)
	}
	if q, err := decodeQuery(body(t, &pgproto3.Query{String: "SELECT 'é'"}), nil); err != nil || q != "SELECT 'é'" {
		t.Fatalf("Query: %q %v", q, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func([]byte) error
		body string
		code pgcode.Code
		msg  string
	}{
		{"query without nul", decQ, "SELECT 1", pgcode.ProtocolViolation, "invalid string in message"},
		{"query with trailing bytes", decQ, "SELECT 1\x00x\x00", pgcode.ProtocolViolation, "invalid message format"},
		{"query bad utf-8", decQ, "SELECT '\xe2\x82'\x00", pgcode.CharacterNotInRepertoire, `invalid byte sequence for encoding "UTF8": 0xe2 0x82 0x27`},
		{"parse without count", decP, "\x00SELECT 1\x00", pgcode.ProtocolViolation, "insufficient data left in message"},
		{"parse count past body", decP, "\x00SELECT 1\x00\xff\xff\x00\x00\x00\x17", pgcode.ProtocolViolation, "insufficient data left in message"},
		{"parse trailing", decP, "\x00SELECT 1\x00\x00\x00!", pgcode.ProtocolViolation, "invalid message format"},
		{"bind negative length", decB, "\x00\x00\x00\x00\x00\x01\xff\xff\xff\xfe\x00\x00", pgcode.ProtocolViolation, "insufficient data left in message"},
		{"bind length past body", decB, "\x00\x00\x00\x00\x00\x01\x00\x00\x00\x09ab\x00\x00", pgcode.ProtocolViolation, "insufficient data left in message"},
		{"bind 65535 parameters in no bytes", decB, "\x00\x00\x00\x00\xff\xff", pgcode.ProtocolViolation, "insufficient data left in message"},
		{"bind 65535 formats in no bytes", decB, "\x00\x00\xff\xff", pgcode.ProtocolViolation, "insufficient data left in message"},
		{"bind no result formats", decB, "\x00\x00\x00\x00\x00\x00", pgcode.ProtocolViolation, "insufficient data left in message"},
		{"bind trailing", decB, "\x00\x00\x00\x00\x00\x00\x00\x00junk", pgcode.ProtocolViolation, "invalid message format"},
		{"bind portal name nul", decB, "\x00", pgcode.ProtocolViolation, "invalid string in message"},
		{"describe empty", decD, "", pgcode.ProtocolViolation, "no data left in message"},
		{"describe no name", decD, "S", pgcode.ProtocolViolation, "invalid string in message"},
		{"describe bad name", decD, "S\xff\x00", pgcode.CharacterNotInRepertoire, `invalid byte sequence for encoding "UTF8": 0xff`},
		{"execute short", decE, "p\x00\x00\x00", pgcode.ProtocolViolation, "insufficient data left in message"},
		{"sync with body", checkEmpty, "x", pgcode.ProtocolViolation, "invalid message format"},
		{"sasl cut after the mechanism", decSASL, "SCRAM-SHA-256\x00\x00\x00", pgcode.ProtocolViolation, "insufficient data left in message"},
		{"sasl length past the data", decSASL, "SCRAM-SHA-256\x00\x30\x30\x30\x30abc", pgcode.ProtocolViolation, "insufficient data left in message"},
		{"sasl trailing", decSASL, "SCRAM-SHA-256\x00\x00\x00\x00\x01ab", pgcode.ProtocolViolation, "invalid message format"},
		{"sasl no mechanism", decSASL, "SCRAM", pgcode.ProtocolViolation, "invalid string in message"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.fn([]byte(tc.body))
			e, ok := err.(*pgerror.Error)
			if !ok || e.Code != tc.code || e.Message != tc.msg || isFatal(err) {
				t.Fatalf("got %#v, want ERROR %s %q", err, tc.code, tc.msg)
			}
		})
	}
}

func decQ(b []byte) error    { _, err := decodeQuery(b, nil); return err }
func decP(b []byte) error    { _, err := decodeParse(b, nil); return err }
func decB(b []byte) error    { return decodeBind(b, nil, &bindMsg{}) }
func decD(b []byte) error    { _, _, err := decodeTarget(b, nil); return err }
func decE(b []byte) error    { _, _, err := decodeExecute(b, nil); return err }
func decSASL(b []byte) error { _, err := decodeSASLInitial(b); return err }

func TestCommandCompleteTag(t *testing.T) {
	for _, tc := range []struct {
		tag  string
		n    int
		want string
	}{
		{"SELECT 5", 2, "SELECT 2"},
		{"SELECT 1", 0, "SELECT 0"},
		{"SHOW", 1, "SHOW"},
		{"SET", 0, "SET"},
		{"INSERT 0 3", 0, "INSERT 0 3"},
	} {
		var out bytes.Buffer
		c := &conn{w: newWriter(&out)}
		c.sendCommandComplete(tc.tag, tc.n)
		if err := c.w.flush(); err != nil {
			t.Fatal(err)
		}
		b := out.Bytes()
		if len(b) < 5 || b[0] != 'C' || int(binary.BigEndian.Uint32(b[1:])) != len(b)-1 {
			t.Fatalf("%q: bad frame % x", tc.tag, b)
		}
		var m pgproto3.CommandComplete
		if err := m.Decode(b[5:]); err != nil {
			t.Fatal(err)
		}
		if string(m.CommandTag) != tc.want {
			t.Errorf("tag %q with %d rows = %q, want %q", tc.tag, tc.n, m.CommandTag, tc.want)
		}
	}
}

func TestMessageLimits(t *testing.T) {
	r := newReader(nil, 1<<20)
	for typ, want := range map[byte]int{'Q': 1 << 20, 'P': 1 << 20, 'B': 1 << 20, 'd': 1 << 20, 'F': 1 << 20,
		'p': maxAuthToken, 'S': smallMessageLimit, 'H': smallMessageLimit, 'E': smallMessageLimit, 'z': smallMessageLimit} {
		if got := r.messageLimit(typ); got != want {
			t.Errorf("%c: %d, want %d", typ, got, want)
		}
	}
	small := newReader(nil, 100)
	if got := small.messageLimit('S'); got != 100 {
		t.Errorf("a MaxMessageSize below the small limit wins: %d", got)
	}
}
