package types

// MAC addresses: macaddr (6 bytes, EUI-48) and macaddr8 (8 bytes,
// EUI-64), as PostgreSQL's mac.c and mac8.c. Both print as lower-case
// hex pairs joined by colons and order bytewise. macaddr reads the six
// layouts PostgreSQL's sscanf patterns accept; macaddr8 reads 6 or 8
// pairs of hex digits with one separator (: - .) used throughout, and
// widens a 6-byte address by inserting ff:fe in the middle (the EUI-48
// to EUI-64 mapping).

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// MacAddr is a macaddr value.
type MacAddr [6]byte

// MacAddr8 is a macaddr8 value.
type MacAddr8 [8]byte

// macaddrLayouts are macaddr_in's sscanf formats, tried in turn: x is a
// hex number (%x), 2 one of at most two digits (%2x), other bytes
// match themselves.
var macaddrLayouts = []string{
	"x:x:x:x:x:x", "x-x-x-x-x-x", "222:222", "222-222", "22.22.22", "22-22-22", "222222",
}

// parseMacAddr is macaddr_in.
func parseMacAddr(s string) (Datum, error) {
	for _, layout := range macaddrLayouts {
		v, ok := scanMacLayout(s, layout)
		if !ok {
			continue
		}
		var m MacAddr
		for i, x := range v {
			if x < 0 || x > 255 {
				return nil, pgerror.Newf(pgcode.NumericValueOutOfRange, "invalid octet value in \"macaddr\" value: \"%s\"", s)
			}
			m[i] = byte(x)
		}
		return m, nil
	}
	return nil, errSyntax("macaddr", s)
}

// scanMacLayout matches s against a layout as sscanf would, with the
// trailing %1s that makes any non-space left over a failure; ok is true
// when all six numbers were read and nothing but spaces follows.
func scanMacLayout(s, layout string) (v [6]int64, ok bool) {
	i, n := 0, 0
	for k := 0; k < len(layout); k++ {
		switch c := layout[k]; c {
		case 'x', '2':
			width := 0
			if c == '2' {
				width = 2
			}
			x, next, ok := scanHex(s, i, width)
			if !ok {
				return v, false
			}
			v[n], i = x, next
			n++
		default:
			if i >= len(s) || s[i] != c {
				return v, false
			}
			i++
		}
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return v, n == 6 && i == len(s)
}

// scanHex is glibc's sscanf %x (%2x when width is 2): leading white
// space is skipped, then a sign, an optional 0x and hex digits, at most
// width characters of them when width is not 0.
func scanHex(s string, i, width int) (int64, int, bool) {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	limit := len(s)
	if width > 0 {
		limit = min(len(s), i+width)
	}
	neg := false
	if i < limit && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	if i < limit && s[i] == '0' {
		// glibc takes a 0x prefix after a 0 digit whatever follows it:
		// "0x" alone reads as 0.
		i++
		if i < limit && (s[i] == 'x' || s[i] == 'X') {
			i++
		}
	}
	var x int64
	for i < limit {
		d, ok := hexVal(s[i])
		if !ok {
			break
		}
		if x <= 0xFFFFFFFF {
			x = x<<4 | int64(d)
		}
		i++
	}
	if i == start {
		return 0, i, false
	}
	if neg {
		x = -x
	}
	return x, i, true
}

// appendMacAddr is macaddr_out and macaddr8_out: hex pairs and colons.
func appendMacAddr(dst []byte, b []byte) []byte {
	const hexDigits = "0123456789abcdef"
	for i, x := range b {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexDigits[x>>4], hexDigits[x&15])
	}
	return dst
}

// parseMacAddr8 is macaddr8_in.
func parseMacAddr8(s string) (Datum, error) {
	fail := func() (Datum, error) {
		return nil, errSyntax("macaddr8", s)
	}
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	var b [8]byte
	count := 0
	var spacer byte
	for i+1 < len(s) {
		if count == 8 {
			return fail() // trailing garbage
		}
		hi, ok1 := hexVal(s[i])
		lo, ok2 := hexVal(s[i+1])
		if !ok1 || !ok2 {
			return fail()
		}
		b[count] = hi<<4 | lo
		count++
		i += 2
		if i < len(s) && (s[i] == ':' || s[i] == '-' || s[i] == '.') {
			if spacer == 0 {
				spacer = s[i]
			} else if spacer != s[i] {
				return fail()
			}
			i++
		}
		if (count == 6 || count == 8) && i < len(s) && isSpace(s[i]) {
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			if i < len(s) {
				return fail()
			}
		}
	}
	switch count {
	case 6:
		return MacAddrToMacAddr8(MacAddr(b[:6])), nil
	case 8:
		return MacAddr8(b), nil
	}
	return fail()
}

// MacAddrToMacAddr8 is macaddr8(macaddr): ff:fe goes in the middle.
func MacAddrToMacAddr8(m MacAddr) MacAddr8 {
	return MacAddr8{m[0], m[1], m[2], 0xFF, 0xFE, m[3], m[4], m[5]}
}

// MacAddr8ToMacAddr is macaddr(macaddr8): only an address with ff:fe as
// its 4th and 5th bytes has a 6-byte form.
func MacAddr8ToMacAddr(m MacAddr8) (MacAddr, error) {
	if m[3] != 0xFF || m[4] != 0xFE {
		return MacAddr{}, pgerror.New(pgcode.NumericValueOutOfRange, "macaddr8 data out of range to convert to macaddr").
			WithHint("Only addresses that have FF and FE as values in the 4th and 5th bytes from the left, for example xx:xx:xx:ff:fe:xx:xx:xx, are eligible to be converted from macaddr8 to macaddr.")
	}
	return MacAddr{m[0], m[1], m[2], m[5], m[6], m[7]}, nil
}

// decodeMacAddr8 is macaddr8_recv: 8 bytes, or 6 widened with ff:fe;
// the bytes are read one by one, hence the error of a short value.
func decodeMacAddr8(b []byte) (Datum, error) {
	switch len(b) {
	case 6:
		return MacAddrToMacAddr8(MacAddr(b)), nil
	case 8:
		return MacAddr8(b), nil
	}
	if len(b) < 8 {
		return nil, errNoDataLeft()
	}
	return nil, errBinaryFormat()
}

// decodeMacAddr is macaddr_recv.
func decodeMacAddr(b []byte) (Datum, error) {
	if len(b) < 6 {
		return nil, errNoDataLeft()
	}
	if len(b) > 6 {
		return nil, errBinaryFormat()
	}
	return MacAddr(b), nil
}
