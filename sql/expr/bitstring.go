package expr

// The operators and functions of bit strings (PostgreSQL's varbit.c):
// comparison, concatenation, the bitwise operators and shifts, and
// length, substring, overlay, position, get_bit, set_bit, bit_count. As
// in PostgreSQL they are declared on bit (bit varying converts to bit
// implicitly, and back), except || and the comparisons of bit varying,
// so bit varying || bit varying is a bit varying and B'1' & B'0' a bit.
// Bit positions are counted from the left: get_bit from 0, substring,
// overlay and position from 1.

import (
	"math"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

func init() {
	bit, vb, i4 := types.Bit, types.VarBit, types.Int4
	t := func(ts ...*types.T) []*types.T { return ts }
	cmpBits := func(a, b types.Datum) int { return types.Compare(bit, a, b) }
	addCompare(bit, bit, cmpBits)
	addCompare(vb, vb, cmpBits)

	addOp("||", vb, vb, vb, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return bitConcat(a[0].(types.BitString), a[1].(types.BitString))
	})
	addOp("&", bit, bit, bit, bitAnd)
	addOp("|", bit, bit, bit, bitOr)
	addOp("#", bit, bit, bit, bitXor)
	addOp("~", nil, bit, bit, func(_ *Context, a []types.Datum) (types.Datum, error) {
		v := a[0].(types.BitString)
		out := []byte(v.Bytes)
		for i := range out {
			out[i] = ^out[i]
		}
		return types.ResizeBitString(types.BitString{Len: v.Len, Bytes: string(out)}, v.Len), nil
	})
	addOp("<<", bit, i4, bit, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return bitShift(a[0].(types.BitString), a[1].(int64)), nil
	})
	addOp(">>", bit, i4, bit, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return bitShift(a[0].(types.BitString), -a[1].(int64)), nil
	})

	length := func(_ *Context, a []types.Datum) (types.Datum, error) { return int64(a[0].(types.BitString).Len), nil }
	addFunc("length", fn(t(bit), i4, length))
	addFunc("bit_length", fn(t(bit), i4, length))
	addFunc("octet_length", fn(t(bit), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return int64(len(a[0].(types.BitString).Bytes)), nil
	}))
	addFunc("bit_count", fn(t(bit), types.Int8, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return int64(a[0].(types.BitString).OnesCount()), nil
	}))
	addFunc("substring", fn(t(bit, i4, i4), bit, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return bitSubstring(a[0].(types.BitString), a[1].(int64), a[2].(int64), true)
	}))
	addFunc("substring", fn(t(bit, i4), bit, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return bitSubstring(a[0].(types.BitString), a[1].(int64), 0, false)
	}))
	addFunc("overlay", fn(t(bit, bit, i4, i4), bit, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return bitOverlay(a[0].(types.BitString), a[1].(types.BitString), a[2].(int64), a[3].(int64))
	}))
	addFunc("overlay", fn(t(bit, bit, i4), bit, func(_ *Context, a []types.Datum) (types.Datum, error) {
		p := a[1].(types.BitString)
		return bitOverlay(a[0].(types.BitString), p, a[2].(int64), int64(p.Len))
	}))
	addFunc("position", fn(t(bit, bit), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return bitPosition(a[0].(types.BitString), a[1].(types.BitString)), nil
	}))
	addFunc("get_bit", fn(t(bit, i4), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		v, n := a[0].(types.BitString), a[1].(int64)
		if err := checkBitIndex(v, n); err != nil {
			return nil, err
		}
		return int64(v.BitAt(int(n))), nil
	}))
	// "bit"(integer, integer) and "bit"(bigint, integer) are the casts
	// from the integers, the length given as a number (a typmod).
	for _, from := range []*types.T{i4, types.Int8} {
		addFunc("bit", fn(t(from, i4), bit, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return bitFromInt(a[0].(int64), int(a[1].(int64))), nil
		}))
	}
	addFunc("set_bit", fn(t(bit, i4, i4), bit, func(_ *Context, a []types.Datum) (types.Datum, error) {
		v, n, nb := a[0].(types.BitString), a[1].(int64), a[2].(int64)
		if err := checkBitIndex(v, n); err != nil {
			return nil, err
		}
		if nb != 0 && nb != 1 {
			return nil, pgerror.New(pgcode.InvalidParameterValue, "new bit must be 0 or 1")
		}
		out := []byte(v.Bytes)
		if m := byte(0x80) >> uint(n%8); nb == 1 {
			out[n/8] |= m
		} else {
			out[n/8] &^= m
		}
		return types.BitString{Len: v.Len, Bytes: string(out)}, nil
	}))
}

