package types

// Network addresses: inet and cidr (network.c in PostgreSQL). Both types
// hold an Inet, an IPv4 or IPv6 address with a netmask length; they
// differ in what their input accepts (a cidr has no bits set right of its
// mask, and may be written abbreviated: '10.1' is 10.1.0.0/16) and in
// how they print (a cidr always shows its mask, an inet drops it for a
// host address). The order is PostgreSQL's network_cmp: IPv4 before
// IPv6, then the network parts compared over the shorter mask, then the
// shorter mask, then the whole address.

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Inet is an inet or cidr value. IPv6 selects the family; an IPv4
// address uses Addr[:4] and leaves the rest zero, so that equal values
// are equal Go values.
type Inet struct {
	IPv6 bool
	Bits uint8
	Addr [16]byte
}

// The families as PostgreSQL numbers them (PGSQL_AF_INET, PGSQL_AF_INET6)
// in the binary format; family() shows 4 and 6.
const (
	inetFamilyV4 = 2
	inetFamilyV6 = 3
)

// Size returns how many address bytes v has: 4 or 16.
func (v Inet) Size() int {
	if v.IPv6 {
		return 16
	}
	return 4
}

// MaxBits returns the address's bit count: 32 or 128.
func (v Inet) MaxBits() int { return 8 * v.Size() }

// Bytes returns the address bytes (4 or 16).
func (v Inet) Bytes() []byte { return v.Addr[:v.Size()] }

// family is PostgreSQL's family number of v.
func (v Inet) family() int {
	if v.IPv6 {
		return inetFamilyV6
	}
	return inetFamilyV4
}

// Network returns v with the bits right of its mask cleared (network(),
// and the cast to cidr).
func (v Inet) Network() Inet {
	out := v
	n := v.Size()
	for i := 0; i < n; i++ {
		out.Addr[i] &= MaskByte(int(v.Bits), i)
	}
	return out
}

// MaskByte is byte i of a netmask of bits bits.
func MaskByte(bits, i int) byte {
	switch b := bits - 8*i; {
	case b >= 8:
		return 0xFF
	case b <= 0:
		return 0
	default:
		return byte(0xFF << uint(8-b))
	}
}

// HostBitsClear reports whether v has no bits set right of its mask,
// which a cidr value must not (PostgreSQL's addressOK).
func (v Inet) HostBitsClear() bool { return v.Network() == v }

// CompareInet is network_cmp, with PostgreSQL's numbers, not only their
// signs: the difference of the families, of the first differing bytes
// (as memcmp gives it) or of the mask lengths; ±1 for a differing bit in
// a partial byte.
func CompareInet(a, b Inet) int {
	if a.IPv6 != b.IPv6 {
		return cmpInt(a.family(), b.family())
	}
	if c := BitPrefixCompare(a.Bytes(), b.Bytes(), int(min(a.Bits, b.Bits))); c != 0 {
		return c
	}
	if a.Bits != b.Bits {
		return int(a.Bits) - int(b.Bits)
	}
	return BitPrefixCompare(a.Bytes(), b.Bytes(), a.MaxBits())
}

