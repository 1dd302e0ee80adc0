package pgwire

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/pgerror"
)

// maxStartupPacket bounds the startup packet, as PostgreSQL's
// MAX_STARTUP_PACKET_LENGTH does.
const maxStartupPacket = 10000

// Per-type bounds, as PostgreSQL's: messages that carry no query or data
// (Sync, Flush, Describe, Execute, Close, Terminate, CopyDone, CopyFail,
// and any unknown type) have at most smallMessageLimit bytes
// (PQ_SMALL_MESSAGE_LIMIT); an authentication response at most
// maxAuthToken (PG_MAX_AUTH_TOKEN_LENGTH), so that a client that has not
// logged in cannot make the server buffer MaxMessageSize bytes.
const (
	smallMessageLimit = 10000
	maxAuthToken      = 65535
)

// messageLimit is the largest body a message of type typ may have.
func (r *reader) messageLimit(typ byte) int {
	switch typ {
	case 'Q', 'P', 'B', 'F', 'd':
		return r.maxSize
	case 'p':
		return min(r.maxSize, maxAuthToken)
	default:
		return min(r.maxSize, smallMessageLimit)
	}
}

// reader reads frontend messages. pgproto3/v2 has no limit on a message's
// declared length; this reader enforces one before allocating anything.
type reader struct {
	br      *bufio.Reader
	maxSize int
	buf     []byte  // reused for bodies up to a modest size
	hdr     [5]byte // a field, not a local: a local escapes through io.ReadFull
}

func newReader(r io.Reader, maxSize int) *reader {
	return &reader{br: bufio.NewReaderSize(r, 16<<10), maxSize: maxSize}
}

// errMessageTooLarge and errBadLength are fatal protocol errors.
func errMessageTooLarge(n, limit int) error {
	return pgerror.Newf(pgcode.ProgramLimitExceeded, "message of %d bytes exceeds the limit of %d bytes", n, limit).
		WithSeverity(pgerror.SeverityFatal)
}

func errBadLength(n int64) error {
	return pgerror.Newf(pgcode.ProtocolViolation, "invalid message length %d", n).WithSeverity(pgerror.SeverityFatal)
}

// readStartup reads the untyped startup packet: a length that includes
// itself, then the body. The body is valid until the next read.
func (r *reader) readStartup() ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r.br, hdr[:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint32(hdr[:]))
	if n < 8 || n > maxStartupPacket {
		return nil, fmt.Errorf("invalid length of startup packet: %d", n)
	}
	return r.readBody(n - 4)
}

// next reads one typed message: its type byte and body. The body is valid
// until the next call.
func (r *reader) next() (byte, []byte, error) {
	hdr := r.hdr[:]
	if _, err := io.ReadFull(r.br, hdr); err != nil {
		return 0, nil, err
	}
	n := int64(binary.BigEndian.Uint32(hdr[1:]))
	if n < 4 || n > math.MaxInt32 {
		return 0, nil, errBadLength(n)
	}
	if limit := r.messageLimit(hdr[0]); int(n-4) > limit {
		return 0, nil, errMessageTooLarge(int(n-4), limit)
	}
	body, err := r.readBody(int(n - 4))
	if err != nil {
		return 0, nil, err
	}
	return hdr[0], body, nil
}

// readBody reads n bytes. Small bodies reuse one buffer; large ones are
// read in steps so that a client that declares a large length and then
// sends nothing costs little memory.
func (r *reader) readBody(n int) ([]byte, error) {
	const reuse = 64 << 10
	if n <= reuse {
		if cap(r.buf) < n {
			r.buf = make([]byte, n, max(n, 4096))
		}
		b := r.buf[:n]
		if _, err := io.ReadFull(r.br, b); err != nil {
			return nil, unexpectedEOF(err)
		}
		return b, nil
	}
	var out []byte
	const step = 1 << 20
	for len(out) < n {
		k := min(step, n-len(out))
		start := len(out)
		out = append(out, make([]byte, k)...)
		if _, err := io.ReadFull(r.br, out[start:]); err != nil {
			return nil, unexpectedEOF(err)
		}
	}
	return out, nil
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// writer buffers backend messages; the connection flushes it when the
// client must see the replies (ReadyForQuery, Flush, before closing).
type writer struct {
	bw  *bufio.Writer
	buf []byte // scratch for encoding one message
	err error  // first write error; later writes are dropped
	// enc is the client's encoding when text must be converted to it
	// (encoding.go); nil for none.
	enc *pgenc.Encoding
}

func newWriter(w io.Writer) *writer { return &writer{bw: bufio.NewWriterSize(w, 32<<10)} }

// encoder is what pgproto3's backend messages implement.
type encoder interface {
	Encode(dst []byte) ([]byte, error)
}

// send encodes and buffers one message.
func (w *writer) send(m encoder) {
	if w.err != nil {
		return
	}
	if w.enc != nil {
		m = toClient(m, w.enc)
	}
	b, err := m.Encode(w.buf[:0])
	if err != nil {
		w.err = err
		return
	}
	w.buf = b[:0]
	_, w.err = w.bw.Write(b)
}

// sendRaw buffers bytes that already form a message.
func (w *writer) sendRaw(b []byte) {
	if w.err != nil {
		return
	}
	_, w.err = w.bw.Write(b)
}

func (w *writer) flush() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.bw.Flush()
	return w.err
}
