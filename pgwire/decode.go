package pgwire

import (
	"bytes"
	"encoding/binary"

	"github.com/jackc/pgproto3/v2"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/pgerror"
)

// The bodies of the frontend messages of a session are decoded here, into
// pgproto3's message types, the way PostgreSQL's pq_getmsg* functions read
// them: a body that does not fit its type is an ERROR (08P01) with
// PostgreSQL's message, and the session goes on (the extended protocol
// then skips to Sync). Only a bad frame (framing.go) or an unknown message
// type ends the connection. pgproto3's own Decode methods are not used on
// client input: they accept trailing bytes and Bind's panics on a negative
// parameter length.

// msgBuf reads the fields of one message body. The first error sticks:
// later reads return zero values.
type msgBuf struct {
	b   []byte
	off int
	err error
	enc *pgenc.Encoding // the client's, for its strings; nil: UTF-8
}

func malformed(msg string) error {
	return pgerror.New(pgcode.ProtocolViolation, msg)
}

func (m *msgBuf) fail(msg string) {
	if m.err == nil {
		m.err = malformed(msg)
	}
}

// byte1 is pq_getmsgbyte.
func (m *msgBuf) byte1() byte {
	if m.err != nil {
		return 0
	}
	if m.off >= len(m.b) {
		m.fail("no data left in message")
		return 0
	}
	m.off++
	return m.b[m.off-1]
}

// uint16 is pq_getmsgint(2): unsigned, as PostgreSQL reads counts.
func (m *msgBuf) uint16() int {
	if m.err != nil {
		return 0
	}
	if len(m.b)-m.off < 2 {
		m.fail("insufficient data left in message")
		return 0
	}
	m.off += 2
	return int(binary.BigEndian.Uint16(m.b[m.off-2:]))
}

// int16 reads a signed 16-bit field (format codes).
func (m *msgBuf) int16() int16 { return int16(m.uint16()) }

// int32 is pq_getmsgint(4).
func (m *msgBuf) int32() int32 {
	if m.err != nil {
		return 0
	}
	if len(m.b)-m.off < 4 {
		m.fail("insufficient data left in message")
		return 0
	}
	m.off += 4
	return int32(binary.BigEndian.Uint32(m.b[m.off-4:]))
}

// bytes is pq_getmsgbytes: n bytes, aliasing the body.
func (m *msgBuf) bytes(n int) []byte {
	if m.err != nil {
		return nil
	}
	if n < 0 || n > len(m.b)-m.off {
		m.fail("insufficient data left in message")
		return nil
	}
	m.off += n
	return m.b[m.off-n : m.off : m.off]
}

// string is pq_getmsgstring: NUL-terminated, converted from the
// client's encoding, and valid UTF-8 (22021 otherwise).
func (m *msgBuf) string() string { return string(m.name()) }

// name is string without the copy: the bytes alias the body (unless
// converted from the client's encoding, into a copy).
func (m *msgBuf) name() []byte {
	if m.err != nil {
		return nil
	}
	i := bytes.IndexByte(m.b[m.off:], 0)
	if i < 0 {
		m.fail("invalid string in message")
		return nil
	}
	b := m.b[m.off : m.off+i : m.off+i]
	m.off += i + 1
	// In the client's encoding (encoding.go): converted, and so
	// checked, into a copy when it is not ASCII.
	c, err := clientText(b, m.enc)
	if err != nil {
		m.err = err
		return nil
	}
	return c
}

// rawString is pq_getmsgrawstring: NUL-terminated, not checked.
func (m *msgBuf) rawString() string {
	if m.err != nil {
		return ""
	}
	i := bytes.IndexByte(m.b[m.off:], 0)
	if i < 0 {
		m.fail("invalid string in message")
		return ""
	}
	m.off += i + 1
	return string(m.b[m.off-i-1 : m.off-1])
}

