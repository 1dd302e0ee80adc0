package expr

import (
	"fmt"
	"math"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The fields of to_date and to_timestamp (todate.go): how each pattern
// reads the input (DCH_from_char's switch), and how the date values
// combine (do_to_timestamp).

// isDigit reports whether a pattern's value starts with a digit: a
// number before it reads its fixed width rather than all the digits
// there are (PostgreSQL's KeyWord.is_digit).
func (f dchField) isDigit() bool {
	switch f {
	case dchAD, dchAM, dchDay, dchDY, dchFX, dchMonth, dchMon, dchOF, dchRM, dchTZH, dchTZ:
		return false
	}
	return true
}

// dateMode is the date convention of a pattern's field.
func (f dchField) dateMode() int {
	switch f {
	case dchDDD, dchDD, dchD, dchMM, dchMonth, dchMon, dchRM, dchWW, dchW, dchYCommaYYY, dchYear:
		return dateModeGregorian
	case dchIDDD, dchID, dchIW, dchISOYear:
		return dateModeISOWeek
	}
	return dateModeNone
}

// The spellings a name matches, ignoring case, in PostgreSQL's order:
// the first that prefixes the input wins. Upper-case twins of am/pm and
// ad/bc are left out: matching ignores case, and the value is the index
// modulo 2 either way.
var (
	ampmNames       = []string{"am", "pm"}
	ampmDottedNames = []string{"a.m.", "p.m."}
	adbcNames       = []string{"ad", "bc"}
	adbcDottedNames = []string{"a.d.", "b.c."}
	// Longest numerals first, so that "xii" is not read as "x".
	romanMonthsDown = []string{"xii", "xi", "x", "ix", "viii", "vii", "vi", "v", "iv", "iii", "ii", "i"}
	monthNamesFull  = monthNames[:]
	monthNamesAbbr  = abbreviate(monthNames[:])
	dayNamesFull    = weekdayNames[:]
	dayNamesAbbr    = abbreviate(weekdayNames[:])
)

func abbreviate(names []string) []string {
	r := make([]string, len(names))
	for i, n := range names {
		r[i] = n[:3]
	}
	return r
}

// readField reads the value of pattern node i.
func (r *dchReader) readField(i int) error {
	n := &r.nodes[i]
	p, f := n.pat, &r.out
	switch p.field {
	case dchFX:
		r.fx = true
	case dchAM:
		f.clock12 = true
		return r.readName(p, pick(p.dots, ampmDottedNames, ampmNames), func(v int) error { return setSlot(&f.pm, int32(v%2), p) })
	case dchAD:
		return r.readName(p, pick(p.dots, adbcDottedNames, adbcNames), func(v int) error { return setSlot(&f.bc, int32(v%2), p) })
	case dchMonth:
		return r.readName(p, monthNamesFull, func(v int) error { return setSlot(&f.mm, int32(v+1), p) })
	case dchMon:
		return r.readName(p, monthNamesAbbr, func(v int) error { return setSlot(&f.mm, int32(v+1), p) })
	case dchRM:
		return r.readName(p, romanMonthsDown, func(v int) error { return setSlot(&f.mm, int32(12-v), p) })
	case dchDay, dchDY:
		names := pick(p.field == dchDay, dayNamesFull, dayNamesAbbr)
		return r.readName(p, names, func(v int) error {
			err := setSlot(&f.d, int32(v), p)
			f.d++ // Sunday is 1
			return err
		})
	case dchTZ, dchOF:
		return pgerror.Newf(pgcode.FeatureNotSupported, "formatting field \"%s\" is only supported in to_char", p.text)
	case dchTZH:
		return r.readTZH(i)
	case dchTZM:
		if f.tzsign == 0 {
			f.tzsign = 1
		}
		_, err := r.readInt(i, &f.tzm, 2)
		return err
	case dchYCommaYYY:
		return r.readYCommaYYY(n)
	default:
		return r.readNumber(i)
	}
	return nil
}

func pick(cond bool, a, b []string) []string {
	if cond {
		return a
	}
	return b
}

// readNumber reads the value of a numeric pattern node i, then skips a
// TH suffix's two characters.
func (r *dchReader) readNumber(i int) error {
	n := &r.nodes[i]
	p, f := n.pat, &r.out
	width := len(p.text)
	var dest *int32
	switch p.field {
	case dchHH12:
		f.clock12 = true
		dest, width = &f.hh, 2 // HH, HH12: two digits
	case dchHH24:
		dest, width = &f.hh, 2
	case dchMI:
		dest = &f.mi
	case dchSS:
		dest = &f.ss
	case dchSSSS:
		dest = &f.ssss
	case dchMS:
		dest, width = &f.ms, 3
	case dchUS, dchFF:
		dest, width = &f.us, 6
		if p.field == dchFF {
			f.ff = int32(p.n)
			width = p.n
		}
	case dchMM:
		dest = &f.mm
	case dchDD:
		dest = &f.dd
	case dchDDD:
		dest = &f.ddd
	case dchIDDD:
		dest, width = &f.ddd, 3
	case dchD:
		dest = &f.d
	case dchID:
		dest, width = &f.d, 1
	case dchWW, dchIW:
		dest = &f.ww
	case dchW:
		dest = &f.w
	case dchCC:
		dest = &f.cc
	case dchJ:
		dest = &f.j
	case dchYear, dchISOYear:
		dest = &f.year
	case dchQ:
		// Read and dropped: a quarter does not say which month, and
		// templates often give both.
	default:
		return pgerror.Newf(pgcode.Internal, "to_timestamp: pattern \"%s\" has no field", p.text)
	}
	used, err := r.readInt(i, dest, width)
	if err != nil {
		return err
	}
	switch p.field {
	case dchMS:
		f.ms *= fractionScale(used, 3) // "5" is .5 second, "05" .05
	case dchUS, dchFF:
		f.us *= fractionScale(used, 6)
	case dchID:
		// ISO numbers Monday 1 .. Sunday 7; d is Sunday 1 .. Saturday 7.
		if f.d++; f.d > 7 {
			f.d = 1
		}
	case dchYear, dchISOYear:
		if p.n < 4 && used < 4 {
			f.year = adjustPartialYear(f.year)
		}
		f.yysz = int32(p.n)
	}
	r.skipTH(n)
	return nil
}

// fractionScale is what a fraction read in used characters is
// multiplied by to count units of the width's digits: digits short of
// the width are leading digits.
func fractionScale(used, width int) int32 {
	s := int32(1)
	for i := used; i < width; i++ {
		s *= 10
	}
	return s
}

// adjustPartialYear is PostgreSQL's guess of the century of a year of
// fewer than 4 digits: the nearest to 2020.
func adjustPartialYear(y int32) int32 {
	switch {
	case y < 70:
		return y + 2000
	case y < 100:
		return y + 1900
	case y < 520:
		return y + 2000
	case y < 1000:
		return y + 1000
	}
	return y
}

// skipTH skips the ordinal suffix a TH pattern suffix stands for.
func (r *dchReader) skipTH(n *dchNode) {
	if n.th {
		for k := 0; k < 2 && r.pos < len(r.in); k++ {
			r.pos += types.MBLen(r.in[r.pos:])
		}
	}
}

// readTZH reads the zone's hours with their sign. A minus may have been
// taken for a separator: then it is the sign if spaces were skipped
// beyond the template's.
func (r *dchReader) readTZH(i int) error {
	f := &r.out
	switch c := r.peek(); {
	case c == '+' || c == '-' || c == ' ':
		f.tzsign = 1
		if c == '-' {
			f.tzsign = -1
		}
		r.pos++
	case r.extraSkip > 0 && r.in[r.pos-1] == '-':
		f.tzsign = -1
	default:
		f.tzsign = 1
	}
	_, err := r.readInt(i, &f.tzh, 2)
	return err
}

// readInt reads an integer of width characters for node i into dest
// (nil drops it) and returns the characters consumed, spaces before it
// included (from_char_parse_int_len). With FM, or before a node that
// cannot start with a digit, it takes all the digits there are.
func (r *dchReader) readInt(i int, dest *int32, width int) (int, error) {
	n := &r.nodes[i]
	name := n.pat.text
	init := r.pos
	start := init + cSpaceLen(r.in[init:])
	field := r.in[start:min(start+width, len(r.in))] // for messages
	var v int64
	var overflow bool
	if n.fm || r.nextIsSeparator(i) {
		var used int
		v, used, overflow = strtol(r.in[init:])
		r.pos = init + used
	} else {
		if len(field) < width {
			return 0, pgerror.Newf(pgcode.InvalidDatetimeFormat, "source string too short for \"%s\" formatting field", name).
				WithDetail(fmt.Sprintf("Field requires %d characters, but only %d remain.", width, len(field))).
				WithHint(`If your source string is not fixed-width, try using the "FM" modifier.`)
		}
		var used int
		v, used, overflow = strtol(field)
		if used > 0 && used < width {
			return 0, pgerror.Newf(pgcode.InvalidDatetimeFormat, "invalid value \"%s\" for \"%s\"", field, name).
				WithDetail(fmt.Sprintf("Field requires %d characters, but only %d could be parsed.", width, used)).
				WithHint(`If your source string is not fixed-width, try using the "FM" modifier.`)
		}
		r.pos = start + used
	}
	if r.pos == init {
		return 0, pgerror.Newf(pgcode.InvalidDatetimeFormat, "invalid value \"%s\" for \"%s\"", field, name).
			WithDetail("Value must be an integer.")
	}
	if overflow || v < math.MinInt32 || v > math.MaxInt32 {
		return 0, pgerror.Newf(pgcode.DatetimeFieldOverflow, "value for \"%s\" in source string is out of range", name).
			WithDetail(fmt.Sprintf("Value must be in the range %d to %d.", math.MinInt32, math.MaxInt32))
	}
	if dest != nil {
		if err := setSlot(dest, int32(v), n.pat); err != nil {
			return 0, err
		}
	}
	return r.pos - init, nil
}

// nextIsSeparator reports whether the node after pattern node i cannot
// start with a digit (is_next_separator): the end of the template
// counts as one, and so does the TH suffix of node i itself.
func (r *dchReader) nextIsSeparator(i int) bool {
	if r.nodes[i].th {
		return true
	}
	if i+1 >= len(r.nodes) {
		return true
	}
	next := &r.nodes[i+1]
	if next.kind == nodeAction {
		return !next.pat.field.isDigit()
	}
	return !(len(next.ch) == 1 && isASCIIDigit(next.ch[0]))
}

// strtol is C's strtol in base 10: white space, a sign, digits. n is
// the characters consumed, 0 when there are no digits; overflow is
// past int64.
func strtol(s string) (v int64, n int, overflow bool) {
	i := cSpaceLen(s)
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	first := i
	for ; i < len(s) && isASCIIDigit(s[i]); i++ {
		d := int64(s[i] - '0')
		if v > (math.MaxInt64-d)/10 {
			overflow = true
		} else if !overflow {
			v = v*10 + d
		}
	}
	if i == first {
		return 0, 0, false
	}
	if neg {
		v = -v
	}
	return v, i, overflow
}

// readName reads one of names at the input, ignoring case, and hands
// its index to store (from_char_seq_search).
func (r *dchReader) readName(p *dchPattern, names []string, store func(int) error) error {
	s := r.in[r.pos:]
	for i, name := range names {
		if len(s) >= len(name) && asciiEqualFold(s[:len(name)], name) {
			r.pos += len(name)
			return store(i)
		}
	}
	// The message shows the input up to the next space.
	word := s
	for k := 0; k < len(s); k++ {
		if isScannerSpace(s[k]) {
			word = s[:k]
			break
		}
	}
	return pgerror.Newf(pgcode.InvalidDatetimeFormat, "invalid value \"%s\" for \"%s\"", word, p.text).
		WithDetail("The given value did not match any of the allowed values for this field.")
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if asciiLower(a[i]) != asciiLower(b[i]) {
			return false
		}
	}
	return true
}

func asciiLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// readYCommaYYY reads Y,YYY as sscanf(s, "%d,%03d") does: thousands, a
// comma right after them, then up to three characters of units.
func (r *dchReader) readYCommaYYY(n *dchNode) error {
	s := r.in[r.pos:]
	thousands, n1, ok := scanInt(s, math.MaxInt)
	if ok && n1 < len(s) && s[n1] == ',' {
		var units int32
		var n2 int
		if units, n2, ok = scanInt(s[n1+1:], 3); ok {
			// C int arithmetic: wraps.
			if err := setSlot(&r.out.year, units+thousands*1000, n.pat); err != nil {
				return err
			}
			r.out.yysz = 4
			r.pos += n1 + 1 + n2
			r.skipTH(n)
			return nil
		}
	}
	return pgerror.New(pgcode.InvalidDatetimeFormat, `invalid input string for "Y,YYY"`)
}

// scanInt is scanf's %d with a field width: white space (not counted),
// then at most width characters of sign and digits, as a C int.
func scanInt(s string, width int) (int32, int, bool) {
	i := cSpaceLen(s)
	end := len(s)
	if width < end-i {
		end = i + width
	}
	v, n, _ := strtol(s[i:end])
	if n == 0 {
		return 0, 0, false
	}
	return int32(v), i + n, true
}

