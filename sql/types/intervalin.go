// Interval input: PostgreSQL's own syntax and ISO 8601 durations.

package types

import (
	"math"
	"strconv"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// itmIn accumulates interval input exactly, as PostgreSQL 15's
// pg_itm_in does: microseconds, days, months and years kept apart until
// the end, with overflow checks at every step.
type itmIn struct {
	usec  int64
	mday  int32
	mon   int32
	year  int32
	error bool
}

func addInt64(a, b int64) (int64, bool) {
	c := a + b
	return c, (c > a) == (b > 0)
}

func mulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if c/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return c, true
}

func addInt32(a int32, b int64) (int32, bool) {
	c := int64(a) + b
	if c > math.MaxInt32 || c < math.MinInt32 {
		return 0, false
	}
	return int32(c), true
}

func (it *itmIn) addFractMicros(frac float64, scale int64) bool {
	if frac == 0 {
		return true
	}
	frac *= float64(scale)
	us := int64(frac)
	frac -= float64(us)
	if frac > 0.5 {
		us++
	} else if frac < -0.5 {
		us--
	}
	var ok bool
	it.usec, ok = addInt64(it.usec, us)
	return ok
}

func (it *itmIn) addFractDays(frac float64, scale int) bool {
	if frac == 0 {
		return true
	}
	frac *= float64(scale)
	extra := int64(int32(frac))
	var ok bool
	if it.mday, ok = addInt32(it.mday, extra); !ok {
		return false
	}
	frac -= float64(extra)
	return it.addFractMicros(frac, usPerDay)
}

func (it *itmIn) addFractYears(frac float64, scale int) bool {
	extra := int64(math.RoundToEven(frac * float64(scale) * 12))
	var ok bool
	it.mon, ok = addInt32(it.mon, extra)
	return ok
}

func (it *itmIn) addMicros(val int64, frac float64, scale int64) bool {
	us, ok := mulInt64(val, scale)
	if !ok {
		return false
	}
	if it.usec, ok = addInt64(it.usec, us); !ok {
		return false
	}
	return it.addFractMicros(frac, scale)
}

func (it *itmIn) addDays(val int64, scale int) bool {
	if val < math.MinInt32 || val > math.MaxInt32 {
		return false
	}
	d := val * int64(scale)
	if d < math.MinInt32 || d > math.MaxInt32 {
		return false
	}
	var ok bool
	it.mday, ok = addInt32(it.mday, d)
	return ok
}

func (it *itmIn) addMonths(val int64) bool {
	if val < math.MinInt32 || val > math.MaxInt32 {
		return false
	}
	var ok bool
	it.mon, ok = addInt32(it.mon, val)
	return ok
}

func (it *itmIn) addYears(val int64, scale int) bool {
	if val < math.MinInt32 || val > math.MaxInt32 {
		return false
	}
	y := val * int64(scale)
	if y < math.MinInt32 || y > math.MaxInt32 {
		return false
	}
	var ok bool
	it.year, ok = addInt32(it.year, y)
	return ok
}

// setTimeForInterval is DecodeTimeForInterval: note that it replaces the
// microseconds gathered so far rather than adding to them, as PostgreSQL
// 15 does.
func (it *itmIn) setTimeForInterval(s string, rangeMask int) *dtErr {
	h, m, sec, us, e := decodeTimeCommon(s, rangeMask)
	if e != nil {
		return e
	}
	v := us
	for _, p := range [][2]int64{{h, usPerHour}, {int64(m), usPerMinute}, {int64(sec), usPerSecond}} {
		x, ok := mulInt64(p[0], p[1])
		if !ok {
			return dterr(dtFieldOverflow)
		}
		if v, ok = addInt64(v, x); !ok {
			return dterr(dtFieldOverflow)
		}
	}
	it.usec = v
	return nil
}

// parseFraction is ParseFraction: ".ddd" as a float ("." alone is 0).
func parseFraction(s string) (float64, bool) {
	if s == "." {
		return 0, true
	}
	return parseFloatTail(s)
}

