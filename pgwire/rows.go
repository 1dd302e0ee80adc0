package pgwire

import (
	"encoding/binary"

	"github.com/jackc/pgproto3/v2"

	"github.com/stela-db/stela/sql"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Format codes.
const (
	formatText   int16 = 0
	formatBinary int16 = 1
)

// rowDescription describes result columns; formats has one code per
// column (nil: all text, as for Describe of a statement).
func rowDescription(cols []sql.Column, formats []int16) *pgproto3.RowDescription {
	fields := make([]pgproto3.FieldDescription, len(cols))
	for i, col := range cols {
		f := formatText
		if formats != nil {
			f = formats[i]
		}
		fields[i] = pgproto3.FieldDescription{
			Name:                 []byte(col.Name),
			TableOID:             col.TableOID,
			TableAttributeNumber: uint16(col.AttNum),
			DataTypeOID:          col.Type.Oid,
			DataTypeSize:         int16(col.Type.Len),
			TypeModifier:         col.Type.Typmod,
			Format:               f,
		}
	}
	return &pgproto3.RowDescription{Fields: fields}
}

// maxFields is the most columns RowDescription and DataRow, and the most
// parameters ParameterDescription, can count (an int16 on the wire).
const maxFields = 65535

// checkShape refuses a statement the protocol cannot describe, before it
// runs: encoding its RowDescription would fail and end the connection.
func checkShape(p *sql.Prepared) error {
	if len(p.Columns) > maxFields {
		return pgerror.Newf(pgcode.TooManyColumns, "target lists can have at most %d entries", maxFields)
	}
	if len(p.ParamTypes) > maxFields {
		return pgerror.Newf(pgcode.TooManyArguments, "too many parameters: %d (at most %d)", len(p.ParamTypes), maxFields)
	}
	return nil
}

// resultFormats expands Bind's result format codes to one per column, in
// buf when it has room.
func resultFormats(buf []int16, codes []int16, ncols int) ([]int16, error) {
	out := buf[:0]
	if ncols > cap(buf) {
		out = make([]int16, 0, ncols)
	}
	out = out[:ncols]
	clear(out)
	switch len(codes) {
	case 0:
	case 1:
		for i := range out {
			out[i] = codes[0]
		}
	default:
		if len(codes) != ncols {
			return nil, pgerror.Newf(pgcode.ProtocolViolation, "bind message has %d result formats but query has %d columns", len(codes), ncols)
		}
		copy(out, codes)
	}
	return out, nil
}

// checkFormats refuses unknown result format codes. PostgreSQL accepts
// them in Bind (and Describe reports them) and fails at Execute.
func checkFormats(formats []int16) error {
	for _, f := range formats {
		if f != formatText && f != formatBinary {
			return pgerror.Newf(pgcode.InvalidParameterValue, "unsupported format code: %d", f)
		}
	}
	return nil
}

// sendDataRow encodes one row straight into the output buffer.
func (c *conn) sendDataRow(cols []sql.Column, formats []int16, row []types.Datum) error {
	b, err := appendDataRow(c.w.buf[:0], cols, formats, row, c.sess.FormatSettings(), c.w.enc)
	if err != nil {
		c.w.buf = b[:0]
		return err
	}
	c.w.sendRaw(b)
	c.w.buf = b[:0]
	return nil
}

// appendDataRow appends DataRow: 'D', length, column count, then each
// value as length (-1 for NULL) and bytes. It allocates nothing but the
// growth of b (BenchmarkEncodeDataRow). Text goes in enc, the client's
// encoding, when it is not nil (encoding.go).
func appendDataRow(b []byte, cols []sql.Column, formats []int16, row []types.Datum, fs *types.FormatSettings, enc *pgenc.Encoding) ([]byte, error) {
	start := len(b)
	b = append(b, 'D', 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(len(row)))
	for i, v := range row {
		if v == nil {
			b = binary.BigEndian.AppendUint32(b, 0xFFFFFFFF)
			continue
		}
		lenAt := len(b)
		b = append(b, 0, 0, 0, 0)
		t := cols[i].Type
		binaryFormat := formats != nil && formats[i] == formatBinary
		if binaryFormat {
			var err error
			if b, err = t.AppendBinary(b, v); err != nil {
				return b, err
			}
		} else {
			b = t.AppendText(b, v, fs)
		}
		if enc != nil {
			var err error
			if b, err = valueToClient(b, lenAt+4, t, v, binaryFormat, enc, fs); err != nil {
				return b, err
			}
		}
		binary.BigEndian.PutUint32(b[lenAt:], uint32(len(b)-lenAt-4))
	}
	binary.BigEndian.PutUint32(b[start+1:], uint32(len(b)-start-1))
	return b, nil
}
