package types

import (
	"encoding/binary"
	"math"
	"strconv"
)

// parseOid is oidin: strtoul semantics, which accept blanks and a sign
// and read "-1" as 4294967295 (negative input wraps, for compatibility
// with old dumps), then only trailing blanks.
func parseOid(s string) (Datum, error) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v uint64
	overflow := false
	for i < len(s) && isDigit(s[i]) {
		d := uint64(s[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			overflow = true
		} else {
			v = v*10 + d
		}
		i++
	}
	if i == start {
		return nil, errSyntax("oid", s)
	}
	if overflow {
		return nil, errOutOfRange("oid", s)
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i != len(s) {
		return nil, errSyntax("oid", s)
	}
	// strtoul negates in unsigned arithmetic; the result is accepted
	// when it is a uint32, or the sign extension of an int32.
	if neg {
		v = -v
	}
	r := uint32(v)
	if v != uint64(r) && v != uint64(int64(int32(r))) {
		return nil, errOutOfRange("oid", s)
	}
	return int64(r), nil
}

func appendOid(dst []byte, d Datum) []byte {
	return strconv.AppendUint(dst, uint64(uint32(d.(int64))), 10)
}

func decodeOid(b []byte) (Datum, error) {
	if len(b) < 4 {
		return nil, errInsufficientData()
	}
	if len(b) > 4 {
		return nil, errBinaryFormat()
	}
	return int64(binary.BigEndian.Uint32(b)), nil
}
