package expr

// The operators and functions of network addresses (PostgreSQL's
// network.c, mac.c, mac8.c). As in PostgreSQL they are declared on inet,
// and a cidr converts to inet implicitly, so cidr & cidr is an inet;
// abbrev and set_masklen have cidr versions of their own, and network,
// cidr and inet_merge return a cidr. Containment (<< <<= >> >>=) and
// overlap (&&) compare the network parts; = compares the whole value,
// mask length included.

import (
	"math"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

func init() {
	inet, cidr, i4, i8 := types.InetType, types.CIDRType, types.Int4, types.Int8
	mac, mac8 := types.MacAddrType, types.MacAddr8Type
	t := func(ts ...*types.T) []*types.T { return ts }
	// Comparison operators: compare.go, with the other types Compare
	// orders.

	contains := func(name string, test func(a, b types.Inet) bool) {
		addOp(name, inet, inet, types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return test(a[0].(types.Inet), a[1].(types.Inet)), nil
		})
	}
	// network_sub, network_subeq, network_sup, network_supeq: a is
	// within b's network (or b within a's).
	contains("<<", func(a, b types.Inet) bool { return within(a, b, false) })
	contains("<<=", func(a, b types.Inet) bool { return within(a, b, true) })
	contains(">>", func(a, b types.Inet) bool { return within(b, a, false) })
	contains(">>=", func(a, b types.Inet) bool { return within(b, a, true) })
	contains("&&", func(a, b types.Inet) bool {
		return a.IPv6 == b.IPv6 && types.BitPrefixCompare(a.Bytes(), b.Bytes(), int(min(a.Bits, b.Bits))) == 0
	})

	addOp("~", nil, inet, inet, func(_ *Context, a []types.Datum) (types.Datum, error) {
		v := a[0].(types.Inet)
		for i := 0; i < v.Size(); i++ {
			v.Addr[i] = ^v.Addr[i]
		}
		return v, nil
	})
	addOp("&", inet, inet, inet, inetBitwise("AND", func(x, y byte) byte { return x & y }))
	addOp("|", inet, inet, inet, inetBitwise("OR", func(x, y byte) byte { return x | y }))
	addOp("+", inet, i8, inet, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return inetPlus(a[0].(types.Inet), a[1].(int64))
	})
	addOp("+", i8, inet, inet, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return inetPlus(a[1].(types.Inet), a[0].(int64))
	})
	addOp("-", inet, i8, inet, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return inetPlus(a[0].(types.Inet), -a[1].(int64))
	})
	addOp("-", inet, inet, i8, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return inetMinus(a[0].(types.Inet), a[1].(types.Inet))
	})

	text := func(f func(dst []byte, v types.Inet) []byte) *overload {
		return fn(t(inet), types.Text, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return string(f(nil, a[0].(types.Inet))), nil
		})
	}
	addFunc("host", text(types.AppendInetAddr))
	addFunc("abbrev", text(func(dst []byte, v types.Inet) []byte { return types.AppendInetAbbrev(dst, v, false) }))
	addFunc("abbrev", fn(t(cidr), types.Text, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return string(types.AppendInetAbbrev(nil, a[0].(types.Inet), true)), nil
	}))
	addFunc("masklen", fn(t(inet), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return int64(a[0].(types.Inet).Bits), nil
	}))
	addFunc("family", fn(t(inet), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		if a[0].(types.Inet).IPv6 {
			return int64(6), nil
		}
		return int64(4), nil
	}))
	addFunc("network", fn(t(inet), cidr, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return a[0].(types.Inet).Network(), nil
	}))
	addFunc("broadcast", fn(t(inet), inet, func(_ *Context, a []types.Datum) (types.Datum, error) {
		v := a[0].(types.Inet)
		for i := 0; i < v.Size(); i++ {
			v.Addr[i] |= ^types.MaskByte(int(v.Bits), i)
		}
		return v, nil
	}))
	mask := func(host bool) evalFn {
		return func(_ *Context, a []types.Datum) (types.Datum, error) {
			v := a[0].(types.Inet)
			out := types.Inet{IPv6: v.IPv6, Bits: uint8(v.MaxBits())}
			for i := 0; i < v.Size(); i++ {
				out.Addr[i] = types.MaskByte(int(v.Bits), i)
				if host {
					out.Addr[i] = ^out.Addr[i]
				}
			}
			return out, nil
		}
	}
	addFunc("netmask", fn(t(inet), inet, mask(false)))
	addFunc("hostmask", fn(t(inet), inet, mask(true)))
	addFunc("set_masklen", fn(t(inet, i4), inet, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return setMasklen(a[0].(types.Inet), a[1].(int64), false)
	}))
	addFunc("set_masklen", fn(t(cidr, i4), cidr, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return setMasklen(a[0].(types.Inet), a[1].(int64), true)
	}))
	addFunc("inet_same_family", fn(t(inet, inet), types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return a[0].(types.Inet).IPv6 == a[1].(types.Inet).IPv6, nil
	}))
	addFunc("inet_merge", fn(t(inet, inet), cidr, func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].(types.Inet), a[1].(types.Inet)
		if x.IPv6 != y.IPv6 {
			return nil, pgerror.New(pgcode.InvalidParameterValue, "cannot merge addresses from different families")
		}
		x.Bits = uint8(commonBits(x.Bytes(), y.Bytes(), int(min(x.Bits, y.Bits))))
		return x.Network(), nil
	}))

	macBitwise := func(f func(x, y byte) byte) evalFn {
		return func(_ *Context, a []types.Datum) (types.Datum, error) {
			switch x := a[0].(type) {
			case types.MacAddr:
				y := a[1].(types.MacAddr)
				for i := range x {
					x[i] = f(x[i], y[i])
				}
				return x, nil
			case types.MacAddr8:
				y := a[1].(types.MacAddr8)
				for i := range x {
					x[i] = f(x[i], y[i])
				}
				return x, nil
			}
			return nil, pgerror.Newf(pgcode.Internal, "unexpected MAC address value %T", a[0])
		}
	}
	for _, m := range []*types.T{mac, mac8} {
		addOp("~", nil, m, m, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return macBitwise(func(x, _ byte) byte { return ^x })(nil, []types.Datum{a[0], a[0]})
		})
		addOp("&", m, m, m, macBitwise(func(x, y byte) byte { return x & y }))
		addOp("|", m, m, m, macBitwise(func(x, y byte) byte { return x | y }))
	}
	// trunc keeps the manufacturer's part, the first three bytes.
	addFunc("trunc", fn(t(mac), mac, func(_ *Context, a []types.Datum) (types.Datum, error) {
		m := a[0].(types.MacAddr)
		return types.MacAddr{m[0], m[1], m[2]}, nil
	}))
	addFunc("trunc", fn(t(mac8), mac8, func(_ *Context, a []types.Datum) (types.Datum, error) {
		m := a[0].(types.MacAddr8)
		return types.MacAddr8{m[0], m[1], m[2]}, nil
	}))
	// macaddr8_set7bit sets the universal/local bit, making an EUI-64
	// a modified EUI-64 (IPv6 interface identifiers).
	addFunc("macaddr8_set7bit", fn(t(mac8), mac8, func(_ *Context, a []types.Datum) (types.Datum, error) {
		m := a[0].(types.MacAddr8)
		m[0] |= 0x02
		return m, nil
	}))
}

