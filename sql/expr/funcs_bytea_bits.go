package expr

// get_bit, set_bit and bit_count of bytea (varlena.c's byteaGetBit,
// byteaSetBit, bytea_bit_count). Unlike a bit string's, a bytea's bits
// are numbered from the least significant bit of each byte: bit n is bit
// n%8 of byte n/8.

import (
	"math/bits"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

func init() {
	by, i4, i8 := types.Bytea, types.Int4, types.Int8
	addFunc("get_bit", fn([]*types.T{by, i8}, i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		b, n := a[0].([]byte), a[1].(int64)
		if err := checkByteaBitIndex(b, n); err != nil {
			return nil, err
		}
		return int64(b[n/8]>>uint(n%8)) & 1, nil
	}))
	addFunc("set_bit", fn([]*types.T{by, i8, i4}, by, func(_ *Context, a []types.Datum) (types.Datum, error) {
		b, n, nb := a[0].([]byte), a[1].(int64), a[2].(int64)
		if err := checkByteaBitIndex(b, n); err != nil {
			return nil, err
		}
		if nb != 0 && nb != 1 {
			return nil, pgerror.New(pgcode.InvalidParameterValue, "new bit must be 0 or 1")
		}
		out := append([]byte{}, b...)
		out[n/8] = out[n/8]&^(1<<uint(n%8)) | byte(nb)<<uint(n%8)
		return out, nil
	}))
	addFunc("bit_count", fn([]*types.T{by}, i8, func(_ *Context, a []types.Datum) (types.Datum, error) {
		n := 0
		for _, c := range a[0].([]byte) {
			n += bits.OnesCount8(c)
		}
		return int64(n), nil
	}))
}

func checkByteaBitIndex(b []byte, n int64) error {
	if n < 0 || n >= int64(len(b))*8 {
		return pgerror.Newf(pgcode.ArraySubscriptError, "index %d out of valid range, 0..%d", n, int64(len(b))*8-1)
	}
	return nil
}
