package keyenc

import (
	"bytes"
	"encoding/binary"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// RowVersion is the first byte of every encoded row.
const RowVersion byte = 1

// AppendRow appends the value encoding of a full row: the version byte
// RowVersion, the column count as a uvarint, then per column either 0x00
// (NULL) or uvarint(len(v)+1) followed by v, the value's PostgreSQL
// binary send format (t.AppendBinary) — for an array, PostgreSQL's
// array_send layout (dimensions, lower bounds, element oid, then each
// element's length and send format), so a stored row is what a binary
// client would receive. ts and row have one entry per column. On error
// dst is returned unchanged (same length).
func AppendRow(dst []byte, ts []*types.T, row []types.Datum) ([]byte, error) {
	if len(ts) != len(row) {
		return dst, pgerror.Newf(pgcode.Internal, "keyenc: %d values for %d columns", len(row), len(ts))
	}
	start := len(dst)
	dst = append(dst, RowVersion)
	dst = binary.AppendUvarint(dst, uint64(len(row)))
	for i, d := range row {
		if d == nil {
			dst = append(dst, 0)
			continue
		}
		if ts[i] == nil {
			return dst[:start], pgerror.Newf(pgcode.Internal, "keyenc: column %d has no type", i+1)
		}
		pos := len(dst)
		var err error
		dst, err = ts[i].AppendBinary(dst, d)
		if err != nil {
			return dst[:start], err
		}
		// Put the length in front of the value: write it after the
		// value, then rotate it into place.
		n := len(dst) - pos
		var hdr [binary.MaxVarintLen64]byte
		h := binary.PutUvarint(hdr[:], uint64(n)+1)
		dst = append(dst, hdr[:h]...)
		copy(dst[pos+h:], dst[pos:pos+n])
		copy(dst[pos:], hdr[:h])
	}
	return dst, nil
}

// DecodeRow decodes a row encoded by AppendRow with the same column
// types. It is strict, so that exactly one byte string encodes a row: the
// version, the column count (which must be len(ts)), canonical (shortest)
// uvarints, no bytes after the last column, and every value in the
// canonical send format of its type (re-encoding it gives the same
// bytes). Errors are *pgerror.Error values with code XX001
// (data_corrupted); a value its type's receive function rejects is
// wrapped, so errors.As finds the original error.
func DecodeRow(b []byte, ts []*types.T) ([]types.Datum, error) {
	return decodeRowInto(nil, b, ts, nil, false, true)
}

// DecodeRowPadded is DecodeRow for rows written before columns were
// added: ALTER TABLE ADD COLUMN appends columns to ts, and an older row
// with fewer columns decodes with the missing trailing columns NULL. A
// row with more columns than ts is still an error.
func DecodeRowPadded(b []byte, ts []*types.T) ([]types.Datum, error) {
	return decodeRowInto(nil, b, ts, nil, true, true)
}

// DecodeStoredRow is DecodeRowPadded without the canonical check (the
// re-encoding of every value) and without the input checks of character
// values (types.T.DecodeStored), for rows read back from the store: their
// exact bytes are what the log hashed, written by AppendRow, so checking
// them again on every read only costs time — about a tenth of a range
// scan's CPU each. Anything that takes bytes from elsewhere uses
// DecodeRow.
func DecodeStoredRow(b []byte, ts []*types.T) ([]types.Datum, error) {
	return DecodeStoredColumns(b, ts, nil)
}

// DecodeStoredColumns is DecodeStoredRow for a reader of some columns
// only: a column whose entry in need is false (or past its end) comes
// back NULL, its value skipped undecoded. Decoding is most of a full
// read's CPU, and a query seldom reads every column of a wide row. need
// nil reads them all. The row's structure (count, lengths) is checked
// as for DecodeStoredRow.
func DecodeStoredColumns(b []byte, ts []*types.T, need []bool) ([]types.Datum, error) {
	return decodeRowInto(nil, b, ts, need, true, false)
}

// DecodeStoredColumnsInto is DecodeStoredColumns into row, which must
// have len(ts) entries, all overwritten: for a reader done with each row
// before the next, it spares an allocation a row.
func DecodeStoredColumnsInto(row []types.Datum, b []byte, ts []*types.T, need []bool) error {
	clear(row)
	return DecodeMoreStoredColumnsInto(row, b, ts, need)
}

// DecodeMoreStoredColumnsInto is DecodeStoredColumnsInto that leaves the
// values of the columns need does not mark as they are: a scan decodes
// the columns its filter reads first, and the rest only for the rows the
// filter keeps.
func DecodeMoreStoredColumnsInto(row []types.Datum, b []byte, ts []*types.T, need []bool) error {
	if len(row) != len(ts) {
		return pgerror.Newf(pgcode.Internal, "keyenc: a row of %d values for %d columns", len(row), len(ts))
	}
	_, err := decodeRowInto(row, b, ts, need, true, false)
	return err
}

func errCorruptRow(format string, args ...any) *pgerror.Error {
	return pgerror.Newf(pgcode.DataCorrupted, "malformed row: "+format, args...)
}

// uvarint reads a canonical uvarint.
func uvarint(b []byte) (v uint64, n int, ok bool) {
	v, n = binary.Uvarint(b)
	if n <= 0 {
		return 0, 0, false
	}
	// The shortest form never ends with a 0x00 continuation byte.
	if n > 1 && b[n-1] == 0 {
		return 0, 0, false
	}
	return v, n, true
}

// decodeRowInto decodes into row when it is not nil (its values of the
// columns need does not mark, and of those the row does not hold, left
// as they are), else into a new row.
func decodeRowInto(row []types.Datum, b []byte, ts []*types.T, need []bool, padded, canonical bool) ([]types.Datum, error) {
	if len(b) == 0 {
		return nil, errCorruptRow("empty")
	}
	if b[0] != RowVersion {
		return nil, errCorruptRow("unknown version %d", b[0])
	}
	b = b[1:]
	count, n, ok := uvarint(b)
	if !ok {
		return nil, errCorruptRow("bad column count")
	}
	b = b[n:]
	if count > uint64(len(ts)) || (!padded && count != uint64(len(ts))) {
		return nil, errCorruptRow("%d columns, expected %d", count, len(ts))
	}
	if row == nil {
		row = make([]types.Datum, len(ts))
	}
	var scratch []byte
	for i := 0; i < int(count); i++ {
		var l uint64
		if len(b) > 0 && b[0] < 0x80 {
			// A one-byte length (any value under 127 bytes), read in
			// line: a read of one column steps over those before it.
			l, b = uint64(b[0]), b[1:]
		} else {
			var n int
			if l, n, ok = uvarint(b); !ok {
				return nil, errCorruptRow("column %d: bad length", i+1)
			}
			b = b[n:]
		}
		if l == 0 {
			continue // NULL
		}
		l--
		if l > uint64(len(b)) {
			return nil, errCorruptRow("column %d: truncated", i+1)
		}
		v := b[:l]
		b = b[l:]
		if need != nil && (i >= len(need) || !need[i]) {
			continue
		}
		t := ts[i]
		if t == nil {
			return nil, pgerror.Newf(pgcode.Internal, "keyenc: column %d has no type", i+1)
		}
		var d types.Datum
		var err error
		if canonical {
			d, err = t.DecodeBinary(v)
		} else {
			d, err = t.DecodeStored(v)
		}
		if err != nil {
			return nil, pgerror.Wrapf(err, pgcode.DataCorrupted, "malformed row: column %d (%s): %v", i+1, t.Name, err)
		}
		if canonical {
			scratch, err = t.AppendBinary(scratch[:0], d)
			if err != nil || !bytes.Equal(scratch, v) {
				return nil, errCorruptRow("column %d (%s): non-canonical value", i+1, t.Name)
			}
		}
		row[i] = d
	}
	if len(b) != 0 {
		return nil, errCorruptRow("%d bytes after the last column", len(b))
	}
	return row, nil
}
