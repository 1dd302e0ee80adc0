package types

import (
	"encoding/binary"
	"strconv"

	"github.com/cockroachdb/apd/v3"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Limits of PostgreSQL's numeric storage format: at most 131072 digits
// before the decimal point (weight 32767 in base 10000) and a display
// scale of at most 16383.
const (
	numericMaxIntDigits = 131072
	numericMaxDscale    = 0x3fff
	numericMaxPrecision = 1000
	numericMinScale     = -1000
	numericMaxScale     = 1000

	numericPos  = 0x0000
	numericNeg  = 0x4000
	numericNaN  = 0xC000
	numericPInf = 0xD000
	numericNInf = 0xF000
)

func errNumericOverflowFormat() *pgerror.Error {
	return pgerror.New(pgcode.NumericValueOutOfRange, "value overflows numeric format")
}

// NewNumericNaN returns numeric NaN.
func NewNumericNaN() *apd.Decimal { return &apd.Decimal{Form: apd.NaN} }

// NewNumericInf returns numeric Infinity, or -Infinity when neg.
func NewNumericInf(neg bool) *apd.Decimal { return &apd.Decimal{Form: apd.Infinite, Negative: neg} }

// parseNumeric is numeric_in (without the typmod, applied by the caller).
func parseNumeric(s string) (Datum, error) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	rest := s[i:]
	// The special spellings PostgreSQL 15 accepts, tried in its order.
	for _, sp := range numericSpecials {
		if hasPrefixFold(rest, sp.text) {
			j := len(sp.text)
			for j < len(rest) && isSpace(rest[j]) {
				j++
			}
			if j != len(rest) {
				return nil, errSyntax("numeric", s)
			}
			if sp.nan {
				return NewNumericNaN(), nil
			}
			return NewNumericInf(sp.neg), nil
		}
	}

	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var digits []byte
	var small [40]byte
	digits = small[:0]
	fracDigits := 0
	haveDigit, havePoint := false, false
	for ; i < len(s); i++ {
		c := s[i]
		if isDigit(c) {
			haveDigit = true
			// Leading zeros carry no value; drop them early so that
			// "000...0001" does not cost big-number work.
			if len(digits) > 0 || c != '0' {
				digits = append(digits, c)
			}
			if havePoint {
				fracDigits++
			}
		} else if c == '.' && !havePoint {
			havePoint = true
		} else {
			break
		}
	}
	if !haveDigit {
		return nil, errSyntax("numeric", s)
	}
	var exp int64
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		// strtol: blanks, a sign, then at least one digit.
		j := i + 1
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		eneg := false
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			eneg = s[j] == '-'
			j++
		}
		if j >= len(s) || !isDigit(s[j]) {
			return nil, errSyntax("numeric", s)
		}
		for ; j < len(s) && isDigit(s[j]); j++ {
			if exp < 1<<40 {
				exp = exp*10 + int64(s[j]-'0')
			}
		}
		if exp >= 1<<30-1 { // INT_MAX/2, as PostgreSQL checks
			return nil, errNumericOverflowFormat()
		}
		if eneg {
			exp = -exp
		}
		i = j
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i != len(s) {
		return nil, errSyntax("numeric", s)
	}
	return makeNumeric(neg, digits, exp-int64(fracDigits))
}

var numericSpecials = []struct {
	text     string
	nan, neg bool
}{
	{"NaN", true, false},
	{"Infinity", false, false},
	{"+Infinity", false, false},
	{"-Infinity", false, true},
	{"inf", false, false},
	{"+inf", false, false},
	{"-inf", false, true},
}

// makeNumeric builds the canonical Datum for ±digits × 10^exp (digits
// without leading zeros), enforcing the storage format's limits.
func makeNumeric(neg bool, digits []byte, exp int64) (Datum, error) {
	dscale := int64(0)
	if exp < 0 {
		dscale = -exp
	}
	return makeNumericScaled(neg, digits, exp+dscale, dscale)
}