// within is network_sub (orEqual false) and network_subeq: a's network
// lies within b's, a's mask being longer (or as long).
func within(a, b types.Inet, orEqual bool) bool {
	if a.IPv6 != b.IPv6 {
		return false
	}
	if a.Bits < b.Bits || (a.Bits == b.Bits && !orEqual) {
		return false
	}
	return types.BitPrefixCompare(a.Bytes(), b.Bytes(), int(b.Bits)) == 0
}

// commonBits is bitncommon: how many leading bits of a and b agree, at
// most n.
func commonBits(a, b []byte, n int) int {
	for i := 0; i < n; i++ {
		m := byte(0x80) >> uint(i%8)
		if a[i/8]&m != b[i/8]&m {
			return i
		}
	}
	return n
}

// inetBitwise is inetand and inetor: the families must match; the
// result has the longer mask.
func inetBitwise(name string, f func(x, y byte) byte) evalFn {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].(types.Inet), a[1].(types.Inet)
		if x.IPv6 != y.IPv6 {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "cannot %s inet values of different sizes", name)
		}
		for i := 0; i < x.Size(); i++ {
			x.Addr[i] = f(x.Addr[i], y.Addr[i])
		}
		x.Bits = max(x.Bits, y.Bits)
		return x, nil
	}
}

// setMasklen is inet_set_masklen and cidr_set_masklen: -1 is the whole
// address; a cidr loses the bits right of its new mask.
func setMasklen(v types.Inet, bits int64, cidr bool) (types.Datum, error) {
	if bits == -1 {
		bits = int64(v.MaxBits())
	}
	if bits < 0 || bits > int64(v.MaxBits()) {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "invalid mask length: %d", bits)
	}
	v.Bits = uint8(bits)
	if cidr {
		v = v.Network()
	}
	return v, nil
}

func errInetOutOfRange() error {
	return pgerror.New(pgcode.NumericValueOutOfRange, "result is out of range")
}

// inetPlus is internal_inetpl: the address as an unsigned number plus a
// signed one, which must stay within the family's addresses; the mask
// length is kept.
func inetPlus(v types.Inet, addend int64) (types.Datum, error) {
	carry := 0
	for i := v.Size() - 1; i >= 0; i-- {
		carry += int(v.Addr[i]) + int(addend&0xFF)
		v.Addr[i] = byte(carry)
		carry >>= 8
		// addend moves right a byte; clearing the low byte first makes
		// the division exact whatever the sign.
		addend = (addend &^ 0xFF) / 0x100
	}
	if !((addend == 0 && carry == 0) || (addend == -1 && carry == 1)) {
		return nil, errInetOutOfRange()
	}
	return v, nil
}

// inetMinus is inetmi: the difference of two addresses of one family as
// a bigint, which must hold it.
func inetMinus(x, y types.Inet) (types.Datum, error) {
	if x.IPv6 != y.IPv6 {
		return nil, pgerror.New(pgcode.InvalidParameterValue, "cannot subtract inet values of different sizes")
	}
	var res int64
	carry, n := 1, 0
	for i := x.Size() - 1; i >= 0; i-- {
		carry += int(x.Addr[i]) + int(^y.Addr[i])
		lo := carry & 0xFF
		if n < 8 {
			res |= int64(lo) << (8 * n)
		} else if (res < 0 && lo != 0xFF) || (res >= 0 && lo != 0) {
			return nil, errInetOutOfRange()
		}
		carry >>= 8
		n++
	}
	if carry == 0 && n < 8 {
		// A negative IPv4 difference: extend the sign.
		res |= int64(uint64(math.MaxUint64) << (8 * n))
	}
	return res, nil
}
