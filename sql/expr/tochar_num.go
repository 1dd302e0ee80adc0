package expr

import (
	"math"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// to_char for numbers, as PostgreSQL 15's formatting.c prints them.
//
// Approach: the template is parsed into a list of pattern and literal
// nodes, and a description (digit positions before and after the decimal
// point, sign style, fill mode, ...) that also rejects bad combinations
// with PostgreSQL's errors. Each input type then renders its absolute
// value into a plain digit string the way PostgreSQL does (integers
// exactly, numeric rounded half away from zero, floats through printf-like
// rounding and capped at FLT_DIG / DBL_DIG significant digits), or into a
// run of '#' when the integer part does not fit. A small state machine
// then walks the nodes and that string, placing signs, blanks, zeros and
// separators. Its quirks are PostgreSQL's and are kept on purpose, since
// clients see them: a digit position past the end of the number string
// ends the output (PostgreSQL writes a NUL there), a positive value with
// FM loses its sign column, "9.9" prints 0.5 as "  .5", and EEEE prints
// only the number, ignoring literal text.
//
// Locale: stela runs in the C locale, so D is '.', G is ',', S uses
// '+'/'-', and L prints a blank (the C locale has no currency symbol and
// PostgreSQL falls back to a space). Not supported: other locales.

type numKey uint8

const (
	nkLiteral numKey = iota
	nkComma
	nkDec
	nk0
	nk9
	nkB
	nkC
	nkD
	nkE
	nkFM
	nkG
	nkL
	nkMI
	nkPL
	nkPR
	nkRN
	nkRNLower
	nkSG
	nkSP
	nkS
	nkTH
	nkTHLower
	nkV
)

// numKeywords in PostgreSQL's lookup order: for a position, the first
// entry that is a prefix of the rest of the template wins, so "SG" and
// "SP" are tried before "S".
var numKeywords = []struct {
	name string
	key  numKey
}{
	{",", nkComma}, {".", nkDec}, {"0", nk0}, {"9", nk9},
	{"B", nkB}, {"C", nkC}, {"D", nkD}, {"EEEE", nkE}, {"FM", nkFM},
	{"G", nkG}, {"L", nkL}, {"MI", nkMI}, {"PL", nkPL}, {"PR", nkPR},
	{"RN", nkRN}, {"SG", nkSG}, {"SP", nkSP}, {"S", nkS}, {"TH", nkTH},
	{"V", nkV},
	{"b", nkB}, {"c", nkC}, {"d", nkD}, {"eeee", nkE}, {"fm", nkFM},
	{"g", nkG}, {"l", nkL}, {"mi", nkMI}, {"pl", nkPL}, {"pr", nkPR},
	{"rn", nkRNLower}, {"sg", nkSG}, {"sp", nkSP}, {"s", nkS},
	{"th", nkTHLower}, {"v", nkV},
}

// numFlag records which kinds of pattern the template uses.
type numFlag uint16

const (
	nfDecimal numFlag = 1 << iota
	nfZero
	nfBlank
	nfFillMode
	nfLSign
	nfBracket
	nfMinus
	nfPlus
	nfRoman
	nfMulti
	nfEEEE
)

// Where an S pattern puts the sign.
const (
	lsignNone = iota
	lsignPre
	lsignPost
)

type numNode struct {
	key numKey
	lit string // the text of a literal node
}

// numFormat is a parsed template: its nodes and what they add up to.
type numFormat struct {
	nodes       []numNode
	flags       numFlag
	pre, post   int // digit positions before and after the decimal point
	multi       int // digits after V: the power of ten to multiply by
	lsign       int
	preLsignNum int // pre when S was seen
	zeroStart   int // 1-based position of the first 0, when there is one
	zeroEnd     int // digit positions up to the last 0
}

func (f *numFormat) has(fl numFlag) bool { return f.flags&fl != 0 }

func errNumFormat(msg string) error { return pgerror.New(pgcode.Syntax, msg) }

// parseNumFormat splits a template into nodes, as PostgreSQL's
// parse_format does for numbers, and checks each pattern as it comes.
func parseNumFormat(s string) (*numFormat, error) {
	f := &numFormat{}
	for i := 0; i < len(s); {
		if key, n := matchNumKeyword(s[i:]); n > 0 {
			if err := f.add(key); err != nil {
				return nil, err
			}
			f.nodes = append(f.nodes, numNode{key: key})
			i += n
			continue
		}
		i = f.addLiteral(s, i)
	}
	return f, nil
}

func matchNumKeyword(s string) (numKey, int) {
	for _, k := range numKeywords {
		if strings.HasPrefix(s, k.name) {
			return k.key, len(k.name)
		}
	}
	return nkLiteral, 0
}

// addLiteral adds the literal text at s[i:] and returns where the next
// node starts. Inside double quotes a backslash quotes the next
// character; outside, a backslash only escapes a double quote.
func (f *numFormat) addLiteral(s string, i int) int {
	lit := func(j int) int {
		n := utf8Len(s[j:])
		f.nodes = append(f.nodes, numNode{lit: s[j : j+n]})
		return j + n
	}
	if s[i] != '"' {
		if s[i] == '\\' && i+1 < len(s) && s[i+1] == '"' {
			i++
		}
		return lit(i)
	}
	for i++; i < len(s); {
		if s[i] == '"' {
			return i + 1
		}
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		i = lit(i)
	}
	return i
}

// utf8Len is the length of the character starting s (a byte when it is
// not valid UTF-8, so that such bytes are copied through one by one).
func utf8Len(s string) int {
	for n := 1; n <= 4 && n <= len(s); n++ {
		if n == len(s) || s[n]&0xC0 != 0x80 {
			return n
		}
	}
	return 1
}

// add accounts for one pattern, with PostgreSQL's NUMDesc_prepare errors.
func (f *numFormat) add(k numKey) error {
	if f.has(nfEEEE) && k != nkE {
		return errNumFormat(`"EEEE" must be the last pattern used`)
	}
	switch k {
	case nk9:
		if f.has(nfBracket) {
			return errNumFormat(`"9" must be ahead of "PR"`)
		}
		switch {
		case f.has(nfMulti):
			f.multi++
		case f.has(nfDecimal):
			f.post++
		default:
			f.pre++
		}
	case nk0:
		if f.has(nfBracket) {
			return errNumFormat(`"0" must be ahead of "PR"`)
		}
		if !f.has(nfZero) && !f.has(nfDecimal) {
			f.flags |= nfZero
			f.zeroStart = f.pre + 1
		}
		if f.has(nfDecimal) {
			f.post++
		} else {
			f.pre++
		}
		f.zeroEnd = f.pre + f.post
	case nkB:
		if f.pre == 0 && f.post == 0 && !f.has(nfZero) {
			f.flags |= nfBlank
		}
	case nkD, nkDec:
		if f.has(nfDecimal) {
			return errNumFormat("multiple decimal points")
		}
		if f.has(nfMulti) {
			return errNumFormat(`cannot use "V" and decimal point together`)
		}
		f.flags |= nfDecimal
	case nkFM:
		f.flags |= nfFillMode
	case nkS:
		return f.addS()
	case nkMI:
		return f.addSign("MI", nfMinus)
	case nkPL:
		return f.addSign("PL", nfPlus)
	case nkSG:
		return f.addSign("SG", nfMinus|nfPlus)
	case nkPR:
		if f.has(nfLSign | nfPlus | nfMinus) {
			return errNumFormat(`cannot use "PR" and "S"/"PL"/"MI"/"SG" together`)
		}
		f.flags |= nfBracket
	case nkRN, nkRNLower:
		f.flags |= nfRoman
	case nkV:
		if f.has(nfDecimal) {
			return errNumFormat(`cannot use "V" and decimal point together`)
		}
		f.flags |= nfMulti
	case nkE:
		if f.has(nfEEEE) {
			return errNumFormat(`cannot use "EEEE" twice`)
		}
		if f.has(nfBlank | nfFillMode | nfLSign | nfBracket | nfMinus | nfPlus | nfRoman | nfMulti) {
			return pgerror.New(pgcode.Syntax, `"EEEE" is incompatible with other formats`).
				WithDetail(`"EEEE" may only be used together with digit and decimal point patterns.`)
		}
		f.flags |= nfEEEE
	}
	return nil
}

// addS places the S sign: before the digits when seen in the integer
// part, after them when seen in the fraction.
func (f *numFormat) addS() error {
	if f.has(nfLSign) {
		return errNumFormat(`cannot use "S" twice`)
	}
	if f.has(nfPlus | nfMinus | nfBracket) {
		return errNumFormat(`cannot use "S" and "PL"/"MI"/"SG"/"PR" together`)
	}
	if !f.has(nfDecimal) {
		f.lsign = lsignPre
		f.preLsignNum = f.pre
	} else {
		f.lsign = lsignPost
	}
	f.flags |= nfLSign
	return nil
}

// addSign accounts for MI, PL or SG (both signs), which exclude S.
func (f *numFormat) addSign(name string, fl numFlag) error {
	if f.has(nfLSign) {
		return errNumFormat(`cannot use "S" and "` + name + `" together`)
	}
	f.flags |= fl
	return nil
}

// numInput is a value rendered for the state machine: the digit string
// without its sign ("1234.50", "##.#", a Roman numeral, or the whole
// output for EEEE), the sign, and the blank positions before it.
type numInput struct {
	number       string
	sign         byte // '+', '-', or 0 for Roman numerals
	outPreSpaces int
}

// overflowHashes is what a number too wide for pre integer positions
// becomes: '#' for every position, with the decimal point kept.
func overflowHashes(pre, post int) string {
	b := []byte(strings.Repeat("#", pre+post+1))
	b[pre] = '.'
	return string(b)
}

// eeeeHashes stands for NaN and the infinities under EEEE: a sign
// column, the digits, the decimal point and four places for the exponent.
func eeeeHashes(pre, post int) string {
	b := []byte(strings.Repeat("#", pre+post+6))
	b[0] = ' '
	b[pre+1] = '.'
	return string(b)
}

// splitSign separates a printed number's leading '-' and pads or
// overflows its integer part against the pre digit positions.
func splitSign(printed string, f *numFormat) numInput {
	in := numInput{number: printed, sign: '+'}
	if strings.HasPrefix(printed, "-") {
		in.sign, in.number = '-', printed[1:]
	}
	intLen := len(in.number)
	if dot := strings.IndexByte(in.number, '.'); dot >= 0 {
		intLen = dot
	}
	switch {
	case intLen < f.pre:
		in.outPreSpaces = f.pre - intLen
	case intLen > f.pre:
		in.number = overflowHashes(f.pre, f.post)
	}
	return in
}

// romanInput renders n as PostgreSQL's RN does: 1..3999, else 15 '#'.
func romanInput(n int64) numInput {
	if n < 1 || n > 3999 {
		return numInput{number: strings.Repeat("#", 15)}
	}
	ones := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}
	tens := []string{"", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"}
	hundreds := []string{"", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"}
	s := strings.Repeat("M", int(n/1000)) + hundreds[n/100%10] + tens[n/10%10] + ones[n%10]
	return numInput{number: s}
}

// cFloatE prints v as C's "%+.*e" with the '+' of a positive value
// swapped for a blank, the way the float EEEE paths do.
func cFloatE(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'e', prec, 64)
	if !strings.HasPrefix(s, "-") {
		s = " " + s
	}
	return s
}

// cFloatF prints v as PostgreSQL's snprintf "%.*f" does: NaN and the
// infinities by name, anything else exactly rounded like glibc.
func cFloatF(v float64, prec int) string {
	if name, ok := nonFiniteName(v); ok {
		return name
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// nonFiniteName is how PostgreSQL's snprintf prints NaN and the
// infinities; ok is false for a finite v.
func nonFiniteName(v float64) (string, bool) {
	switch {
	case math.IsNaN(v):
		return "NaN", true
	case math.IsInf(v, 1):
		return "Infinity", true
	case math.IsInf(v, -1):
		return "-Infinity", true
	}
	return "", false
}

// intInput renders an integer; int4 says whether it is an integer (whose
// V multiplication wraps around like PostgreSQL's C int32 arithmetic)
// or a bigint (whose multiplication is checked).
func intInput(v int64, f *numFormat, int4 bool) (numInput, error) {
	switch {
	case f.has(nfRoman):
		if !int4 {
			if _, err := checkInt(v, types.Int4); err != nil {
				return numInput{}, err
			}
		}
		return romanInput(v), nil
	case f.has(nfEEEE):
		if int4 {
			return numInput{number: cFloatE(float64(v), f.post)}, nil
		}
		s, err := numericSci(apd.New(v, 0), f.post)
		return numInput{number: s}, err
	}
	if f.has(nfMulti) {
		var err error
		if v, err = multiplyPow10(v, f.multi, int4); err != nil {
			return numInput{}, err
		}
		f.pre += f.multi
	}
	s := strconv.FormatInt(v, 10)
	if f.post > 0 {
		s += "." + strings.Repeat("0", f.post)
	}
	return splitSign(s, f), nil
}

// multiplyPow10 is v * 10^n for V. An integer wraps as PostgreSQL's
// int32 does, and a factor past int32 becomes INT_MIN as x86's float to
// int conversion makes it; a bigint is checked.
func multiplyPow10(v int64, n int, int4 bool) (int64, error) {
	p := pow10(n)
	if int4 {
		factor := int32(math.MinInt32)
		if p <= math.MaxInt32 {
			factor = int32(p)
		}
		return int64(int32(v) * factor), nil
	}
	errRange := pgerror.New(pgcode.NumericValueOutOfRange, "bigint out of range")
	if p >= 1<<63 {
		return 0, errRange
	}
	factor := int64(p)
	r := v * factor
	if r/factor != v {
		return 0, errRange
	}
	return r, nil
}

// pow10 is 10^n correctly rounded, as glibc's pow() gives it (Go's
// math.Pow can be a few units off in the last place for large n).
func pow10(n int) float64 {
	f, _ := strconv.ParseFloat("1e"+strconv.Itoa(n), 64) // ±Inf past the range, like pow()
	return f
}

// numericSci is PostgreSQL's numeric_out_sci with a blank for a positive
// sign: one digit before the point, rounded half away from zero (which
// can give "10.0e+00"), and an exponent of at least two digits.
func numericSci(d *apd.Decimal, post int) (string, error) {
	exp := int64(0)
	if !d.IsZero() {
		exp = int64(d.NumDigits()) - 1 + int64(d.Exponent)
	}
	sig := new(apd.Decimal).Set(d)
	sig.Exponent -= int32(exp)
	sig, err := roundTo(sig, post)
	if err != nil {
		return "", err
	}
	sig.Negative = d.Negative && !sig.IsZero()
	s := sig.Text('f')
	if !sig.Negative {
		s = " " + s
	}
	sign := '+'
	if exp < 0 {
		sign, exp = '-', -exp
	}
	e := strconv.FormatInt(exp, 10)
	if len(e) < 2 {
		e = "0" + e
	}
	return s + "e" + string(sign) + e, nil
}

// roundTo rounds d half away from zero to scale decimals, with room for
// every digit however long the template's fraction is.
func roundTo(d *apd.Decimal, scale int) (*apd.Decimal, error) {
	ctx := roundHalfUp
	ctx.Precision = uint32(max(int64(d.NumDigits())+int64(d.Exponent), 0)) + uint32(scale) + 1
	r := new(apd.Decimal)
	if _, err := ctx.Quantize(r, d, -int32(scale)); err != nil {
		return nil, errNumericOverflow
	}
	return r, nil
}

func numericInput(d *apd.Decimal, f *numFormat) (numInput, error) {
	switch {
	case f.has(nfRoman):
		n, err := toInt(d, types.Numeric, types.Int4)
		if err != nil {
			return numInput{}, err
		}
		return romanInput(n.(int64)), nil
	case f.has(nfEEEE):
		if d.Form != apd.Finite {
			return numInput{number: eeeeHashes(f.pre, f.post)}, nil
		}
		s, err := numericSci(d, f.post)
		return numInput{number: s}, err
	}
	v := d
	if f.has(nfMulti) && d.Form == apd.Finite {
		v = new(apd.Decimal).Set(d)
		v.Exponent += int32(f.multi) // exact: times 10^multi
	}
	if f.has(nfMulti) {
		f.pre += f.multi
	}
	s, err := numericFixed(v, f.post)
	if err != nil {
		return numInput{}, err
	}
	return splitSign(s, f), nil
}

// toCharMaxRoundScale is the largest display scale of a numeric
// (NUMERIC_DSCALE_MAX), where PostgreSQL 15's round() stops.
const toCharMaxRoundScale = 16383

// numericFixed is round(d, scale)::text: exactly scale decimals (at most
// toCharMaxRoundScale), no negative zero, NaN and the infinities by name.
func numericFixed(d *apd.Decimal, scale int) (string, error) {
	switch {
	case isNaN(d):
		return "NaN", nil
	case d.Form == apd.Infinite && d.Negative:
		return "-Infinity", nil
	case d.Form == apd.Infinite:
		return "Infinity", nil
	}
	r, err := roundTo(d, min(scale, toCharMaxRoundScale))
	if err != nil {
		return "", err
	}
	if r.IsZero() {
		r.Negative = false
	}
	return r.Text('f'), nil
}

// floatInput renders a real (single) or double precision value. Fraction
// digits are cut so that the whole number shows at most FLT_DIG (6) or
// DBL_DIG (15) digits, which also shrinks the format's fraction.
func floatInput(v float64, f *numFormat, single bool) numInput {
	switch {
	case f.has(nfRoman):
		r := math.RoundToEven(v) // rint(); NaN and huge values fall outside 1..3999
		if !(r >= 1 && r <= 3999) {
			r = 0
		}
		return romanInput(int64(r))
	case f.has(nfEEEE):
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return numInput{number: eeeeHashes(f.pre, f.post)}
		}
		return numInput{number: cFloatE(v, f.post)}
	}
	digits := 15
	if f.has(nfMulti) {
		if single {
			v = float64(float32(v) * float32(pow10(f.multi)))
		} else {
			v *= pow10(f.multi)
		}
		f.pre += f.multi
	}
	if single {
		digits = 6
	}
	intLen := len(cFloatF(math.Abs(v), 0))
	if intLen >= digits {
		f.post = 0
	} else if intLen+f.post > digits {
		f.post = digits - intLen
	}
	return splitSign(cFloatF(v, f.post), f)
}

// numProc is the state of one rendering: PostgreSQL's NUM_processor.
type numProc struct {
	f            numFormat
	in           numInput
	pos          int  // next character of in.number
	lastRelevant int  // FM: the last fraction character to print; -1 if none
	signWrote    bool // the sign (or its blank) is out, or needs no column
	numCount     int
	numCurr      int // digit positions done
	numIn        bool
	out          []byte
	err          error // TH of something that is not a number
}

// at is the number's character at i, 0 past its end (PostgreSQL reads
// the terminating NUL there and copies it, which ends the output).
func (p *numProc) at(i int) byte {
	if i >= 0 && i < len(p.in.number) {
		return p.in.number[i]
	}
	return 0
}

// render produces the output for a parsed format and rendered value.
func render(f numFormat, in numInput) (string, error) {
	if f.zeroStart > 0 {
		f.zeroStart-- // now 0-based
	}
	if f.has(nfEEEE) {
		return in.number, nil
	}
	if f.has(nfRoman) {
		f.lsign, f.preLsignNum, f.pre, f.post = lsignNone, 0, 0, 0
		f.flags &= nfFillMode | nfRoman
	}
	p := &numProc{f: f, in: in, lastRelevant: -1}
	p.initSign()
	p.numCount = p.f.post + p.f.pre - 1
	if p.f.has(nfFillMode) && p.f.has(nfDecimal) {
		p.findLastRelevant()
	}
	if !p.signWrote && in.outPreSpaces == 0 {
		p.numCount++
	}
	for _, n := range p.f.nodes {
		p.node(n)
		if p.err != nil {
			return "", p.err
		}
	}
	out := string(p.out)
	if i := strings.IndexByte(out, 0); i >= 0 {
		out = out[:i]
	}
	return out, nil
}

// initSign decides whether the digits still need a sign column.
func (p *numProc) initSign() {
	f := &p.f
	if f.has(nfPlus) || f.has(nfMinus) {
		// MI, PL and SG print the sign themselves; PL alone leaves
		// the minus to the digits.
		p.signWrote = !(f.has(nfPlus) && !f.has(nfMinus))
		return
	}
	if p.in.sign != '-' && f.has(nfFillMode) {
		f.flags &^= nfBracket
	}
	p.signWrote = p.in.sign == '+' && f.has(nfFillMode) && !f.has(nfLSign)
	if f.lsign == lsignPre && f.pre == f.preLsignNum {
		f.lsign = lsignPost // S after every integer digit trails them
	}
}

// findLastRelevant marks, for FM, the last fraction digit worth printing:
// the last non-zero one, or the one a 0 pattern asks for.
func (p *numProc) findLastRelevant() {
	num := p.in.number
	dot := strings.IndexByte(num, '.')
	if dot < 0 {
		return
	}
	p.lastRelevant = dot
	for i := dot + 1; i < len(num); i++ {
		if num[i] != '0' {
			p.lastRelevant = i
		}
	}
	if p.f.zeroEnd > p.in.outPreSpaces {
		lastZero := min(len(num)-1, p.f.zeroEnd-p.in.outPreSpaces)
		if p.lastRelevant < lastZero {
			p.lastRelevant = lastZero
		}
	}
}

func (p *numProc) fill() bool { return p.f.has(nfFillMode) }

// node renders one template node.
func (p *numProc) node(n numNode) {
	switch n.key {
	case nkLiteral:
		p.out = append(p.out, n.lit...)
	case nk9, nk0, nkDec, nkD:
		p.digit(n.key)
	case nkComma, nkG:
		switch {
		case p.numIn:
			p.out = append(p.out, ',')
		case !p.fill():
			p.out = append(p.out, ' ')
		}
	case nkL:
		p.out = append(p.out, ' ') // the C locale's empty currency symbol
	case nkRN, nkRNLower:
		s := p.in.number
		if n.key == nkRNLower {
			s = strings.ToLower(s)
		}
		if !p.fill() && len(s) < 15 {
			s = strings.Repeat(" ", 15-len(s)) + s
		}
		p.out = append(p.out, s...)
	case nkTH, nkTHLower:
		p.ordinal(n.key == nkTHLower)
	case nkMI:
		p.signChar('-', '-')
	case nkPL:
		p.signChar('+', '+')
	case nkSG:
		p.out = append(p.out, p.in.sign) // 0 for a Roman numeral ends the output
	}
}

// signChar prints c when the value's sign is want, else a blank (none
// in fill mode).
func (p *numProc) signChar(want, c byte) {
	switch {
	case p.in.sign == want:
		p.out = append(p.out, c)
	case !p.fill():
		p.out = append(p.out, ' ')
	}
}

// ordinal prints TH's suffix for integral, non-negative values that fit.
func (p *numProc) ordinal(lower bool) {
	num := p.in.number
	if p.f.has(nfRoman) || strings.HasPrefix(num, "#") || p.in.sign == '-' || p.f.has(nfDecimal) {
		return
	}
	last := num[len(num)-1]
	if last < '0' || last > '9' {
		p.err = pgerror.New(pgcode.InvalidTextRepresentation, `"`+num+`" is not a number`)
		return
	}
	p.out = append(p.out, ordinal(num, !lower)...)
}

// predecSpace: the number is "0.xxx" and its leading zero is still to
// come, which "9.9" prints as a blank.
func (p *numProc) predecSpace() bool {
	return !p.f.has(nfZero) && p.pos == 0 && p.at(0) == '0' && p.f.post != 0
}

func (p *numProc) relevantIsDot() bool {
	return p.lastRelevant >= 0 && p.at(p.lastRelevant) == '.'
}

// digit renders a 9, 0, '.' or D position.
func (p *numProc) digit(key numKey) {
	if p.f.has(nfRoman) {
		return
	}
	p.numIn = false
	p.leadingSign()
	ops := p.in.outPreSpaces
	zero := p.f.has(nfZero)
	switch {
	case p.numCurr < ops && (p.f.zeroStart > p.numCurr || !zero):
		if !p.fill() {
			p.out = append(p.out, ' ')
		}
	case zero && p.numCurr < ops && p.f.zeroStart <= p.numCurr:
		p.out = append(p.out, '0')
		p.numIn = true
	default:
		p.numberChar(key)
	}
	end := p.numCount
	if ops > 0 {
		end++
	}
	if p.f.has(nfDecimal) {
		end++
	}
	if p.lastRelevant >= 0 && p.lastRelevant == p.pos {
		end = p.numCurr
	}
	if p.numCurr+1 == end {
		p.trailingSign()
	}
	p.numCurr++
}

// leadingSign writes the sign just before the first printed digit.
func (p *numProc) leadingSign() {
	f := &p.f
	if p.signWrote {
		return
	}
	atDigits := p.numCurr >= p.in.outPreSpaces || (f.has(nfZero) && f.zeroStart == p.numCurr)
	if !atDigits || (p.predecSpace() && !p.relevantIsDot()) {
		return
	}
	switch {
	case f.has(nfLSign):
		if f.lsign == lsignPre {
			p.out = append(p.out, p.in.sign)
			p.signWrote = true
		}
	case f.has(nfBracket):
		p.bracket('<')
		p.signWrote = true
	case p.in.sign == '+':
		if !p.fill() {
			p.out = append(p.out, ' ')
		}
		p.signWrote = true
	case p.in.sign == '-':
		p.out = append(p.out, '-')
		p.signWrote = true
	}
}

// trailingSign closes PR's bracket or writes a trailing S sign after the
// last digit.
func (p *numProc) trailingSign() {
	switch {
	case p.signWrote && p.f.has(nfBracket):
		p.bracket('>')
	case p.f.has(nfLSign) && p.f.lsign == lsignPost:
		p.out = append(p.out, p.in.sign)
	}
}

// bracket writes PR's bracket c for a negative value, a blank otherwise.
func (p *numProc) bracket(c byte) {
	if p.in.sign == '+' {
		c = ' '
	}
	p.out = append(p.out, c)
}

// numberChar copies the number's next character (a digit or the decimal
// point), or what stands for it.
func (p *numProc) numberChar(key numKey) {
	c := p.at(p.pos)
	switch {
	case c == '.':
		// FM drops a trailing point unless a fraction digit follows.
		if !p.relevantIsDot() || p.fill() {
			p.out = append(p.out, '.')
		}
	case p.lastRelevant >= 0 && p.pos > p.lastRelevant && key != nk0:
		// FM: an irrelevant trailing zero.
	case p.predecSpace():
		if !p.fill() {
			p.out = append(p.out, ' ')
		} else if p.relevantIsDot() {
			p.out = append(p.out, '0') // FM prints 0 as "0."
		}
	default:
		p.out = append(p.out, c)
		p.numIn = true
	}
	if c != 0 {
		p.pos++
	}
}

// numToChar builds a to_char overload: render turns the datum into a
// numInput for the parsed format (which it may adjust).
func numToChar(renderValue func(types.Datum, *numFormat) (numInput, error)) func(*Context, []types.Datum) (types.Datum, error) {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		tmpl := a[1].(string)
		if tmpl == "" {
			return "", nil
		}
		f, err := parseNumFormat(tmpl)
		if err != nil {
			return nil, err
		}
		in, err := renderValue(a[0], f)
		if err != nil {
			return nil, err
		}
		return render(*f, in)
	}
}

func init() {
	t := func(ts ...*types.T) []*types.T { return ts }
	txt := types.Text
	// smallint arguments reach the integer overload by implicit cast, as
	// in PostgreSQL, which has no to_char(smallint, text).
	addFunc("to_char", fn(t(types.Int4, txt), txt, numToChar(func(v types.Datum, f *numFormat) (numInput, error) {
		return intInput(v.(int64), f, true)
	})))
	addFunc("to_char", fn(t(types.Int8, txt), txt, numToChar(func(v types.Datum, f *numFormat) (numInput, error) {
		return intInput(v.(int64), f, false)
	})))
	addFunc("to_char", fn(t(types.Numeric, txt), txt, numToChar(func(v types.Datum, f *numFormat) (numInput, error) {
		return numericInput(v.(*apd.Decimal), f)
	})))
	addFunc("to_char", fn(t(types.Float4, txt), txt, numToChar(func(v types.Datum, f *numFormat) (numInput, error) {
		return floatInput(v.(float64), f, true), nil
	})))
	addFunc("to_char", fn(t(types.Float8, txt), txt, numToChar(func(v types.Datum, f *numFormat) (numInput, error) {
		return floatInput(v.(float64), f, false), nil
	})))
}