// makeNumericScaled builds ±(digits followed by zeros zeros) ×
// 10^-dscale, keeping dscale as the display scale.
func makeNumericScaled(neg bool, digits []byte, zeros, dscale int64) (Datum, error) {
	if dscale > numericMaxDscale {
		return nil, errNumericOverflowFormat()
	}
	d := new(apd.Decimal)
	d.Exponent = int32(-dscale)
	if len(digits) == 0 {
		return d, nil // zero, with its scale
	}
	if int64(len(digits))+zeros-dscale > numericMaxIntDigits {
		return nil, errNumericOverflowFormat()
	}
	setDigits(&d.Coeff, digits)
	if zeros > 0 {
		d.Coeff.Mul(&d.Coeff, pow10(int(zeros)))
	}
	d.Negative = neg
	return d, nil
}

// setDigits sets b to a string of decimal digits.
func setDigits(b *apd.BigInt, digits []byte) {
	if len(digits) <= 19 {
		var v uint64
		for _, c := range digits {
			v = v*10 + uint64(c-'0')
		}
		b.SetUint64(v)
		return
	}
	b.SetString(string(digits), 10)
}

var pow10Cache = func() [20]apd.BigInt {
	var t [20]apd.BigInt
	v := uint64(1)
	for i := range t {
		t[i].SetUint64(v)
		v *= 10
	}
	return t
}()

// pow10 returns 10^n; the result must not be modified.
func pow10(n int) *apd.BigInt {
	if n < len(pow10Cache) {
		return &pow10Cache[n]
	}
	r := new(apd.BigInt)
	return r.Exp(apd.NewBigInt(10), apd.NewBigInt(int64(n)), nil)
}

// numericDatum checks a Datum's Go type.
func numericDatum(d Datum) *apd.Decimal { return d.(*apd.Decimal) }

// appendNumeric is numeric_out: plain notation, never an exponent, with
// exactly the display scale's fraction digits.
func appendNumeric(dst []byte, d *apd.Decimal) []byte {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(dst, "NaN"...)
	case apd.Infinite:
		if d.Negative {
			return append(dst, "-Infinity"...)
		}
		return append(dst, "Infinity"...)
	}
	if d.Exponent > 0 {
		// Not canonical (built by a caller): print through a copy.
		d = canonicalNumeric(d)
	}
	if d.Negative && d.Coeff.Sign() != 0 {
		dst = append(dst, '-')
	}
	dscale := int(-d.Exponent)
	var buf [48]byte
	digits := d.Coeff.Append(buf[:0], 10)
	if dscale == 0 {
		return append(dst, digits...)
	}
	if len(digits) <= dscale {
		dst = append(dst, '0', '.')
		for k := len(digits); k < dscale; k++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[:len(digits)-dscale]...)
	dst = append(dst, '.')
	return append(dst, digits[len(digits)-dscale:]...)
}

// canonicalNumeric returns d with a non-positive exponent and no negative
// zero; d itself when it already is.
func canonicalNumeric(d *apd.Decimal) *apd.Decimal {
	if d.Form != apd.Finite {
		if d.Form == apd.NaNSignaling {
			return NewNumericNaN()
		}
		return d
	}
	if d.Exponent <= 0 && !(d.Negative && d.Coeff.Sign() == 0) {
		return d
	}
	c := new(apd.Decimal)
	c.Set(d)
	if c.Exponent > 0 {
		c.Coeff.Mul(&c.Coeff, pow10(int(c.Exponent)))
		c.Exponent = 0
	}
	if c.Coeff.Sign() == 0 {
		c.Negative = false
	}
	return c
}