// combineYear sets the year from YYYY (or shorter), CC and BC.
func (f *tmFromChar) combineYear(y *int32, mask *dateMask) {
	cc := f.cc
	if f.bc != 0 {
		cc = -cc
	}
	switch {
	case f.year != 0 && cc != 0 && f.yysz <= 2:
		// The last two digits of the year within the century: the 21st
		// century runs 2001-2100, the 6th BC 600 BC-501 BC.
		*y = f.year % 100
		switch {
		case *y == 0 && cc >= 0:
			*y = cc * 100
		case *y == 0:
			*y = cc*100 + 1
		case cc >= 0:
			*y += (cc - 1) * 100
		default:
			*y = (cc+1)*100 - *y + 1
		}
	case f.year != 0:
		// A year of three digits or more ignores CC.
		*y = f.year
		if f.bc != 0 {
			*y = -*y
		}
		if *y < 0 {
			*y++ // 1 BC is year 0
		}
	case cc > 0:
		*y = (cc-1)*100 + 1 // the century's first year
	case cc < 0:
		*y = cc*100 + 1
	default:
		return
	}
	*mask |= maskYear
}

// combineDate sets month and day from a Julian day, a week, day of
// month, month and day of year, in that order.
func (f *tmFromChar) combineDate(y, mon, mday *int32, mask *dateMask) error {
	if f.j != 0 {
		*y, *mon, *mday = j2date32(f.j)
		*mask |= maskDate
	}
	if f.ww != 0 {
		if f.mode == dateModeISOWeek {
			// Monday of the ISO week when there is no day of the week.
			jd := isoweek2j(*y, f.ww)
			switch {
			case f.d > 1:
				jd += f.d - 2
			case f.d == 1:
				jd += 6 // Sunday ends the ISO week
			}
			*y, *mon, *mday = j2date32(jd)
			*mask |= maskDate
		} else {
			f.ddd = (f.ww-1)*7 + 1
		}
	}
	if f.w != 0 {
		f.dd = (f.w-1)*7 + 1
	}
	if f.dd != 0 {
		*mday = f.dd
		*mask |= maskDay
	}
	if f.mm != 0 {
		*mon = f.mm
		*mask |= maskMonth
	}
	if f.ddd != 0 && (*mon <= 1 || *mday <= 1) {
		return f.combineDayOfYear(y, mon, mday, mask)
	}
	return nil
}