// decodeInterval is DecodeInterval, for PostgreSQL's own syntax
// ("1 year 2 mons", "@ 1 day ago", "1-2", "3 4:05:06"). Fields are read
// right to left so that a unit is known before its number.
func decodeInterval(f []dtField, rangeMask int, style intervalStyle) (itmIn, *dtErr) {
	var it itmIn
	forceNegative, isBefore := false, false
	fmask := 0
	typ := -1 // IGNORE_DTF: no unit seen yet
	if style == intervalSQLStandard && len(f) > 0 && f[0].text[0] == '-' {
		forceNegative = true
		for _, fl := range f[1:] {
			if fl.text[0] == '-' || fl.text[0] == '+' {
				forceNegative = false
				break
			}
		}
	}
	for i := len(f) - 1; i >= 0; i-- {
		fld := f[i].text
		tmask := 0
		switch f[i].typ {
		case ftTime:
			if e := it.setTimeForInterval(fld, rangeMask); e != nil {
				return it, e
			}
			tmask = timeMask
			if forceNegative && it.usec > 0 {
				it.usec = -it.usec
			}
			typ = dtkDay
		case ftTZ, ftDate, ftNumber:
			if f[i].typ == ftTZ && containsByte(fld[1:], ':') {
				saved := it
				if e := it.setTimeForInterval(fld[1:], rangeMask); e == nil {
					if fld[0] == '-' {
						if it.usec == math.MinInt64 {
							return it, dterr(dtFieldOverflow)
						}
						it.usec = -it.usec
					}
					if forceNegative && it.usec > 0 {
						it.usec = -it.usec
					}
					tmask = timeMask
					typ = dtkDay
					break
				}
				it = saved
			}
			if typ == -1 {
				typ = rightmostUnit(rangeMask)
			}
			val, next, of := strtol(fld, 0)
			if of {
				return it, dterr(dtFieldOverflow)
			}
			var fval float64
			switch {
			case next < len(fld) && fld[next] == '-':
				// SQL "years-months".
				v2, n2, of2 := strtoint(fld, next+1)
				if of2 || v2 < 0 || v2 >= 12 {
					return it, dterr(dtFieldOverflow)
				}
				if n2 == next+1 {
					v2 = 0
				}
				if n2 != len(fld) {
					return it, dterr(dtBadFormat)
				}
				typ = dtkMonth
				if fld[0] == '-' {
					v2 = -v2
				}
				var ok bool
				if val, ok = mulInt64(val, 12); !ok {
					return it, dterr(dtFieldOverflow)
				}
				if val, ok = addInt64(val, int64(v2)); !ok {
					return it, dterr(dtFieldOverflow)
				}
			case next < len(fld) && fld[next] == '.':
				var ok bool
				if fval, ok = parseFraction(fld[next:]); !ok {
					return it, dterr(dtBadFormat)
				}
				if fld[0] == '-' {
					fval = -fval
				}
			case next == len(fld) && next > 0:
			default:
				return it, dterr(dtBadFormat)
			}
			if forceNegative {
				if val > 0 {
					val = -val
				}
				if fval > 0 {
					fval = -fval
				}
			}
			ok := true
			switch typ {
			case dtkMicrosec:
				ok = it.addMicros(val, fval, 1)
				tmask = mask(tkMicrosec)
			case dtkMillisec:
				ok = it.addMicros(val, fval, 1000)
				tmask = mask(tkMillisec)
			case dtkSecond:
				ok = it.addMicros(val, fval, usPerSecond)
				tmask = mask(tkSecond)
				if fval != 0 {
					tmask = allSecsMask
				}
			case dtkMinute:
				ok = it.addMicros(val, fval, usPerMinute)
				tmask = mask(tkMinute)
			case dtkHour:
				ok = it.addMicros(val, fval, usPerHour)
				tmask = mask(tkHour)
				typ = dtkDay
			case dtkDay:
				ok = it.addDays(val, 1) && it.addFractMicros(fval, usPerDay)
				tmask = mask(tkDay)
			case dtkWeek:
				ok = it.addDays(val, 7) && it.addFractDays(fval, 7)
				tmask = mask(tkWeek)
			case dtkMonth:
				ok = it.addMonths(val) && it.addFractDays(fval, 30)
				tmask = mask(tkMonth)
			case dtkYear:
				ok = it.addYears(val, 1) && it.addFractYears(fval, 1)
				tmask = mask(tkYear)
			case dtkDecade:
				ok = it.addYears(val, 10) && it.addFractYears(fval, 10)
				tmask = mask(tkDecade)
			case dtkCentury:
				ok = it.addYears(val, 100) && it.addFractYears(fval, 100)
				tmask = mask(tkCentury)
			case dtkMillennium:
				ok = it.addYears(val, 1000) && it.addFractYears(fval, 1000)
				tmask = mask(tkMillennium)
			default:
				return it, dterr(dtBadFormat)
			}
			if !ok {
				return it, dterr(dtFieldOverflow)
			}
		case ftString, ftSpecial:
			tok, found := lookupToken(deltaTokens, fld)
			if !found {
				return it, dterr(dtBadFormat)
			}
			switch tok.class {
			case tkIgnore:
				continue
			case tkUnits:
				typ = tok.value
			case tkAgo:
				isBefore = true
				typ = dtkNone
			default:
				return it, dterr(dtBadFormat)
			}
		default:
			return it, dterr(dtBadFormat)
		}
		if tmask&fmask != 0 {
			return it, dterr(dtBadFormat)
		}
		fmask |= tmask
	}
	if fmask == 0 {
		return it, dterr(dtBadFormat)
	}
	if isBefore {
		if it.usec == math.MinInt64 || it.mday == math.MinInt32 || it.mon == math.MinInt32 || it.year == math.MinInt32 {
			return it, dterr(dtFieldOverflow)
		}
		it.usec, it.mday, it.mon, it.year = -it.usec, -it.mday, -it.mon, -it.year
	}
	return it, nil
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// rightmostUnit is the unit of a bare number, from the typmod's range:
// '5'::interval is five seconds, but INTERVAL '5' DAY is five days.
func rightmostUnit(r int) int {
	switch r {
	case intervalMask(tkYear):
		return dtkYear
	case intervalMask(tkMonth), intervalMask(tkYear) | intervalMask(tkMonth):
		return dtkMonth
	case intervalMask(tkDay):
		return dtkDay
	case intervalMask(tkHour), intervalMask(tkDay) | intervalMask(tkHour):
		return dtkHour
	case intervalMask(tkMinute), intervalMask(tkHour) | intervalMask(tkMinute),
		intervalMask(tkDay) | intervalMask(tkHour) | intervalMask(tkMinute):
		return dtkMinute
	}
	return dtkSecond
}

// parseISO8601Number is ParseISO8601Number: a C double at s[i:] whose
// magnitude is at most 1e15, split into integer and fraction parts.
func parseISO8601Number(s string, i int) (ipart int64, fpart float64, next int, e *dtErr) {
	if i >= len(s) || !(isDigit(s[i]) || s[i] == '-' || s[i] == '.') {
		return 0, 0, i, dterr(dtBadFormat)
	}
	n, kind, _ := scanCFloat(s[i:])
	if n == 0 {
		return 0, 0, i, dterr(dtBadFormat)
	}
	var v float64
	switch kind {
	case 'i':
		return 0, 0, i, dterr(dtFieldOverflow)
	case 'n':
		return 0, 0, i, dterr(dtFieldOverflow)
	case 'x':
		txt := s[i : i+n]
		if !containsByte(txt, 'p') && !containsByte(txt, 'P') {
			txt += "p0"
		}
		v, _ = strconv.ParseFloat(txt, 64)
	default:
		var err error
		v, err = strconv.ParseFloat(s[i:i+n], 64)
		if err != nil {
			return 0, 0, i, dterr(dtBadFormat)
		}
	}
	if math.IsNaN(v) || v < -1e15 || v > 1e15 {
		return 0, 0, i, dterr(dtFieldOverflow)
	}
	if v >= 0 {
		ipart = int64(math.Floor(v))
	} else {
		ipart = -int64(math.Floor(-v))
	}
	return ipart, v - float64(ipart), i + n, nil
}

func iso8601IntegerWidth(s string) int {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}

// decodeISO8601Interval is DecodeISO8601Interval: "P1Y2M3DT4H5M6S",
// weeks, fractions on any field, and the alternative formats
// "P0001-02-03T04:05:06" and "P00010203T040506".
func decodeISO8601Interval(s string) (itmIn, *dtErr) {
	var it itmIn
	if len(s) < 2 || s[0] != 'P' {
		return it, dterr(dtBadFormat)
	}
	datePart, haveField := true, false
	i := 1
	fail := func() (itmIn, *dtErr) { return it, dterr(dtFieldOverflow) }
	for i < len(s) {
		if s[i] == 'T' {
			datePart, haveField = false, false
			i++
			continue
		}
		fieldStart := i
		val, fval, next, e := parseISO8601Number(s, i)
		if e != nil {
			return it, e
		}
		i = next
		var unit byte
		if i < len(s) {
			unit = s[i]
			i++
		}
		if datePart {
			switch unit {
			case 'Y':
				if !it.addYears(val, 1) || !it.addFractYears(fval, 1) {
					return fail()
				}
			case 'M':
				if !it.addMonths(val) || !it.addFractDays(fval, 30) {
					return fail()
				}
			case 'W':
				if !it.addDays(val, 7) || !it.addFractDays(fval, 7) {
					return fail()
				}
			case 'D':
				if !it.addDays(val, 1) || !it.addFractMicros(fval, usPerDay) {
					return fail()
				}
			case 'T', 0, '-':
				if unit != '-' && iso8601IntegerWidth(s[fieldStart:]) == 8 && !haveField {
					if !it.addYears(val/10000, 1) || !it.addMonths((val/100)%100) ||
						!it.addDays(val%100, 1) || !it.addFractMicros(fval, usPerDay) {
						return fail()
					}
					if unit == 0 {
						return it, nil
					}
					datePart, haveField = false, false
					continue
				}
				if haveField {
					return it, dterr(dtBadFormat)
				}
				if !it.addYears(val, 1) || !it.addFractYears(fval, 1) {
					return fail()
				}
				if unit == 0 {
					return it, nil
				}
				if unit == 'T' {
					datePart, haveField = false, false
					continue
				}
				val, fval, i, e = parseISO8601Number(s, i)
				if e != nil {
					return it, e
				}
				if !it.addMonths(val) || !it.addFractDays(fval, 30) {
					return fail()
				}
				if i == len(s) {
					return it, nil
				}
				if s[i] == 'T' {
					datePart, haveField = false, false
					i++
					continue
				}
				if s[i] != '-' {
					return it, dterr(dtBadFormat)
				}
				val, fval, i, e = parseISO8601Number(s, i+1)
				if e != nil {
					return it, e
				}
				if !it.addDays(val, 1) || !it.addFractMicros(fval, usPerDay) {
					return fail()
				}
				if i == len(s) {
					return it, nil
				}
				if s[i] == 'T' {
					datePart, haveField = false, false
					i++
					continue
				}
				return it, dterr(dtBadFormat)
			default:
				return it, dterr(dtBadFormat)
			}
		} else {
			switch unit {
			case 'H':
				if !it.addMicros(val, fval, usPerHour) {
					return fail()
				}
			case 'M':
				if !it.addMicros(val, fval, usPerMinute) {
					return fail()
				}
			case 'S':
				if !it.addMicros(val, fval, usPerSecond) {
					return fail()
				}
			case 0, ':':
				if unit == 0 && iso8601IntegerWidth(s[fieldStart:]) == 6 && !haveField {
					if !it.addMicros(val/10000, 0, usPerHour) || !it.addMicros((val/100)%100, 0, usPerMinute) ||
						!it.addMicros(val%100, 0, usPerSecond) || !it.addFractMicros(fval, 1) {
						return fail()
					}
					return it, nil
				}
				if haveField {
					return it, dterr(dtBadFormat)
				}
				if !it.addMicros(val, fval, usPerHour) {
					return fail()
				}
				if unit == 0 {
					return it, nil
				}
				val, fval, i, e = parseISO8601Number(s, i)
				if e != nil {
					return it, e
				}
				if !it.addMicros(val, fval, usPerMinute) {
					return fail()
				}
				if i == len(s) {
					return it, nil
				}
				if s[i] != ':' {
					return it, dterr(dtBadFormat)
				}
				val, fval, i, e = parseISO8601Number(s, i+1)
				if e != nil {
					return it, e
				}
				if !it.addMicros(val, fval, usPerSecond) {
					return fail()
				}
				if i == len(s) {
					return it, nil
				}
				return it, dterr(dtBadFormat)
			default:
				return it, dterr(dtBadFormat)
			}
		}
		haveField = true
	}
	return it, nil
}

// parseInterval is interval_in.
func parseInterval(s string, typmod int32, fs *FormatSettings) (Datum, error) {
	rangeMask := intervalRange(typmod)
	var it itmIn
	f, code := parseDateTimeFields(s, 256)
	var e *dtErr
	if code != dtOK {
		e = dterr(code)
	} else {
		it, e = decodeInterval(f, rangeMask, parseIntervalStyle(fs.IntervalStyle))
	}
	if e != nil && e.err == nil && e.code == dtBadFormat {
		it, e = decodeISO8601Interval(s)
	}
	if e != nil {
		if e.code == dtFieldOverflow {
			e.code = dtIntervalOverflow
		}
		return nil, e.report(s, "interval")
	}
	months := int64(it.year)*12 + int64(it.mon)
	if months > math.MaxInt32 || months < math.MinInt32 {
		return nil, pgerror.New(pgcode.DatetimeFieldOverflow, "interval out of range")
	}
	iv := Interval{Months: int32(months), Days: it.mday, Micros: it.usec}
	return adjustIntervalForTypmod(iv, typmod)
}
