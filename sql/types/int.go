package types

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// intInfo gives the bounds and SQL name of an integer width. It is passed
// by pointer: a copy of it on every value decoded cost a stall.
type intInfo struct {
	min, max int64
	name     string // as PostgreSQL's messages spell it
	size     int
}

var (
	int2Info = intInfo{math.MinInt16, math.MaxInt16, "smallint", 2}
	int4Info = intInfo{math.MinInt32, math.MaxInt32, "integer", 4}
	int8Info = intInfo{math.MinInt64, math.MaxInt64, "bigint", 8}
)

func intInfoOf(t *T) *intInfo {
	switch t.Oid {
	case Int2.Oid:
		return &int2Info
	case Int4.Oid:
		return &int4Info
	}
	return &int8Info
}

// isSpace is C's isspace in the C locale, which PostgreSQL's parsers use
// to skip blanks.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseInt is PostgreSQL 15's pg_strtoint16/32/64: optional blanks, an
// optional sign, decimal digits, optional blanks, nothing else.
func parseInt(s string, info *intInfo) (int64, error) {
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
	// Accumulate as a negative number so that the minimum value, whose
	// magnitude is one more than the maximum's, fits.
	var v int64
	overflow := false
	for i < len(s) && isDigit(s[i]) {
		d := int64(s[i] - '0')
		if v < (math.MinInt64+d)/10 {
			overflow = true
		} else {
			v = v*10 - d
		}
		i++
	}
	if i == start {
		return 0, errSyntax(info.name, s)
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i != len(s) {
		return 0, errSyntax(info.name, s)
	}
	if !neg {
		if v == math.MinInt64 {
			overflow = true
		}
		v = -v
	}
	if overflow || v < info.min || v > info.max {
		return 0, errOutOfRange(info.name, s)
	}
	return v, nil
}

func appendInt(dst []byte, d Datum) []byte {
	return strconv.AppendInt(dst, d.(int64), 10)
}

func decodeInt(b []byte, info *intInfo) (Datum, error) {
	if len(b) < info.size {
		return nil, errInsufficientData()
	}
	if len(b) > info.size {
		return nil, errBinaryFormat()
	}
	switch info.size {
	case 2:
		return int64(int16(binary.BigEndian.Uint16(b))), nil
	case 4:
		return int64(int32(binary.BigEndian.Uint32(b))), nil
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

func appendIntBinary(dst []byte, v int64, info *intInfo) []byte {
	switch info.size {
	case 2:
		return binary.BigEndian.AppendUint16(dst, uint16(v))
	case 4:
		return binary.BigEndian.AppendUint32(dst, uint32(v))
	}
	return binary.BigEndian.AppendUint64(dst, uint64(v))
}

// coerceInt checks an int64 against a narrower width, as the int8 to
// int4 and int4 to int2 casts do.
func coerceInt(v int64, info *intInfo) (Datum, error) {
	if v < info.min || v > info.max {
		return nil, pgerror.Newf(pgcode.NumericValueOutOfRange, "%s out of range", info.name)
	}
	return v, nil
}