// combineDayOfYear fills the month and day not given from the day of
// the year: ISO (IDDD) or Gregorian (DDD).
func (f *tmFromChar) combineDayOfYear(y, mon, mday *int32, mask *dateMask) error {
	if *y == 0 && f.bc == 0 {
		return pgerror.New(pgcode.InvalidDatetimeFormat, "cannot calculate day of year without year information")
	}
	if f.mode == dateModeISOWeek {
		*y, *mon, *mday = j2date32(isoweek2j(*y, 1) - 1 + f.ddd)
		*mask |= maskDate
		return nil
	}
	sums := &daysBeforeMonth[0]
	if isLeap(int64(*y)) {
		sums = &daysBeforeMonth[1]
	}
	i := 1
	for ; i <= 12 && f.ddd > sums[i]; i++ {
	}
	// Past December this leaves month 13, which the check refuses.
	if *mon <= 1 {
		*mon = int32(i)
	}
	if *mday <= 1 {
		*mday = f.ddd - sums[i-1]
	}
	*mask |= maskMonth | maskDay
	return nil
}

// daysBeforeMonth[leap][m] is the days of the year before month m+1.
var daysBeforeMonth = [2][13]int32{
	{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365},
	{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366},
}

// dateMask tells which date fields the input gave (ValidateDate's
// fmask).
type dateMask uint8

const (
	maskYear dateMask = 1 << iota
	maskMonth
	maskDay
	maskDate = maskYear | maskMonth | maskDay
)

// checkDateFields is ValidateDate for the fields given: month and day in
// range, and the day within its month when the whole date was given.
func checkDateFields(mask dateMask, y, mon, mday int32) bool {
	if mask&maskMonth != 0 && (mon < 1 || mon > 12) {
		return false
	}
	if mask&maskDay != 0 && (mday < 1 || mday > 31) {
		return false
	}
	if mask == maskDate && int64(mday) > daysInMonth(int64(y), int64(mon)) {
		return false
	}
	return true
}

func j2date32(jd int32) (y, m, d int32) {
	yy, mm, dd := j2date(int64(jd))
	return int32(yy), int32(mm), int32(dd)
}

// isCSpace is C's isspace in the C locale.
func isCSpace(c byte) bool {
	return c == ' ' || c >= '\t' && c <= '\r'
}

// isScannerSpace is PostgreSQL's scanner_isspace (no vertical tab).
func isScannerSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func cSpaceLen(s string) int {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	return i
}

// isSeparatorChar is ASCII punctuation: printable, not a letter or
// digit, not a space.
func isSeparatorChar(c byte) bool {
	return c > ' ' && c < 0x7f && !isASCIIDigit(c) && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z')
}

// isASCIIDigit is C's isdigit in the C locale.
func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }
