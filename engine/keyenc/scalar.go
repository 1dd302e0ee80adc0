package keyenc

import (
	"bytes"
	"math"
	"strings"

	"github.com/stela-db/stela/sql/types"
)

// Floats. The key of a float is its IEEE 754 binary64 bit pattern made
// to sort as the number: a non-negative number gets its sign bit set, a
// negative one has all its bits inverted. -0 is first made +0 and every
// NaN the canonical quiet NaN 0x7FF8000000000000, so that equal values
// (in PostgreSQL's float8_cmp, where NaN equals NaN and sorts after
// +Infinity) have equal keys.
const (
	canonicalNaN = 0x7FF8000000000000
	nanKey       = canonicalNaN | signBit64
)

func floatKey(f float64) uint64 {
	if f != f {
		return nanKey
	}
	if f == 0 {
		return signBit64 // +0 and -0
	}
	u := math.Float64bits(f)
	if u&signBit64 != 0 {
		return ^u
	}
	return u | signBit64
}

func decodeFloatKey(u uint64, t *types.T) (types.Datum, error) {
	bits := ^u
	if u&signBit64 != 0 {
		bits = u &^ signBit64
	}
	f := math.Float64frombits(bits)
	if floatKey(f) != u {
		return nil, errCorrupt(t, "non-canonical float")
	}
	if t.Oid == types.Float4.Oid && f == f && float64(float32(f)) != f {
		return nil, errCorrupt(t, "value is not a float4")
	}
	return f, nil
}

// Strings and byte strings: every 0x00 is written 0x00 0xFF, and the
// value ends with 0x00 0x01 (the escaping stela's kv uses for user keys).
const (
	escByte    = 0x00
	escZero    = 0xFF
	escEnd     = 0x01
	escEndSize = 2
)

func appendEscapedString(dst []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, escByte)
		if i < 0 {
			dst = append(dst, s...)
			return append(dst, escByte, escEnd)
		}
		dst = append(dst, s[:i+1]...)
		dst = append(dst, escZero)
		s = s[i+1:]
	}
}

func appendEscapedBytes(dst []byte, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, escByte)
		if i < 0 {
			dst = append(dst, s...)
			return append(dst, escByte, escEnd)
		}
		dst = append(dst, s[:i+1]...)
		dst = append(dst, escZero)
		s = s[i+1:]
	}
}

// escapedBytes reads an escaped, terminated byte string and appends its
// bytes to dst; the result is never nil.
func (r *reader) escapedBytes(t *types.T, dst []byte) ([]byte, error) {
	if dst == nil {
		dst = make([]byte, 0, 16)
	}
	esc := escByte ^ r.m
	for {
		i := bytes.IndexByte(r.b, esc)
		if i < 0 || i+1 >= len(r.b) {
			return nil, errTruncated(t)
		}
		if r.m == 0 {
			dst = append(dst, r.b[:i]...)
		} else {
			for _, c := range r.b[:i] {
				dst = append(dst, ^c)
			}
		}
		c := r.b[i+1] ^ r.m
		r.b = r.b[i+2:]
		switch c {
		case escZero:
			dst = append(dst, 0)
		case escEnd:
			return dst, nil
		default:
			return nil, errCorrupt(t, "bad escape in string")
		}
	}
}

func (r *reader) escapedString(t *types.T) (string, error) {
	if r.m == 0 {
		// Fast path: no escaped zero before the terminator.
		if i := bytes.IndexByte(r.b, escByte); i >= 0 && i+1 < len(r.b) && r.b[i+1] == escEnd {
			s := string(r.b[:i])
			r.b = r.b[i+escEndSize:]
			return s, nil
		}
	}
	var sb strings.Builder
	esc := escByte ^ r.m
	for {
		i := bytes.IndexByte(r.b, esc)
		if i < 0 || i+1 >= len(r.b) {
			return "", errTruncated(t)
		}
		if sb.Cap() == 0 {
			sb.Grow(i + 1)
		}
		if r.m == 0 {
			sb.Write(r.b[:i])
		} else {
			for _, c := range r.b[:i] {
				sb.WriteByte(^c)
			}
		}
		c := r.b[i+1] ^ r.m
		r.b = r.b[i+2:]
		switch c {
		case escZero:
			sb.WriteByte(0)
		case escEnd:
			return sb.String(), nil
		default:
			return "", errCorrupt(t, "bad escape in string")
		}
	}
}
