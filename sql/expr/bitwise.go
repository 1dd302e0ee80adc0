package expr

import "github.com/stela-db/stela/sql/types"

// The integer bitwise operators, for each width alone as PostgreSQL has
// them (int2and, int4or, int8xor, ...): & | # and prefix ~, and the
// shifts << >> whose count is an int4. pgjdbc's getIndexInfo tests
// indoption bits with (indoption[i] & 1). PostgreSQL shifts with C's
// operators on the type's width after promotion to int: an int2 or int4
// shift uses the count's low 5 bits and an int8 shift its low 6 bits (as
// the hardware it runs on does), and the result is cut to the width
// without an overflow error.

func init() {
	for _, t := range []*types.T{types.Int2, types.Int4, types.Int8} {
		addOp("&", t, t, t, bitOp(t, func(x, y int64) int64 { return x & y }))
		addOp("|", t, t, t, bitOp(t, func(x, y int64) int64 { return x | y }))
		addOp("#", t, t, t, bitOp(t, func(x, y int64) int64 { return x ^ y }))
		addOp("~", nil, t, t, bitOp(t, func(x, _ int64) int64 { return ^x }))
		addOp("<<", t, types.Int4, t, bitOp(t, func(x, y int64) int64 { return x << shiftCount(t, y) }))
		addOp(">>", t, types.Int4, t, bitOp(t, func(x, y int64) int64 { return x >> shiftCount(t, y) }))
	}
}

// bitOp makes an operator's function; a unary one gets 0 as y.
func bitOp(t *types.T, f func(x, y int64) int64) func(*Context, []types.Datum) (types.Datum, error) {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].(int64), int64(0)
		if len(a) > 1 {
			y = a[1].(int64)
		}
		return truncInt(t, f(x, y)), nil
	}
}

// shiftCount is the count a shift of type t uses.
func shiftCount(t *types.T, y int64) uint {
	if t.Oid == types.Int8.Oid {
		return uint(y & 63)
	}
	return uint(y & 31)
}

// truncInt cuts v to t's width, as the C cast of PostgreSQL's result
// does.
func truncInt(t *types.T, v int64) int64 {
	switch t.Oid {
	case types.Int2.Oid:
		return int64(int16(v))
	case types.Int4.Oid:
		return int64(int32(v))
	}
	return v
}