// end is pq_getmsgend: the body must be used up.
func (m *msgBuf) end() error {
	if m.err == nil && m.off != len(m.b) {
		m.fail("invalid message format")
	}
	return m.err
}

func decodeQuery(body []byte, enc *pgenc.Encoding) (string, error) {
	m := msgBuf{b: body, enc: enc}
	s := m.string()
	return s, m.end()
}

func decodeParse(body []byte, enc *pgenc.Encoding) (*pgproto3.Parse, error) {
	m := msgBuf{b: body, enc: enc}
	p := &pgproto3.Parse{Name: m.string(), Query: m.string()}
	n := m.uint16()
	if n > 0 && m.err == nil {
		if n*4 > len(body)-m.off {
			m.fail("insufficient data left in message")
		} else {
			p.ParameterOIDs = make([]uint32, n)
			for i := range p.ParameterOIDs {
				p.ParameterOIDs[i] = uint32(m.int32())
			}
		}
	}
	return p, m.end()
}

// bindMsg is a decoded Bind. Its fields alias the message body, and a
// connection reuses one bindMsg for every Bind, so that decoding the Bind
// of each execution of a prepared statement allocates nothing once the
// slices have grown to the statement's size.
type bindMsg struct {
	portal, stmt  []byte
	paramFormats  []int16
	params        [][]byte // nil: NULL
	resultFormats []int16
}

// decodeBind decodes Bind into b; parameter values alias the body.
func decodeBind(body []byte, enc *pgenc.Encoding, b *bindMsg) error {
	m := msgBuf{b: body, enc: enc}
	b.portal = m.name()
	b.stmt = m.name()
	b.paramFormats = m.formatCodes(b.paramFormats[:0])
	b.params = b.params[:0]
	n := m.uint16()
	if n > 0 && m.err == nil {
		// Each value takes at least its 4-byte length: a count the body
		// cannot hold allocates nothing.
		if n*4 > len(body)-m.off {
			m.fail("insufficient data left in message")
		} else {
			for range n {
				var v []byte
				if l := m.int32(); l != -1 {
					v = m.bytes(int(l))
				}
				b.params = append(b.params, v)
			}
		}
	}
	b.resultFormats = m.formatCodes(b.resultFormats[:0])
	return m.end()
}

// formatCodes appends a count-prefixed list of format codes to out.
func (m *msgBuf) formatCodes(out []int16) []int16 {
	n := m.uint16()
	if n == 0 || m.err != nil {
		return out
	}
	if n*2 > len(m.b)-m.off {
		m.fail("insufficient data left in message")
		return out
	}
	for range n {
		out = append(out, m.int16())
	}
	return out
}

// decodeTarget decodes Describe and Close: a type byte and a name.
func decodeTarget(body []byte, enc *pgenc.Encoding) (byte, string, error) {
	m := msgBuf{b: body, enc: enc}
	typ := m.byte1()
	name := m.string()
	return typ, name, m.end()
}

// decodeExecute decodes Execute: the portal's name (aliasing the body)
// and the row limit.
func decodeExecute(body []byte, enc *pgenc.Encoding) (portal []byte, maxRows int32, err error) {
	m := msgBuf{b: body, enc: enc}
	portal = m.name()
	maxRows = m.int32()
	return portal, maxRows, m.end()
}

// checkEmpty checks the empty body of Sync and Flush.
func checkEmpty(body []byte) error {
	m := msgBuf{b: body}
	return m.end()
}

// decodeSASLInitial decodes SASLInitialResponse as PostgreSQL reads it: the
// mechanism, then the length of the data (-1: none) and the data.
func decodeSASLInitial(body []byte) (*pgproto3.SASLInitialResponse, error) {
	m := msgBuf{b: body}
	r := &pgproto3.SASLInitialResponse{AuthMechanism: m.rawString()}
	if n := m.int32(); n != -1 {
		r.Data = m.bytes(int(n))
	}
	return r, m.end()
}
