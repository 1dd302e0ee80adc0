package types

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// scanCFloat finds the longest prefix of s that C's strtod accepts:
// decimal and hexadecimal floats, "inf", "infinity" and "nan" (with an
// optional "(chars)"), any case, with a sign. PostgreSQL calls strtod, so
// this is the syntax float4 and float8 accept (including hex, which few
// people know). It returns the end of the number (0 if none), whether it
// was hexadecimal, and whether its mantissa has a non-zero digit (used to
// tell underflow from a true zero).
func scanCFloat(s string) (end int, kind byte, nonzero bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	rest := s[i:]
	switch {
	case hasPrefixFold(rest, "infinity"):
		return i + 8, 'i', true
	case hasPrefixFold(rest, "inf"):
		return i + 3, 'i', true
	case hasPrefixFold(rest, "nan"):
		j := i + 3
		if j < len(s) && s[j] == '(' {
			k := j + 1
			for k < len(s) && (isAlnum(s[k]) || s[k] == '_') {
				k++
			}
			if k < len(s) && s[k] == ')' {
				j = k + 1
			}
		}
		return j, 'n', false
	}
	if len(rest) >= 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X') {
		j := i + 2
		digits := 0
		for j < len(s) && isHexDigit(s[j]) {
			nonzero = nonzero || s[j] != '0'
			j++
			digits++
		}
		if j < len(s) && s[j] == '.' {
			j++
			for j < len(s) && isHexDigit(s[j]) {
				nonzero = nonzero || s[j] != '0'
				j++
				digits++
			}
		}
		if digits > 0 {
			return scanExponent(s, j, 'p'), 'x', nonzero
		}
		// "0x" without digits: strtod reads the "0" alone.
		return i + 1, 'd', false
	}
	j := i
	digits := 0
	for j < len(s) && isDigit(s[j]) {
		nonzero = nonzero || s[j] != '0'
		j++
		digits++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && isDigit(s[j]) {
			nonzero = nonzero || s[j] != '0'
			j++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	return scanExponent(s, j, 'e'), 'd', nonzero
}

// scanExponent consumes an exponent (e or p, a sign, digits) at s[j:] if
// it is complete; strtod leaves an incomplete one unread.
func scanExponent(s string, j int, letter byte) int {
	if j < len(s) && (s[j]|0x20) == letter {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			return k
		}
	}
	return j
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func isHexDigit(c byte) bool {
	return isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'f'
}

func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

// parseFloat is float8in (bits 64) and float4in (bits 32).
func parseFloat(s string, bits int) (Datum, error) {
	typeName := "double precision"
	if bits == 32 {
		typeName = "real"
	}
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	num := s[i:]
	n, kind, nonzero := scanCFloat(num)
	if n == 0 {
		return nil, errSyntax(typeName, s)
	}
	text := num[:n]
	var v float64
	switch kind {
	case 'i':
		v = math.Inf(1)
		if text[0] == '-' {
			v = math.Inf(-1)
		}
	case 'n':
		v = nanWithPayload(text, bits)
	default:
		if kind == 'x' && !strings.ContainsAny(text, "pP") {
			text += "p0" // Go wants a binary exponent on hex floats; C does not
		}
		var err error
		v, err = strconv.ParseFloat(text, bits)
		if err != nil && !isRangeErr(err) {
			return nil, errSyntax(typeName, s)
		}
		// PostgreSQL checks strtod's range error before looking at what
		// follows the number.
		if math.IsInf(v, 0) || (v == 0 && nonzero) {
			// float8in quotes the number alone, float4in the whole input.
			quoted := num[:n]
			if bits == 32 {
				quoted = s
			}
			return nil, pgerror.Newf(pgcode.NumericValueOutOfRange, "\"%s\" is out of range for type %s", quoted, typeName)
		}
	}
	j := n
	for j < len(num) && isSpace(num[j]) {
		j++
	}
	if j != len(num) {
		return nil, errSyntax(typeName, s)
	}
	return v, nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// appendFloat is float8out/float4out.
func appendFloat(dst []byte, f float64, bits int, extra int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	if extra <= 0 {
		// %.*g with DBL_DIG or FLT_DIG plus extra digits; C and Go agree
		// on %g's layout, including the two-digit exponent.
		prec := 15
		if bits == 32 {
			prec = 6
		}
		prec += extra
		if prec < 1 {
			prec = 1
		}
		return strconv.AppendFloat(dst, f, 'g', prec, 64)
	}
	// Shortest digits that read back exactly (PostgreSQL uses Ryu), laid
	// out as PostgreSQL does: plain notation while the decimal exponent
	// is in [-4, 15) for float8 and [-4, 6) for float4.
	neg := math.Signbit(f)
	if f == 0 {
		if neg {
			return append(dst, "-0"...)
		}
		return append(dst, '0')
	}
	digits, exp := shortestDigits(f, bits)
	maxExp := 15
	if bits == 32 {
		maxExp = 6
	}
	if neg {
		dst = append(dst, '-')
	}
	if exp < -4 || exp >= maxExp {
		dst = append(dst, digits[0])
		if len(digits) > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'e')
		if exp < 0 {
			dst = append(dst, '-')
			exp = -exp
		} else {
			dst = append(dst, '+')
		}
		if exp < 10 {
			dst = append(dst, '0')
		}
		return strconv.AppendInt(dst, int64(exp), 10)
	}
	dp := exp + 1 // digits before the decimal point
	switch {
	case dp <= 0:
		dst = append(dst, '0', '.')
		for k := 0; k < -dp; k++ {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	case dp >= len(digits):
		dst = append(dst, digits...)
		for k := len(digits); k < dp; k++ {
			dst = append(dst, '0')
		}
	default:
		dst = append(dst, digits[:dp]...)
		dst = append(dst, '.')
		dst = append(dst, digits[dp:]...)
	}
	return dst
}

func decodeFloat(b []byte, bits int) (Datum, error) {
	size := bits / 8
	if len(b) < size {
		return nil, errInsufficientData()
	}
	if len(b) > size {
		return nil, errBinaryFormat()
	}
	if bits == 32 {
		return float32to64(binary.BigEndian.Uint32(b)), nil
	}
	return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
}

func appendFloatBinary(dst []byte, f float64, bits int) []byte {
	if bits == 32 {
		return binary.BigEndian.AppendUint32(dst, float64to32(f))
	}
	return binary.BigEndian.AppendUint64(dst, math.Float64bits(f))
}

// float32to64 widens float4 bits to the float64 Datum. NaNs are moved
// bit by bit, because the hardware conversion would quiet a signaling
// NaN and PostgreSQL hands NaN payloads back unchanged.
func float32to64(b uint32) float64 {
	if b&0x7f800000 == 0x7f800000 && b&0x7fffff != 0 {
		return math.Float64frombits(uint64(b>>31)<<63 | 0x7ff<<52 | uint64(b&0x7fffff)<<29)
	}
	return float64(math.Float32frombits(b))
}

// float64to32 is the inverse of float32to64.
func float64to32(f float64) uint32 {
	if f != f {
		b := math.Float64bits(f)
		m := uint32(b>>29) & 0x7fffff
		if m == 0 {
			m = 0x400000 // keep it a NaN when the payload was all low bits
		}
		return uint32(b>>63)<<31 | 0x7f800000 | m
	}
	return math.Float32bits(float32(f))
}

// toFloat4 is the float8 to float4 cast (dtof): rounding that overflows
// or underflows is an error.
func toFloat4(f float64) (Datum, error) {
	r := float32(f)
	if math.IsInf(float64(r), 0) && !math.IsInf(f, 0) {
		return nil, pgerror.New(pgcode.NumericValueOutOfRange, "value out of range: overflow")
	}
	if r == 0 && f != 0 {
		return nil, pgerror.New(pgcode.NumericValueOutOfRange, "value out of range: underflow")
	}
	return float64(r), nil
}

// nanWithPayload builds the NaN glibc's strtod returns for "nan",
// "-nan" and "nan(123)": the default quiet NaN with the sign and the
// payload written, which PostgreSQL's send function passes on bit for
// bit.
func nanWithPayload(text string, bits int) float64 {
	neg := text[0] == '-'
	var payload uint64
	if i := strings.IndexByte(text, '('); i >= 0 {
		inner := text[i+1 : len(text)-1]
		if !strings.ContainsAny(inner, "_oObB") {
			payload, _ = strconv.ParseUint(inner, 0, 64)
		}
	}
	if bits == 32 {
		b := uint32(0x7fc00000) | uint32(payload)&0x3fffff
		if neg {
			b |= 1 << 31
		}
		return float32to64(b)
	}
	b := uint64(0x7ff8000000000000) | payload&(1<<51-1)
	if neg {
		b |= 1 << 63
	}
	return math.Float64frombits(b)
}