// BitPrefixCompare is PostgreSQL's bitncmp: the first n bits of a and b
// compared as unsigned numbers, memcmp's difference of the first
// differing whole bytes, then ±1 for the bits of a partial byte.
func BitPrefixCompare(a, b []byte, n int) int {
	whole := n / 8
	for i := 0; i < whole; i++ {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	if n%8 == 0 {
		return 0
	}
	m := MaskByte(n%8, 0)
	return cmpInt(a[whole]&m, b[whole]&m)
}

// errInetSyntax is network_in's error for text it cannot read.
func errInetSyntax(cidr bool, s string) *pgerror.Error {
	name := "inet"
	if cidr {
		name = "cidr"
	}
	return errSyntax(name, s)
}

// parseInet is inet_in and cidr_in: an address has a colon when it is
// IPv6. An inet takes a dotted quad with an optional /bits; a cidr may
// leave octets out, and without /bits gets its classful width.
func parseInet(s string, cidr bool) (Datum, error) {
	var v Inet
	var bits int
	ok := false
	if containsByte(s, ':') {
		v.IPv6 = true
		bits, ok = parseIPv6(s, &v.Addr)
	} else if cidr {
		bits, ok = parseCIDRv4(s, &v.Addr)
	} else {
		bits, ok = parseInetv4(s, &v.Addr)
	}
	if !ok || bits < 0 || bits > v.MaxBits() {
		return nil, errInetSyntax(cidr, s)
	}
	v.Bits = uint8(bits)
	if cidr && !v.HostBitsClear() {
		return nil, pgerror.Newf(pgcode.InvalidTextRepresentation, "invalid cidr value: \"%s\"", s).
			WithDetail("Value has bits set to right of mask.")
	}
	return v, nil
}

// at returns s[i], or 0 past its end (the C string's terminator).
func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// parseInetv4 is inet_net_pton_ipv4: up to four decimal octets and an
// optional /bits; without /bits all four octets are needed (/32), and
// /bits must not ask for octets that were not written.
func parseInetv4(s string, dst *[16]byte) (int, bool) {
	i, n := 0, 0
	var ch byte
	for {
		ch = at(s, i)
		i++
		if !isDigit(ch) {
			break
		}
		tmp := 0
		for {
			tmp = tmp*10 + int(ch-'0')
			if tmp > 255 {
				return 0, false
			}
			ch = at(s, i)
			i++
			if ch == 0 || !isDigit(ch) {
				break
			}
		}
		if n == 4 {
			return 0, false
		}
		dst[n] = byte(tmp)
		n++
		if ch == 0 || ch == '/' {
			break
		}
		if ch != '.' {
			return 0, false
		}
	}
	bits := -1
	if ch == '/' && isDigit(at(s, i)) && n > 0 {
		ch = at(s, i)
		i++
		bits = 0
		for {
			bits = bits*10 + int(ch-'0')
			if bits > 1000 {
				return 0, false
			}
			ch = at(s, i)
			i++
			if ch == 0 || !isDigit(ch) {
				break
			}
		}
		if ch != 0 || bits > 32 {
			return 0, false
		}
	}
	if ch != 0 || i < len(s) {
		return 0, false
	}
	if bits == -1 {
		if n != 4 {
			return 0, false
		}
		bits = 32
	}
	if n == 0 || bits/8 > n {
		return 0, false
	}
	return bits, true
}

// parseCIDRv4 is inet_cidr_pton_ipv4: dotted decimal octets (or 0x and
// hex digits), any number up to four, and an optional /bits; without
// /bits the width is the address's class, widened to the octets given.
func parseCIDRv4(s string, dst *[16]byte) (int, bool) {
	i, n := 0, 0
	ch := at(s, i)
	i++
	switch {
	case ch == '0' && (at(s, i) == 'x' || at(s, i) == 'X') && isHexDigit(at(s, i+1)):
		i++
		dirty, tmp := 0, 0
		for {
			ch = at(s, i)
			i++
			d, ok := hexVal(ch)
			if ch == 0 || !ok {
				break
			}
			tmp = tmp<<4 | int(d)
			dirty++
			if dirty == 2 {
				if n == 4 {
					return 0, false
				}
				dst[n] = byte(tmp)
				n++
				dirty, tmp = 0, 0
			}
		}
		if dirty != 0 {
			if n == 4 {
				return 0, false
			}
			dst[n] = byte(tmp << 4)
			n++
		}
	case isDigit(ch):
		for {
			tmp := 0
			for {
				tmp = tmp*10 + int(ch-'0')
				if tmp > 255 {
					return 0, false
				}
				ch = at(s, i)
				i++
				if ch == 0 || !isDigit(ch) {
					break
				}
			}
			if n == 4 {
				return 0, false
			}
			dst[n] = byte(tmp)
			n++
			if ch == 0 || ch == '/' {
				break
			}
			if ch != '.' {
				return 0, false
			}
			ch = at(s, i)
			i++
			if !isDigit(ch) {
				return 0, false
			}
		}
	default:
		return 0, false
	}
	bits := -1
	if ch == '/' && isDigit(at(s, i)) && n > 0 {
		ch = at(s, i)
		i++
		bits = 0
		for {
			bits = bits*10 + int(ch-'0')
			if bits > 32 {
				return 0, false
			}
			ch = at(s, i)
			i++
			if ch == 0 || !isDigit(ch) {
				break
			}
		}
		if ch != 0 {
			return 0, false
		}
	}
	if ch != 0 || i < len(s) || n == 0 {
		return 0, false
	}
	if bits == -1 {
		switch first := dst[0]; {
		case first >= 240: // class E
			bits = 32
		case first >= 224: // class D
			bits = 8
		case first >= 192: // class C
			bits = 24
		case first >= 128: // class B
			bits = 16
		default: // class A
			bits = 8
		}
		bits = max(bits, 8*n)
		if bits == 8 && dst[0] == 224 {
			bits = 4
		}
	}
	return bits, true
}

// parseIPv6 is inet_cidr_pton_ipv6: groups of up to four hex digits, one
// :: for a run of zeros, an optional dotted IPv4 tail, an optional /bits
// (no leading zeros, at most 128).
func parseIPv6(s string, dst *[16]byte) (int, bool) {
	var tmp [16]byte
	tp, colonp := 0, -1
	i := 0
	if at(s, 0) == ':' {
		if at(s, 1) != ':' {
			return 0, false
		}
		i = 1
	}
	curtok := i
	sawDigit, val, digits, bits := false, 0, 0, -1
	done := false
	for !done {
		ch := at(s, i)
		if ch == 0 {
			break
		}
		i++
		if d, ok := hexVal(ch); ok {
			val = val<<4 | int(d)
			digits++
			if digits > 4 {
				return 0, false
			}
			sawDigit = true
			continue
		}
		switch {
		case ch == ':':
			curtok = i
			if !sawDigit {
				if colonp >= 0 {
					return 0, false
				}
				colonp = tp
				continue
			} else if at(s, i) == 0 {
				return 0, false
			}
			if tp+2 > 16 {
				return 0, false
			}
			tmp[tp], tmp[tp+1] = byte(val>>8), byte(val)
			tp += 2
			sawDigit, digits, val = false, 0, 0
			continue
		case ch == '.' && tp+4 <= 16:
			if parseV4Tail(s[curtok:], tmp[tp:tp+4], &bits) {
				tp += 4
				sawDigit = false
				done = true
				continue
			}
		case ch == '/':
			if parseBits(s[i:], &bits) {
				done = true
				continue
			}
		}
		return 0, false
	}
	if sawDigit {
		if tp+2 > 16 {
			return 0, false
		}
		tmp[tp], tmp[tp+1] = byte(val>>8), byte(val)
		tp += 2
	}
	if bits == -1 {
		bits = 128
	}
	if colonp >= 0 {
		if tp == 16 {
			return 0, false
		}
		n := tp - colonp
		for k := 1; k <= n; k++ {
			tmp[16-k] = tmp[colonp+n-k]
			tmp[colonp+n-k] = 0
		}
		tp = 16
	}
	if tp != 16 {
		return 0, false
	}
	*dst = tmp
	return bits, true
}

// parseBits is getbits: a decimal mask length, no leading zeros, at
// most 128.
func parseBits(s string, bits *int) bool {
	val, n := 0, 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !isDigit(ch) {
			return false
		}
		if n != 0 && val == 0 {
			return false
		}
		n++
		val = val*10 + int(ch-'0')
		if val > 128 {
			return false
		}
	}
	if n == 0 {
		return false
	}
	*bits = val
	return true
}

// parseV4Tail is getv4: the dotted IPv4 end of an IPv6 address (at most
// four octets, no leading zeros), possibly followed by /bits.
func parseV4Tail(s string, dst []byte, bits *int) bool {
	val, n, o := 0, 0, 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if isDigit(ch) {
			if n != 0 && val == 0 {
				return false
			}
			n++
			val = val*10 + int(ch-'0')
			if val > 255 {
				return false
			}
			continue
		}
		if ch == '.' || ch == '/' {
			if o > 3 {
				return false
			}
			dst[o] = byte(val)
			o++
			if ch == '/' {
				return parseBits(s[i+1:], bits)
			}
			val, n = 0, 0
			continue
		}
		return false
	}
	if n == 0 || o > 3 {
		return false
	}
	dst[o] = byte(val)
	return true
}
