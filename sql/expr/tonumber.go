package expr

import (
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// to_number(text, text), as PostgreSQL 15's formatting.c reads numbers
// (NUM_processor in its FROM_CHAR direction) in the C locale.
//
// Algorithm: the template is parsed by to_char's parseNumFormat, with the
// same errors. A scanner then walks the template's nodes over the input,
// one node at a time, and stops at the first node that finds the input
// used up; input left over when the nodes run out is ignored. Each digit
// position (9, 0, '.', D) reads at most one character: it first skips
// one blank, may take a sign before the first digit, then takes a digit
// (a '.' position too: "9.99" reads all of "123" as integer digits, one
// too many) or the decimal point, and may take a sign right after the
// digits. The other
// patterns skip input: a literal character skips one character whatever
// it is, ',' and G skip a ',' (never with FM), L one and TH two
// characters that are not data ("0123456789.,+-"), MI, PL and SG their
// sign or one non-data character. The digits read, with their sign, then
// go through numeric's input function under a type modifier whose
// precision is the template's integer positions plus the fraction digits
// read, and whose scale is the fraction digits read: so a number with
// more integer digits than the template allows is a "numeric field
// overflow", and fraction digits past the template's are dropped, not
// rounded. V divides the result by 10^n, as PostgreSQL multiplies by
// power(10, -n), which gives the result 16 more decimals; past 16 digits
// after V that power rounds to zero, and so does the result.
//
// These quirks are PostgreSQL's and are kept because clients see them: a
// template without a single digit position reads nothing and fails with
// `invalid input syntax for type numeric: " "`; a character that no
// digit position can read still uses that position up; an empty template
// gives NULL. RN and EEEE are rejected for input, as in PostgreSQL 15.
//
// Locale: as to_char, the C locale: D is '.', G is ',', S reads '+' or
// '-', and L's currency symbol is a blank, so L skips one character.

// numDataChars are the characters that L, TH, MI, PL and SG never skip.
const numDataChars = "0123456789.,+-"

// numReader is one to_number scan: PostgreSQL's NUMProc reading.
type numReader struct {
	f        *numFormat
	in       string
	pos      int    // next input byte
	sign     byte   // ' ' until a sign is read, then '-' or '+'
	digits   []byte // the digits and decimal point read
	readPre  int    // digits read before the decimal point
	readPost int    // digits read after it
	readDec  bool   // the decimal point was read
}

// toNumber is to_number(value, template).
func toNumber(_ *Context, a []types.Datum) (types.Datum, error) {
	value, tmpl := a[0].(string), a[1].(string)
	if tmpl == "" {
		return nil, nil // PostgreSQL returns NULL for an empty template
	}
	f, err := parseNumFormat(tmpl)
	if err != nil {
		return nil, err
	}
	switch {
	case f.has(nfEEEE):
		return nil, pgerror.New(pgcode.FeatureNotSupported, `"EEEE" not supported for input`)
	case f.has(nfRoman):
		return nil, pgerror.New(pgcode.FeatureNotSupported, `"RN" not supported for input`)
	}
	r := &numReader{f: f, in: value, sign: ' '}
	r.scan()
	return r.result()
}

func (r *numReader) atEnd() bool { return r.pos >= len(r.in) }

func (r *numReader) cur() byte { return r.in[r.pos] }

// scan walks the template's nodes over the input.
func (r *numReader) scan() {
	for _, n := range r.f.nodes {
		if r.atEnd() {
			return
		}
		if n.key == nkLiteral {
			// A literal skips one input character, matching or not.
			r.pos += types.MBLen(r.in[r.pos:])
			continue
		}
		if r.pattern(n.key) {
			r.pos++
		}
	}
}

// pattern reads or skips input for one pattern node; it reports whether
// the current character is taken as well (PostgreSQL's "break" to the
// loop's inout_p++, where "continue" leaves it).
func (r *numReader) pattern(k numKey) bool {
	switch k {
	case nk9, nk0, nkDec, nkD:
		r.numPart(k)
		return true // even a character that is not read uses the position up
	case nkComma, nkG:
		// PostgreSQL's "a digit is out" test is never true when reading,
		// so under FM a separator never takes its ','.
		return !r.f.has(nfFillMode) && r.cur() == ','
	case nkL:
		r.skipNonData(1) // the C locale's currency symbol is one blank
	case nkTH, nkTHLower:
		// Skipped only when the template has no decimal point, as
		// to_char prints a suffix only for integers.
		if !r.f.has(nfDecimal) {
			r.skipNonData(2)
		}
	case nkMI:
		return r.signPattern("-")
	case nkPL:
		return r.signPattern("+")
	case nkSG:
		return r.signPattern("+-")
	}
	// S, PR, V, B, FM, ... read nothing themselves: S and PR's signs are
	// read next to the digits.
	return false
}

// signPattern is MI, PL or SG: a sign among signs is taken, else one
// non-data character is skipped.
func (r *numReader) signPattern(signs string) bool {
	c := r.cur()
	if containsByte(signs, c) {
		r.sign = c
		return true
	}
	r.skipNonData(1)
	return false
}

// skipNonData skips up to n characters, stopping at a data character.
func (r *numReader) skipNonData(n int) {
	for ; n > 0 && !r.atEnd(); n-- {
		if containsByte(numDataChars, r.cur()) {
			return
		}
		r.pos += types.MBLen(r.in[r.pos:])
	}
}

// numPart is a digit position (9, 0, '.' or D): PostgreSQL's
// NUM_numpart_from_char. The caller then steps past the current
// character, whether it was read or not.
func (r *numReader) numPart(k numKey) {
	if r.atEnd() {
		return
	}
	if r.cur() == ' ' {
		r.pos++ // one blank, not a run of them
	}
	if r.atEnd() {
		return
	}
	if r.sign == ' ' && (k == nk9 || k == nk0) && r.readPre+r.readPost == 0 {
		r.leadingSign()
	}
	if r.atEnd() {
		return
	}
	isRead, dropped := r.readDigitOrPoint()
	if !dropped && r.sign == ' ' && r.readPre+r.readPost > 0 {
		r.trailingSign(isRead)
	}
}

// readDigitOrPoint takes the current character when it is a digit, or
// the template's decimal point not yet read. A digit past the template's
// fraction positions is dropped (not rounded in), and then no sign is
// looked for after it.
func (r *numReader) readDigitOrPoint() (isRead, dropped bool) {
	switch c := r.cur(); {
	case isASCIIDigit(c):
		if r.readDec && r.readPost == r.f.post {
			return false, true
		}
		r.digits = append(r.digits, c)
		if r.readDec {
			r.readPost++
		} else {
			r.readPre++
		}
		return true, false
	case c == '.' && r.f.has(nfDecimal) && !r.readDec:
		r.digits = append(r.digits, '.')
		r.readDec = true
		return true, false
	}
	return false, false
}

// leadingSign reads a sign before the first digit: '-' or '+', or PR's
// '<' for a minus. (An S before the digits reads the C locale's '-' and
// '+' the same way; S and PR cannot be used together.)
func (r *numReader) leadingSign() {
	switch c := r.cur(); {
	case c == '-' || (c == '<' && r.f.has(nfBracket)):
		r.sign = '-'
		r.pos++
	case c == '+':
		r.sign = '+'
		r.pos++
	}
}

// trailingSign reads a sign after the digits. With S it must follow the
// digit or point just read directly (so "1 -" is not read as -1) and is
// left current for the caller to step over. Else, with MI, PL or SG in
// the template, a sign where a digit position read nothing counts, which
// lets "FM9.999999MI" read "5.01-".
func (r *numReader) trailingSign(isRead bool) {
	f := r.f
	if f.has(nfLSign) && isRead && r.pos+1 < len(r.in) && !isASCIIDigit(r.in[r.pos+1]) {
		if c := r.in[r.pos+1]; c == '-' || c == '+' {
			r.sign = c
			r.pos++
		}
		return
	}
	if !isRead && !f.has(nfLSign) && f.has(nfPlus|nfMinus) {
		if c := r.cur(); c == '-' || c == '+' {
			r.sign = c
		}
	}
}

// result is numeric_in of the sign and digits read, under PostgreSQL's
// type modifier, divided by 10^n for V.
func (r *numReader) result() (types.Datum, error) {
	digits := r.digits
	if n := len(digits); n > 0 && digits[n-1] == '.' {
		digits = digits[:n-1] // a trailing point is dropped
	}
	s := string(r.sign) + string(digits)
	precision := r.f.pre + r.f.multi + r.readPost
	// Built and wrapped as PostgreSQL's int32 arithmetic does, and decoded
	// by numeric's own rules (an 11-bit scale).
	typmod := int32(precision<<16|r.readPost) + 4
	d, err := types.Numeric.WithTypmod(typmod).ParseText(s, nil)
	if err != nil || !r.f.has(nfMulti) {
		return d, err
	}
	return divideByPow10(d.(*apd.Decimal), r.f.multi)
}

// divideByPow10 is d * power(10, -n) with numeric's scales: the power
// has 16 decimals, which the product keeps.
func divideByPow10(d *apd.Decimal, n int) (types.Datum, error) {
	p, err := numericPow(apd.New(10, 0), apd.New(-int64(n), 0))
	if err != nil {
		return nil, err
	}
	return numericArith('*')(nil, []types.Datum{d, p})
}

func containsByte(s string, c byte) bool { return strings.IndexByte(s, c) >= 0 }

func init() {
	addFunc("to_number", fn([]*types.T{types.Text, types.Text}, types.Numeric, toNumber))
}