// bitAnd, bitOr and bitXor are the operators & | # on bit strings, and
// what the aggregates bit_and, bit_or and bit_xor fold with (agg_bool.go).
var (
	bitAnd = bitwise("AND", func(x, y byte) byte { return x & y })
	bitOr  = bitwise("OR", func(x, y byte) byte { return x | y })
	bitXor = bitwise("XOR", func(x, y byte) byte { return x ^ y })
)

// bitwise makes & | #: both strings must have the same length.
func bitwise(name string, f func(x, y byte) byte) evalFn {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].(types.BitString), a[1].(types.BitString)
		if x.Len != y.Len {
			return nil, pgerror.Newf(pgcode.StringDataLengthMismatch, "cannot %s bit strings of different sizes", name)
		}
		out := make([]byte, len(x.Bytes))
		for i := range out {
			out[i] = f(x.Bytes[i], y.Bytes[i])
		}
		return types.BitString{Len: x.Len, Bytes: string(out)}, nil
	}
}

// bitShift moves the bits n places left (right when n is negative),
// keeping the length: bits shifted out are lost, zeros come in.
func bitShift(v types.BitString, n int64) types.BitString {
	in := v.Bits()
	out := make([]byte, len(in))
	for i := range out {
		if j := int64(i) + n; j >= 0 && j < int64(len(in)) {
			out[i] = in[j]
		}
	}
	return types.BitStringFromBits(out)
}

func bitConcat(x, y types.BitString) (types.Datum, error) {
	if x.Len+y.Len > types.MaxBitLength {
		return nil, types.ErrBitTooLong()
	}
	return types.BitStringFromBits(append(x.Bits(), y.Bits()...)), nil
}

// bitSubstring is bitsubstr: the bits from position start (1-based) for
// n bits, or to the end when n is not given; positions before the start
// count towards n, as SQL's substring.
func bitSubstring(v types.BitString, start, n int64, withLength bool) (types.Datum, error) {
	s1 := max(start, 1)
	end := int64(v.Len) + 1
	if withLength {
		if n < 0 {
			return nil, errNegativeSubstring()
		}
		if e := start + n; e <= math.MaxInt32 {
			end = min(e, end)
		}
	}
	if s1 > int64(v.Len) || end <= s1 {
		return types.BitString{}, nil
	}
	return types.BitStringFromBits(v.Bits()[s1-1 : end-1]), nil
}

// bitOverlay is bitoverlay: v with n bits from position start replaced
// by p.
func bitOverlay(v, p types.BitString, start, n int64) (types.Datum, error) {
	if start <= 0 {
		return nil, errNegativeSubstring()
	}
	after := start + n
	if after > math.MaxInt32 || after < math.MinInt32 {
		return nil, pgerror.New(pgcode.NumericValueOutOfRange, "integer out of range")
	}
	head, err := bitSubstring(v, 1, start-1, true)
	if err != nil {
		return nil, err
	}
	tail, _ := bitSubstring(v, after, 0, false)
	r, err := bitConcat(head.(types.BitString), p)
	if err != nil {
		return nil, err
	}
	return bitConcat(r.(types.BitString), tail.(types.BitString))
}

// bitPosition is bitposition: where sub first occurs in v (1-based), 0
// when it does not; an empty sub is at 1 unless v is empty too.
func bitPosition(v, sub types.BitString) int64 {
	if v.Len == 0 || sub.Len > v.Len {
		return 0
	}
	if sub.Len == 0 {
		return 1
	}
	h, n := v.Bits(), sub.Bits()
	for i := 0; i+len(n) <= len(h); i++ {
		if string(h[i:i+len(n)]) == string(n) {
			return int64(i + 1)
		}
	}
	return 0
}

func checkBitIndex(v types.BitString, n int64) error {
	if n < 0 || n >= int64(v.Len) {
		return pgerror.Newf(pgcode.ArraySubscriptError, "bit index %d out of valid range (0..%d)", n, v.Len-1)
	}
	return nil
}

// bitFromInt is bitfromint4 and bitfromint8: the low n bits of v's two's
// complement, sign-extended when n is wider than v; n is 1 when the
// target has no length (n <= 0) or an impossible one.
func bitFromInt(v int64, n int) types.BitString {
	if n <= 0 || n > types.MaxBitLength {
		n = 1
	}
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(v>>min(uint(n-1-i), 63)) & 1
	}
	return types.BitStringFromBits(out)
}

// intFromBit is bittoint4 and bittoint8: the bits as an unsigned number
// of the target's width, which must hold them all.
func intFromBit(v types.BitString, to *types.T) (types.Datum, error) {
	width := 32
	if to.Oid == types.Int8.Oid {
		width = 64
	}
	if v.Len > width {
		return nil, errIntRange(to)
	}
	var u uint64
	for i := 0; i < v.Len; i++ {
		u = u<<1 | uint64(v.BitAt(i))
	}
	if width == 32 {
		return int64(int32(uint32(u))), nil
	}
	return int64(u), nil
}