// appendNumericBinary is numeric_send: ndigits, weight, sign, dscale
// (int16 each), then the base-10000 digits, without leading or trailing
// zero digits.
func appendNumericBinary(dst []byte, d *apd.Decimal) []byte {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return appendNumericHeader(dst, 0, 0, numericNaN, 0)
	case apd.Infinite:
		// PostgreSQL reads the display scale of its short header's bits,
		// which for the infinities happen to say 32.
		if d.Negative {
			return appendNumericHeader(dst, 0, 0, numericNInf, 32)
		}
		return appendNumericHeader(dst, 0, 0, numericPInf, 32)
	}
	d = canonicalNumeric(d)
	dscale := int(-d.Exponent)
	sign := uint16(numericPos)
	if d.Negative {
		sign = numericNeg
	}
	if d.Coeff.Sign() == 0 {
		return appendNumericHeader(dst, 0, 0, numericPos, uint16(dscale))
	}
	var buf [48]byte
	digits := d.Coeff.Append(buf[:0], 10)
	// Align the digit string on base-10000 groups around the decimal
	// point: pad the integer part on the left, the fraction on the right.
	intDigits := len(digits) - dscale
	padL := ((-intDigits)%4 + 4) % 4
	padR := (4 - dscale%4) % 4
	total := padL + len(digits) + padR
	// padL+intDigits is a multiple of 4: the number of whole groups
	// before the point (negative when zero groups follow the point).
	weight := (padL+intDigits)/4 - 1
	ngroups := total / 4
	groups := make([]uint16, 0, ngroups)
	digitAt := func(k int) int {
		k -= padL
		if k < 0 || k >= len(digits) {
			return 0
		}
		return int(digits[k] - '0')
	}
	for g := 0; g < ngroups; g++ {
		v := 0
		for k := 0; k < 4; k++ {
			v = v*10 + digitAt(g*4+k)
		}
		groups = append(groups, uint16(v))
	}
	for len(groups) > 0 && groups[0] == 0 {
		groups = groups[1:]
		weight--
	}
	for len(groups) > 0 && groups[len(groups)-1] == 0 {
		groups = groups[:len(groups)-1]
	}
	dst = appendNumericHeader(dst, uint16(len(groups)), uint16(int16(weight)), sign, uint16(dscale))
	for _, g := range groups {
		dst = binary.BigEndian.AppendUint16(dst, g)
	}
	return dst
}

func appendNumericHeader(dst []byte, ndigits, weight, sign, dscale uint16) []byte {
	dst = binary.BigEndian.AppendUint16(dst, ndigits)
	dst = binary.BigEndian.AppendUint16(dst, weight)
	dst = binary.BigEndian.AppendUint16(dst, sign)
	return binary.BigEndian.AppendUint16(dst, dscale)
}

func errNumericBinary(what string) *pgerror.Error {
	return pgerror.Newf(pgcode.InvalidBinaryRepresentation, "invalid %s in external \"numeric\" value", what)
}

// decodeNumeric is numeric_recv (without the typmod). Digits hidden by
// the display scale are truncated away, as PostgreSQL does.
func decodeNumeric(b []byte) (Datum, error) {
	// Fields are read and checked one after the other, as numeric_recv
	// does, so that the same error wins.
	if len(b) < 6 {
		return nil, errInsufficientData()
	}
	n := int(binary.BigEndian.Uint16(b))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	switch sign {
	case numericPos, numericNeg, numericNaN, numericPInf, numericNInf:
	default:
		return nil, errNumericBinary("sign")
	}
	if len(b) < 8 {
		return nil, errInsufficientData()
	}
	dscale := int(binary.BigEndian.Uint16(b[6:]))
	if dscale&numericMaxDscale != dscale {
		return nil, errNumericBinary("scale")
	}
	digits := make([]byte, 0, 4*min(n, (len(b)-8)/2))
	for k := 0; k < n; k++ {
		if len(b) < 8+2*k+2 {
			return nil, errInsufficientData()
		}
		g := int(int16(binary.BigEndian.Uint16(b[8+2*k:])))
		if g < 0 || g >= 10000 {
			return nil, errNumericBinary("digit")
		}
		digits = append(digits, byte('0'+g/1000), byte('0'+g/100%10), byte('0'+g/10%10), byte('0'+g%10))
	}
	if len(b) > 8+2*n {
		return nil, errBinaryFormat()
	}
	switch sign {
	case numericNaN:
		return NewNumericNaN(), nil
	case numericPInf:
		return NewNumericInf(false), nil
	case numericNInf:
		return NewNumericInf(true), nil
	}
	// value = digits × 10^((weight+1)*4 - len(digits)); keep dscale
	// fraction digits.
	shift := (weight+1)*4 - len(digits) + dscale
	if shift < 0 {
		if -shift >= len(digits) {
			digits = digits[:0]
		} else {
			digits = digits[:len(digits)+shift]
		}
		shift = 0
	}
	k := 0
	for k < len(digits) && digits[k] == '0' {
		k++
	}
	digits = digits[k:]
	return makeNumericScaled(sign == numericNeg, digits, int64(shift), int64(dscale))
}

