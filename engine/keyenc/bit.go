package keyenc

// The key of a bit string (bit, bit varying). PostgreSQL's bit_cmp
// compares the bytes both strings have (padding bits are zero) and then
// puts the shorter string first: the bytes escaped and terminated as
// text's are, then the bit count, give that order. Where one byte string
// is a proper prefix of the other the terminator 00 01 sorts before
// whatever the longer one has next (00 FF or a non-zero byte), which is
// the shorter string first; with the same bytes the bit count decides.

import (
	"encoding/binary"

	"github.com/stela-db/stela/sql/types"
)

func appendBitKey(dst []byte, t *types.T, d types.Datum) ([]byte, error) {
	v, ok := d.(types.BitString)
	if !ok || len(v.Bytes) != (v.Len+7)/8 {
		return dst, errWrongDatum(t, d)
	}
	dst = appendEscapedString(dst, v.Bytes)
	return binary.BigEndian.AppendUint32(dst, uint32(v.Len)), nil
}

func decodeBitKey(r *reader, t *types.T) (types.Datum, error) {
	b, err := r.escapedString(t)
	if err != nil {
		return nil, err
	}
	n, ok := r.uint32()
	if !ok {
		return nil, errTruncated(t)
	}
	if int64(n) > types.MaxBitLength || len(b) != (int(n)+7)/8 {
		return nil, errCorrupt(t, "bit count does not match the bytes")
	}
	if r := n % 8; r != 0 && b[len(b)-1]&byte(0xFF>>r) != 0 {
		return nil, errCorrupt(t, "padding bits set in bit string key")
	}
	return types.BitString{Len: int(n), Bytes: b}, nil
}
