package keyenc

// The keys of network addresses. inet and cidr order as PostgreSQL's
// network_cmp: the family, then the network parts (the address bits
// under the mask) compared over the shorter mask, then the shorter
// mask, then the whole address. The network part as a bit string
// (bit.go's key: its bytes escaped and terminated, then the bit count)
// gives the first three at once, as two bit strings compare over their
// shared bits and then put the shorter first; the address, of a fixed
// size within a family, comes last. macaddr and macaddr8 order bytewise:
// their bytes are the key.

import (
	"github.com/stela-db/stela/sql/types"
)

func appendInetKey(dst []byte, t *types.T, d types.Datum) ([]byte, error) {
	v, ok := d.(types.Inet)
	if !ok {
		return dst, errWrongDatum(t, d)
	}
	family := byte(4)
	if v.IPv6 {
		family = 6
	}
	dst = append(dst, family)
	net := v.Network()
	dst = appendEscapedBytes(dst, net.Bytes()[:(int(v.Bits)+7)/8])
	dst = append(dst, v.Bits)
	return append(dst, v.Bytes()...), nil
}

func decodeInetKey(r *reader, t *types.T) (types.Datum, error) {
	family, ok := r.byte()
	if !ok {
		return nil, errTruncated(t)
	}
	var v types.Inet
	switch family {
	case 4:
	case 6:
		v.IPv6 = true
	default:
		return nil, errCorrupt(t, "unknown address family")
	}
	// The network prefix orders the key; the address after it is the
	// value. Read into a stack buffer: nothing of it is kept.
	var nb [16]byte
	if _, err := r.escapedBytes(t, nb[:0]); err != nil {
		return nil, err
	}
	bits, ok := r.byte()
	if !ok {
		return nil, errTruncated(t)
	}
	if int(bits) > v.MaxBits() {
		return nil, errCorrupt(t, "mask length out of range")
	}
	v.Bits = bits
	p, ok := r.next(v.Size())
	if !ok {
		return nil, errTruncated(t)
	}
	for i := range p {
		v.Addr[i] = p[i] ^ r.m
	}
	return v, nil
}

func appendMacAddrKey(dst []byte, t *types.T, d types.Datum) ([]byte, error) {
	switch v := d.(type) {
	case types.MacAddr:
		return append(dst, v[:]...), nil
	case types.MacAddr8:
		return append(dst, v[:]...), nil
	}
	return dst, errWrongDatum(t, d)
}

func decodeMacAddrKey(r *reader, t *types.T) (types.Datum, error) {
	n := 6
	if t.Oid == types.MacAddr8Type.Oid {
		n = 8
	}
	p, ok := r.next(n)
	if !ok {
		return nil, errTruncated(t)
	}
	var b [8]byte
	for i := range p {
		b[i] = p[i] ^ r.m
	}
	if n == 6 {
		return types.MacAddr(b[:6]), nil
	}
	return types.MacAddr8(b), nil
}