// numericTypmod splits a numeric typmod into precision and scale.
func numericTypmod(typmod int32) (precision, scale int) {
	tm := typmod - varHeader
	return int(tm>>16) & 0xffff, int((tm&0x7ff)^1024) - 1024
}

// coerceNumeric is apply_typmod: round half away from zero to the scale,
// then fail if the integer part has more than precision-scale digits.
func coerceNumeric(d *apd.Decimal, typmod int32) (Datum, error) {
	d = canonicalNumeric(d)
	if typmod < varHeader {
		return d, nil
	}
	precision, scale := numericTypmod(typmod)
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return d, nil
	case apd.Infinite:
		return nil, pgerror.New(pgcode.NumericValueOutOfRange, "numeric field overflow").
			WithDetail("A field with precision " + strconv.Itoa(precision) + ", scale " + strconv.Itoa(scale) + " cannot hold an infinite value.")
	}
	r := roundNumeric(d, scale)
	maxDigits := precision - scale
	if r.Coeff.Sign() != 0 {
		intDigits := int(apd.NumDigits(&r.Coeff)) + int(r.Exponent)
		if intDigits > maxDigits {
			limit := "1"
			if maxDigits != 0 {
				limit = "10^" + strconv.Itoa(maxDigits)
			}
			return nil, pgerror.New(pgcode.NumericValueOutOfRange, "numeric field overflow").
				WithDetail("A field with precision " + strconv.Itoa(precision) + ", scale " + strconv.Itoa(scale) +
					" must round to an absolute value less than " + limit + ".")
		}
	}
	return r, nil
}

// roundNumeric rounds a finite canonical numeric to scale fraction digits
// (a negative scale rounds to tens, hundreds, ...), half away from zero,
// and sets the display scale to max(scale, 0).
func roundNumeric(d *apd.Decimal, scale int) *apd.Decimal {
	dscale := int(-d.Exponent)
	if scale == dscale {
		return d
	}
	r := new(apd.Decimal)
	r.Negative = d.Negative
	if scale > dscale {
		r.Coeff.Mul(&d.Coeff, pow10(scale-dscale))
		r.Exponent = int32(-scale)
		return r
	}
	div := pow10(dscale - scale)
	var q, rem apd.BigInt
	q.QuoRem(&d.Coeff, div, &rem)
	// Round half away from zero: compare twice the remainder to the
	// divisor (the coefficient is never negative).
	rem.Add(&rem, &rem)
	if rem.Cmp(div) >= 0 {
		q.Add(&q, apd.NewBigInt(1))
	}
	if scale < 0 {
		q.Mul(&q, pow10(-scale))
		scale = 0
	}
	r.Coeff.Set(&q)
	r.Exponent = int32(-scale)
	if r.Coeff.Sign() == 0 {
		r.Negative = false
	}
	return r
}

// compareNumeric orders numerics as PostgreSQL's btree does: -Infinity,
// finite values, Infinity, NaN (NaN equals NaN).
func compareNumeric(a, b *apd.Decimal) int {
	ra, rb := numericRank(a), numericRank(b)
	if ra != rb || ra != 1 {
		return cmpInt(ra, rb)
	}
	return a.Cmp(b)
}

func numericRank(d *apd.Decimal) int {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return 3
	case apd.Infinite:
		if d.Negative {
			return 0
		}
		return 2
	}
	return 1
}

func cmpInt[N int | int64 | int32 | uint8 | uint32](a, b N) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// numericString returns d as numeric_out prints it.
func numericString(d *apd.Decimal) string {
	return string(appendNumeric(nil, d))
}
