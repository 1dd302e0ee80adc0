package client

import (
	"encoding/binary"
	"errors"
)

// decodeRow splits a row's stored encoding into its columns' binary
// values (docs/PROOFS.md, engine/keyenc): version 0x01, a uvarint column
// count, then per column 0x00 for NULL or uvarint(len+1) and the bytes.
// It needs no column types, so a client checks any table's rows.
func decodeRow(b []byte) ([][]byte, error) {
	if len(b) == 0 || b[0] != 0x01 {
		return nil, errors.New("row encoding: unknown version")
	}
	b = b[1:]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, errors.New("row encoding: bad column count")
	}
	b = b[k:]
	cols := make([][]byte, n)
	for i := range cols {
		l, k := binary.Uvarint(b)
		if k <= 0 {
			return nil, errors.New("row encoding: truncated")
		}
		b = b[k:]
		if l == 0 {
			continue // NULL
		}
		if l-1 > uint64(len(b)) {
			return nil, errors.New("row encoding: truncated value")
		}
		cols[i] = append([]byte{}, b[:l-1]...)
		b = b[l-1:]
	}
	if len(b) != 0 {
		return nil, errors.New("row encoding: trailing bytes")
	}
	return cols, nil
}
