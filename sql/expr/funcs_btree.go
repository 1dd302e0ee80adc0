package expr

// The btree support functions of PostgreSQL's operator families that
// stela serves (pg_amproc, sql/pgcatalog_opfamily.go), as SQL can call
// them: the three-way comparisons (support function 1: btint4cmp,
// bttextcmp...), in_range for the integer and float families (3, the
// RANGE window frames' offsets) and the "equal image" tests (4). Each
// comparison is stela's own order of its types (types.Compare, the order
// of the family's operators), and returns the numbers PostgreSQL 15's
// returns, not just their signs: btint2cmp and btcharcmp subtract, the
// byte-string comparisons return memcmp's result, the difference of the
// first bytes that differ, as glibc's memcmp does. The sort support
// functions (2) take PostgreSQL's internal type, which stela has not;
// nor is jsonb_cmp here, whose magnitudes follow jsonb's binary layout.

import (
	"math"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// memcmpOrder is PostgreSQL's varstr_cmp in the C collation (and
// byteacmp, uuid_cmp): the difference of the first differing bytes, else
// the shorter string first.
func memcmpOrder(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// cmpSign is a three-way comparison's result as PostgreSQL's comparisons of
// numbers and times return it: -1, 0 or 1.
func cmpSign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

func init() {
	cmp := func(name string, l, r *types.T, f func(ctx *Context, a, b types.Datum) (int, error)) {
		o := fn([]*types.T{l, r}, types.Int4, func(ctx *Context, a []types.Datum) (types.Datum, error) {
			c, err := f(ctx, a[0], a[1])
			return int64(c), err
		})
		if l.Family == types.TimestampTZFamily || r.Family == types.TimestampTZFamily {
			o = readsSession(o) // date and timestamp are read in the session's time zone
		}
		addFunc(name, o)
	}
	// same compares two values of t by stela's order.
	same := func(t *types.T) func(*Context, types.Datum, types.Datum) (int, error) {
		return func(_ *Context, a, b types.Datum) (int, error) { return cmpSign(types.Compare(t, a, b)), nil }
	}
	// as compares after converting both operands to t, as PostgreSQL's
	// cross-type comparisons do (int4 to int8, date to timestamp).
	as := func(l, r, t *types.T) func(*Context, types.Datum, types.Datum) (int, error) {
		return func(ctx *Context, a, b types.Datum) (int, error) {
			x, err := castValue(a, l, t, false, ctx.formatSettings())
			if err != nil {
				return 0, err
			}
			y, err := castValue(b, r, t, false, ctx.formatSettings())
			if err != nil {
				return 0, err
			}
			return cmpSign(types.Compare(t, x, y)), nil
		}
	}
	bytewise := func(trim bool) func(*Context, types.Datum, types.Datum) (int, error) {
		return func(_ *Context, a, b types.Datum) (int, error) {
			x, y := a.(string), b.(string)
			if trim {
				x, y = strings.TrimRight(x, " "), strings.TrimRight(y, " ")
			}
			return memcmpOrder(x, y), nil
		}
	}
	i2, i4, i8 := types.Int2, types.Int4, types.Int8
	cmp("btint2cmp", i2, i2, func(_ *Context, a, b types.Datum) (int, error) { return int(a.(int64) - b.(int64)), nil })
	cmp("btint4cmp", i4, i4, same(i8))
	cmp("btint8cmp", i8, i8, same(i8))
	cmp("btint24cmp", i2, i4, same(i8))
	cmp("btint42cmp", i4, i2, same(i8))
	cmp("btint28cmp", i2, i8, same(i8))
	cmp("btint82cmp", i8, i2, same(i8))
	cmp("btint48cmp", i4, i8, same(i8))
	cmp("btint84cmp", i8, i4, same(i8))
	cmp("btoidcmp", types.OidType, types.OidType, same(types.OidType))
	cmp("btboolcmp", types.Bool, types.Bool, same(types.Bool))
	cmp("btcharcmp", types.Char, types.Char, func(_ *Context, a, b types.Datum) (int, error) {
		code := func(s string) int {
			if s == "" {
				return 0
			}
			return int(s[0])
		}
		return code(a.(string)) - code(b.(string)), nil
	})
	f4, f8 := types.Float4, types.Float8
	cmp("btfloat4cmp", f4, f4, same(f8))
	cmp("btfloat8cmp", f8, f8, same(f8))
	cmp("btfloat48cmp", f4, f8, same(f8))
	cmp("btfloat84cmp", f8, f4, same(f8))
	cmp("numeric_cmp", types.Numeric, types.Numeric, same(types.Numeric))
	cmp("interval_cmp", types.IntervalType, types.IntervalType, same(types.IntervalType))
	cmp("time_cmp", types.Time, types.Time, same(types.Time))
	d, ts, tz := types.DateType, types.TimestampType, types.TimestampTZType
	cmp("date_cmp", d, d, same(d))
	cmp("timestamp_cmp", ts, ts, same(ts))
	cmp("timestamptz_cmp", tz, tz, same(tz))
	cmp("date_cmp_timestamp", d, ts, as(d, ts, ts))
	cmp("date_cmp_timestamptz", d, tz, as(d, tz, tz))
	cmp("timestamp_cmp_date", ts, d, as(ts, d, ts))
	cmp("timestamp_cmp_timestamptz", ts, tz, as(ts, tz, tz))
	cmp("timestamptz_cmp_date", tz, d, as(tz, d, tz))
	cmp("timestamptz_cmp_timestamp", tz, ts, as(tz, ts, tz))
	cmp("bttextcmp", types.Text, types.Text, bytewise(false))
	// btnamecmp is strncmp on the NUL-terminated names: a prefix sorts
	// first by the difference of NUL and the next byte.
	cmp("btnamecmp", types.Name, types.Name, func(_ *Context, a, b types.Datum) (int, error) {
		return memcmpOrder(a.(string)+"\x00", b.(string)+"\x00"), nil
	})
	cmp("btnametextcmp", types.Name, types.Text, bytewise(false))
	cmp("bttextnamecmp", types.Text, types.Name, bytewise(false))
	cmp("bttext_pattern_cmp", types.Text, types.Text, bytewise(false))
	cmp("bpcharcmp", types.Bpchar, types.Bpchar, bytewise(true))
	cmp("btbpchar_pattern_cmp", types.Bpchar, types.Bpchar, bytewise(true))
	cmp("byteacmp", types.Bytea, types.Bytea, func(_ *Context, a, b types.Datum) (int, error) {
		return memcmpOrder(string(a.([]byte)), string(b.([]byte))), nil
	})
	cmp("uuid_cmp", types.UUIDType, types.UUIDType, func(_ *Context, a, b types.Datum) (int, error) {
		x, y := a.(types.UUID), b.(types.UUID)
		return memcmpOrder(string(x[:]), string(y[:])), nil
	})
	// bitcmp is bit_cmp: memcmp of the bytes both have, then the
	// shorter string first.
	bitcmp := func(_ *Context, a, b types.Datum) (int, error) {
		x, y := a.(types.BitString), b.(types.BitString)
		m := min(len(x.Bytes), len(y.Bytes))
		if c := memcmpOrder(x.Bytes[:m], y.Bytes[:m]); c != 0 {
			return c, nil
		}
		return cmpSign(x.Len - y.Len), nil
	}
	cmp("network_cmp", types.InetType, types.InetType, func(_ *Context, a, b types.Datum) (int, error) {
		return types.CompareInet(a.(types.Inet), b.(types.Inet)), nil
	})
	cmp("macaddr_cmp", types.MacAddrType, types.MacAddrType, same(types.MacAddrType))
	cmp("macaddr8_cmp", types.MacAddr8Type, types.MacAddr8Type, same(types.MacAddr8Type))
	cmp("bitcmp", types.Bit, types.Bit, bitcmp)
	cmp("varbitcmp", types.VarBit, types.VarBit, bitcmp)

	// btequalimage: the family's equality is bitwise equality, whatever
	// the type (the argument), so deduplication may be used.
	addFunc("btequalimage", fn([]*types.T{types.OidType}, types.Bool, func(*Context, []types.Datum) (types.Datum, error) {
		return true, nil
	}))
	// btvarstrequalimage asks whether the collation it is called with is
	// deterministic; a call from SQL has none (its argument is an oid).
	addFunc("btvarstrequalimage", fn([]*types.T{types.OidType}, types.Bool, func(*Context, []types.Datum) (types.Datum, error) {
		return nil, pgerror.New(pgcode.IndeterminateCollation, "could not determine which collation to use for string comparison").
			WithHint("Use the COLLATE clause to set the collation explicitly.")
	}))

	addIntInRange(i2, i2)
	addIntInRange(i2, i4)
	addIntInRange(i2, i8)
	addIntInRange(i4, i2)
	addIntInRange(i4, i4)
	addIntInRange(i4, i8)
	addIntInRange(i8, i8)
	addFloatInRange(f8)
	addFloatInRange(f4)
}

// errInRangeOffset is in_range's error for a negative (or NaN) offset.
func errInRangeOffset() error {
	return pgerror.New(pgcode.InvalidPrecedingOrFollowingSize, "invalid preceding or following size in window function")
}

// inRangeArgs are in_range's parameter types: val, base, offset, sub,
// less.
func inRangeArgs(t, offset *types.T) []*types.T {
	return []*types.T{t, t, offset, types.Bool, types.Bool}
}

// addIntInRange registers in_range(t, t, offset, bool, bool): whether
// val <= base + offset (less) or val >= base + offset (not less), the
// offset subtracted instead when sub. PostgreSQL adds in 32 bits unless
// an int8 is involved; when the sum overflows, it is beyond any val.
func addIntInRange(t, offset *types.T) {
	lo, hi := int64(math.MinInt32), int64(math.MaxInt32)
	if t.Oid == types.Int8.Oid || offset.Oid == types.Int8.Oid {
		lo, hi = math.MinInt64, math.MaxInt64
	}
	addFunc("in_range", fn(inRangeArgs(t, offset), types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) {
		val, base, off, sub, less := a[0].(int64), a[1].(int64), a[2].(int64), a[3].(bool), a[4].(bool)
		if off < 0 {
			return nil, errInRangeOffset()
		}
		if sub {
			off = -off
		}
		sum := base + off
		if (off > 0 && (sum < base || sum > hi)) || (off < 0 && (sum > base || sum < lo)) {
			if sub {
				return !less, nil
			}
			return less, nil
		}
		if less {
			return val <= sum, nil
		}
		return val >= sum, nil
	}))
}

// addFloatInRange registers in_range(t, t, float8, bool, bool), computed
// in float8, with PostgreSQL's rules for NaN (after everything) and for
// an infinite base and offset whose sum would be NaN.
func addFloatInRange(t *types.T) {
	addFunc("in_range", fn(inRangeArgs(t, types.Float8), types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) {
		val, base, off, sub, less := a[0].(float64), a[1].(float64), a[2].(float64), a[3].(bool), a[4].(bool)
		if math.IsNaN(off) || off < 0 {
			return nil, errInRangeOffset()
		}
		switch {
		case math.IsNaN(val):
			return math.IsNaN(base) || !less, nil
		case math.IsNaN(base):
			return less, nil
		}
		if math.IsInf(off, 0) && math.IsInf(base, 0) && (sub && base > 0 || !sub && base < 0) {
			return true, nil
		}
		sum := base + off
		if sub {
			sum = base - off
		}
		if less {
			return val <= sum, nil
		}
		return val >= sum, nil
	}))
}
