package pgwire

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/jackc/pgproto3/v2"

	"github.com/stela-db/stela/sql"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The copy sub-protocol, in the simple and the extended query protocol
// alike (an Execute of a COPY portal runs it as a Query would):
//
//	COPY ... FROM STDIN: CopyInResponse, then the client sends CopyData*
//	and CopyDone (or CopyFail); CommandComplete "COPY n".
//	COPY ... TO STDOUT:  CopyOutResponse, CopyData per row, CopyDone,
//	CommandComplete "COPY n".
//
// CopyInResponse is sent when the COPY first reads data, after its
// checks passed, so that a COPY refused at the start (a read-only
// transaction) answers with its error alone, as in PostgreSQL. An error
// while the client is still sending leaves its remaining CopyData,
// CopyDone and CopyFail to the message loop, which ignores them
// (conn.handle), or to the skip to Sync of the extended protocol.

// runCopy runs a COPY statement and sends its CommandComplete.
func (c *conn) runCopy(ctx context.Context, p *sql.Prepared, params []types.Datum) error {
	if p.Copy.From {
		in := &copyIn{c: c, info: p.Copy}
		res, err := c.sess.ExecuteCopyFrom(ctx, p, params, in)
		if err != nil {
			if in.lostSync && !isFatal(err) && !isIOError(err) {
				// As PostgreSQL: the error, then the end of a session
				// whose messages can no longer be told apart.
				c.sendError(err)
				return protocolViolation("terminating connection because protocol synchronization was lost")
			}
			return err
		}
		defer res.Close()
		if err := c.commitBeforeTag(ctx, res); err != nil {
			return err
		}
		c.writeCommandComplete(res.Tag(), 0)
		c.observeStatement(res.Tag(), 0, true)
		return nil
	}
	res, err := c.sess.Execute(ctx, p, params)
	if err != nil {
		return err
	}
	defer res.Close()
	out, ok := res.(sql.CopyOut)
	if !ok {
		return pgerror.New(pgcode.Internal, "COPY TO produced no data stream")
	}
	c.w.send(&pgproto3.CopyOutResponse{OverallFormat: overallFormat(p.Copy), ColumnFormatCodes: columnFormats(p.Copy)})
	for {
		data, err := out.NextData(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return sql.CanceledError(ctx)
			}
			return err
		}
		if data == nil {
			break
		}
		c.sendCopyData(data)
		if c.w.err != nil {
			return c.w.err
		}
	}
	c.w.send(&pgproto3.CopyDone{})
	c.sendCommandComplete(res.Tag(), 0)
	return nil
}

// sendCopyData sends one CopyData message.
func (c *conn) sendCopyData(data []byte) {
	b := append(c.w.buf[:0], 'd', 0, 0, 0, 0)
	binary.BigEndian.PutUint32(b[1:], uint32(len(data)+4))
	c.w.sendRaw(b)
	c.w.buf = b[:0]
	c.w.sendRaw(data)
}

func overallFormat(info *sql.CopyInfo) byte {
	if info.Binary {
		return 1
	}
	return 0
}

// columnFormats is one format code per column: all text or all binary.
func columnFormats(info *sql.CopyInfo) []uint16 {
	f := make([]uint16, info.Columns)
	for i := range f {
		f[i] = uint16(overallFormat(info))
	}
	return f
}

// copyIn is the sql.CopySource of a COPY FROM STDIN: the CopyData the
// client sends, up to its CopyDone or CopyFail.
type copyIn struct {
	c       *conn
	info    *sql.CopyInfo
	started bool
	done    bool
	// lostSync is set when the client sent another message than the
	// copy ones: the session cannot go on.
	lostSync bool
}

func (in *copyIn) Next() ([]byte, error) {
	c := in.c
	if !in.started {
		in.started = true
		c.w.send(&pgproto3.CopyInResponse{OverallFormat: overallFormat(in.info), ColumnFormatCodes: columnFormats(in.info)})
		if err := c.w.flush(); err != nil {
			return nil, err
		}
	}
	if in.done {
		return nil, io.EOF
	}
	for {
		typ, body, err := c.r.next()
		if err != nil {
			in.done = true
			return nil, err
		}
		switch typ {
		case 'd':
			return body, nil
		case 'c':
			in.done = true
			return nil, io.EOF
		case 'f':
			in.done = true
			m := msgBuf{b: body, enc: c.w.enc}
			msg := m.string()
			if err := m.end(); err != nil {
				return nil, err
			}
			return nil, pgerror.Newf(pgcode.QueryCanceled, "COPY from stdin failed: %s", msg)
		case 'H', 'S':
			// Ignored, as PostgreSQL does: a client library may send them
			// without noticing that its statement was a COPY.
		default:
			in.done, in.lostSync = true, true
			if !isFrontendType(typ) {
				return nil, protocolViolation("invalid frontend message type %d", typ)
			}
			return nil, pgerror.New(pgcode.ProtocolViolation, fmt.Sprintf("unexpected message type 0x%02X during COPY from stdin", typ))
		}
	}
}

func isFrontendType(typ byte) bool {
	for i := 0; i < len(frontendTypes); i++ {
		if frontendTypes[i] == typ {
			return true
		}
	}
	return false
}
