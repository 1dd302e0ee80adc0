package types

// The printed forms of inet and cidr values, as PostgreSQL's
// inet_net_ntop (inet_out, cidr_out, host, text) and inet_cidr_ntop
// (abbrev of a cidr) write them: IPv6 with its longest run of zero
// groups as ::, and an IPv4-mapped or -compatible address with a dotted
// tail.

import (
	"encoding/binary"
	"strconv"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// appendInet is inet_out and cidr_out: the address, then /bits unless
// it is a host address of an inet.
func appendInet(dst []byte, v Inet, cidr bool) []byte {
	dst = AppendInetAddr(dst, v)
	if cidr || int(v.Bits) != v.MaxBits() {
		dst = append(dst, '/')
		dst = strconv.AppendUint(dst, uint64(v.Bits), 10)
	}
	return dst
}

// AppendInetAddr writes v's whole address without a mask (host()).
func AppendInetAddr(dst []byte, v Inet) []byte {
	if !v.IPv6 {
		for i := 0; i < 4; i++ {
			if i > 0 {
				dst = append(dst, '.')
			}
			dst = strconv.AppendUint(dst, uint64(v.Addr[i]), 10)
		}
		return dst
	}
	var words [8]int
	for i := range words {
		words[i] = int(binary.BigEndian.Uint16(v.Addr[2*i:]))
	}
	// The longest run of zero groups (the first of equal ones), if it
	// has two groups or more.
	bestBase, bestLen, curBase, curLen := -1, 0, -1, 0
	for i, w := range words {
		if w == 0 {
			if curBase == -1 {
				curBase, curLen = i, 1
			} else {
				curLen++
			}
			continue
		}
		if curBase != -1 {
			if bestBase == -1 || curLen > bestLen {
				bestBase, bestLen = curBase, curLen
			}
			curBase = -1
		}
	}
	if curBase != -1 && (bestBase == -1 || curLen > bestLen) {
		bestBase, bestLen = curBase, curLen
	}
	if bestBase != -1 && bestLen < 2 {
		bestBase = -1
	}
	for i := 0; i < 8; i++ {
		if bestBase != -1 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				dst = append(dst, ':')
			}
			continue
		}
		if i != 0 {
			dst = append(dst, ':')
		}
		if i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 7 && words[7] != 1) || (bestLen == 5 && words[5] == 0xffff)) {
			for j := 12; j < 16; j++ {
				if j > 12 {
					dst = append(dst, '.')
				}
				dst = strconv.AppendUint(dst, uint64(v.Addr[j]), 10)
			}
			return dst
		}
		dst = strconv.AppendUint(dst, uint64(words[i]), 16)
	}
	if bestBase != -1 && bestBase+bestLen == 8 {
		dst = append(dst, ':')
	}
	return dst
}

// AppendInetShow is network_show (text(inet)): the whole address and
// always /bits.
func AppendInetShow(dst []byte, v Inet) []byte { return appendInet(dst, v, true) }

// AppendInetAbbrev is abbrev(): an inet as inet_out prints it, a cidr
// shortened to the octets (IPv4) or groups (IPv6) its mask covers.
func AppendInetAbbrev(dst []byte, v Inet, cidr bool) []byte {
	if !cidr {
		return appendInet(dst, v, false)
	}
	bits := int(v.Bits)
	if !v.IPv6 {
		dst = appendCIDRAbbrevV4(dst, v.Addr[:4], bits)
	} else {
		dst = appendCIDRAbbrevV6(dst, v.Addr, bits)
	}
	dst = append(dst, '/')
	return strconv.AppendUint(dst, uint64(bits), 10)
}

// appendCIDRAbbrevV4 is inet_cidr_ntop_ipv4 without the width: the whole
// octets of the mask, then the partial one masked.
func appendCIDRAbbrevV4(dst []byte, a []byte, bits int) []byte {
	start := len(dst)
	if bits == 0 {
		dst = append(dst, '0')
	}
	i := 0
	for b := bits / 8; b > 0; b-- {
		dst = strconv.AppendUint(dst, uint64(a[i]), 10)
		i++
		if b > 1 {
			dst = append(dst, '.')
		}
	}
	if b := bits % 8; b > 0 {
		if len(dst) != start {
			dst = append(dst, '.')
		}
		m := byte(((1 << b) - 1) << (8 - b))
		dst = strconv.AppendUint(dst, uint64(a[i]&m), 10)
	}
	return dst
}

// appendCIDRAbbrevV6 is inet_cidr_ntop_ipv6 without the width: the
// groups the mask covers (at least two), the longest zero run as ::.
func appendCIDRAbbrevV6(dst []byte, addr [16]byte, bits int) []byte {
	if bits == 0 {
		return append(dst, ':', ':')
	}
	var s [16]byte
	p := (bits + 7) / 8
	copy(s[:p], addr[:p])
	if b := bits % 8; b != 0 {
		s[p-1] &= byte(0xFF << uint(8-b))
	}
	words := (bits + 15) / 16
	if words == 1 {
		words = 2
	}
	// PostgreSQL's search for the zero run, kept as it is: a shorter
	// run that follows a longer one keeps counting on.
	zeroS, zeroL, tmpS, tmpL := 0, 0, 0, 0
	for i := 0; i < words*2; i += 2 {
		if s[i]|s[i+1] == 0 {
			if tmpL == 0 {
				tmpS = i / 2
			}
			tmpL++
		} else if tmpL != 0 && zeroL < tmpL {
			zeroS, zeroL, tmpL = tmpS, tmpL, 0
		}
	}
	if tmpL != 0 && zeroL < tmpL {
		zeroS, zeroL = tmpS, tmpL
	}
	isV4 := zeroL != words && zeroS == 0 && (zeroL == 6 || (zeroL == 5 && s[10] == 0xff && s[11] == 0xff) || (zeroL == 7 && s[14] != 0 && s[15] != 1))
	start := len(dst)
	for w := 0; w < words; w++ {
		if zeroL != 0 && w >= zeroS && w < zeroS+zeroL {
			if w == zeroS {
				dst = append(dst, ':')
			}
			if w == words-1 {
				dst = append(dst, ':')
			}
			continue
		}
		if isV4 && w > 5 {
			if w == 6 {
				dst = append(dst, ':')
			} else {
				dst = append(dst, '.')
			}
			dst = strconv.AppendUint(dst, uint64(s[2*w]), 10)
			if w != 7 || bits > 120 {
				dst = append(dst, '.')
				dst = strconv.AppendUint(dst, uint64(s[2*w+1]), 10)
			}
			continue
		}
		if len(dst) != start {
			dst = append(dst, ':')
		}
		dst = strconv.AppendUint(dst, uint64(s[2*w])<<8|uint64(s[2*w+1]), 16)
	}
	return dst
}

// decodeInet is inet_recv and cidr_recv: family, bits, is_cidr (ignored),
// address length, address, each byte read and checked in turn.
func decodeInet(b []byte, cidr bool) (Datum, error) {
	name := "inet"
	if cidr {
		name = "cidr"
	}
	var v Inet
	if len(b) < 1 {
		return nil, errNoDataLeft()
	}
	switch b[0] {
	case inetFamilyV4:
	case inetFamilyV6:
		v.IPv6 = true
	default:
		return nil, errInetBinary("invalid address family in external \"%s\" value", name)
	}
	if len(b) < 2 {
		return nil, errNoDataLeft()
	}
	if int(b[1]) > v.MaxBits() {
		return nil, errInetBinary("invalid bits in external \"%s\" value", name)
	}
	v.Bits = b[1]
	if len(b) < 4 {
		return nil, errNoDataLeft()
	}
	if int(b[3]) != v.Size() {
		return nil, errInetBinary("invalid length in external \"%s\" value", name)
	}
	if len(b)-4 < v.Size() {
		return nil, errNoDataLeft()
	}
	if len(b)-4 > v.Size() {
		return nil, errBinaryFormat()
	}
	copy(v.Addr[:], b[4:])
	if cidr && !v.HostBitsClear() {
		return nil, pgerror.New(pgcode.InvalidBinaryRepresentation, "invalid external \"cidr\" value").WithDetail("Value has bits set to right of mask.")
	}
	return v, nil
}

// appendInetBinary is inet_send and cidr_send.
func appendInetBinary(dst []byte, v Inet, cidr bool) []byte {
	isCIDR := byte(0)
	if cidr {
		isCIDR = 1
	}
	dst = append(dst, byte(v.family()), v.Bits, isCIDR, byte(v.Size()))
	return append(dst, v.Bytes()...)
}

func errInetBinary(format, name string) *pgerror.Error {
	return pgerror.Newf(pgcode.InvalidBinaryRepresentation, format, name)
}
