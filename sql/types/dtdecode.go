package types

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The second half of date/time input: DecodeDateTime and DecodeTimeOnly
// turn the fields of parseDateTimeFields into calendar fields. They
// follow datetime.c's decisions field by field (which field may be a
// year, when digits run together, which errors apply) so that ambiguous
// input resolves as PostgreSQL resolves it.

// pgTm holds broken-down date and time fields. Years are astronomical
// (0 = 1 BC) once validated.
type pgTm struct {
	year, mon, mday  int
	hour, min, sec   int
	fsec             int64 // microseconds
	yday             int
	isdst            int
	tzWest           int  // UTC offset in seconds west (PostgreSQL's sign)
	haveTZ           bool // a zone was given in the input
	namedTZ, dynZone *time.Location
	dynAbbrev        string
}

// dtErr carries either a DTERR code or an error raised directly.
type dtErr struct {
	code int
	err  *pgerror.Error
}

func dterr(code int) *dtErr { return &dtErr{code: code} }

// report turns a decoding failure into the error PostgreSQL's
// DateTimeParseError raises for the input s of type typeName.
func (e *dtErr) report(s, typeName string) *pgerror.Error {
	if e.err != nil {
		return e.err
	}
	switch e.code {
	case dtFieldOverflow:
		return pgerror.Newf(pgcode.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", s)
	case dtMDFieldOverflow:
		return pgerror.Newf(pgcode.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", s).
			WithHint("Perhaps you need a different \"datestyle\" setting.")
	case dtIntervalOverflow:
		return pgerror.Newf(pgcode.IntervalFieldOverflow, "interval field value out of range: \"%s\"", s)
	case dtTZDispOverflow:
		return pgerror.Newf(pgcode.InvalidTimeZoneDisplacement, "time zone displacement out of range: \"%s\"", s)
	}
	return pgerror.Newf(pgcode.InvalidDatetimeFormat, "invalid input syntax for type %s: \"%s\"", typeName, s)
}

// strtol reads what C's strtol would from s[i:] (blanks, a sign,
// digits). next is i when nothing was read; overflow reports a value
// outside int64 (checked by callers against narrower ranges).
func strtol(s string, i int) (v int64, next int, overflow bool) {
	j := i
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	neg := false
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		neg = s[j] == '-'
		j++
	}
	start := j
	for j < len(s) && isDigit(s[j]) {
		d := int64(s[j] - '0')
		if v > (math.MaxInt64-d)/10 {
			overflow = true
		} else {
			v = v*10 + d
		}
		j++
	}
	if j == start {
		return 0, i, false
	}
	if neg {
		v = -v
	}
	return v, j, overflow
}

// strtoint is strtol limited to int32, as PostgreSQL's strtoint.
func strtoint(s string, i int) (int, int, bool) {
	v, next, of := strtol(s, i)
	if v > math.MaxInt32 || v < math.MinInt32 {
		of = true
	}
	return int(v), next, of
}

// parseFloatPrefix reads a C double at s[i:] that must end the string.
func parseFloatTail(s string) (float64, bool) {
	n, kind, _ := scanCFloat(s)
	if n != len(s) || kind != 'd' {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRangeErr(err) {
		return 0, false
	}
	return f, true
}

// parseFractionalSecond reads ".ddd" (s starts at the point) as
// microseconds, rounding as rint(frac * 1e6) does.
func parseFractionalSecond(s string) (int64, bool) {
	if s == "." {
		return 0, true
	}
	f, ok := parseFloatTail(s)
	if !ok {
		return 0, false
	}
	return int64(math.RoundToEven(f * 1e6)), true
}

// decodeTimeCommon is DecodeTimeCommon: "h:m", "h:m:s", "h:m:s.f", and
// "m:s.f" (a fraction after two fields means minutes and seconds). It
// also serves intervals, where hours may exceed 24.
func decodeTimeCommon(s string, rangeMask int) (hour int64, min, sec int, usec int64, e *dtErr) {
	h, i, of := strtol(s, 0)
	if of {
		return 0, 0, 0, 0, dterr(dtFieldOverflow)
	}
	if i >= len(s) || s[i] != ':' {
		return 0, 0, 0, 0, dterr(dtBadFormat)
	}
	hour = h
	var ok bool
	min, i, of = strtoint(s, i+1)
	if of {
		return 0, 0, 0, 0, dterr(dtFieldOverflow)
	}
	switch {
	case i == len(s):
		if rangeMask == intervalMask(tkMinute)|intervalMask(tkSecond) {
			if hour > math.MaxInt32 || hour < math.MinInt32 {
				return 0, 0, 0, 0, dterr(dtFieldOverflow)
			}
			sec, min, hour = min, int(hour), 0
		}
	case s[i] == '.':
		usec, ok = parseFractionalSecond(s[i:])
		if !ok {
			return 0, 0, 0, 0, dterr(dtBadFormat)
		}
		if hour > math.MaxInt32 || hour < math.MinInt32 {
			return 0, 0, 0, 0, dterr(dtFieldOverflow)
		}
		sec, min, hour = min, int(hour), 0
	case s[i] == ':':
		sec, i, of = strtoint(s, i+1)
		if of {
			return 0, 0, 0, 0, dterr(dtFieldOverflow)
		}
		if i < len(s) {
			if s[i] != '.' {
				return 0, 0, 0, 0, dterr(dtBadFormat)
			}
			usec, ok = parseFractionalSecond(s[i:])
			if !ok {
				return 0, 0, 0, 0, dterr(dtBadFormat)
			}
		}
	default:
		return 0, 0, 0, 0, dterr(dtBadFormat)
	}
	if hour < 0 || min < 0 || min > 59 || sec < 0 || sec > 60 || usec < 0 || usec > usPerSecond {
		return 0, 0, 0, 0, dterr(dtFieldOverflow)
	}
	return hour, min, sec, usec, nil
}

// decodeTime is DecodeTime for date/time input.
func decodeTime(s string, tm *pgTm) *dtErr {
	h, m, sec, us, e := decodeTimeCommon(s, intervalFullRange)
	if e != nil {
		return e
	}
	if h > math.MaxInt32 {
		return dterr(dtFieldOverflow)
	}
	tm.hour, tm.min, tm.sec, tm.fsec = int(h), m, sec, us
	return nil
}

// timeOverflows is time_overflows: fields in range and at most 24:00:00.
func timeOverflows(h, m, s int, fsec int64) bool {
	if h < 0 || h > 24 || m < 0 || m > 59 || s < 0 || s > 60 || fsec < 0 || fsec > usPerSecond {
		return true
	}
	return ((int64(h)*60+int64(m))*60+int64(s))*usPerSecond+fsec > usPerDay
}

// decodeTimezone is DecodeTimezone: "+hh", "+hhmm", "+hh:mm",
// "+hh:mm:ss". It returns seconds west.
func decodeTimezone(s string) (int, *dtErr) {
	if s == "" || (s[0] != '+' && s[0] != '-') {
		return 0, dterr(dtBadFormat)
	}
	hr, i, of := strtoint(s, 1)
	if of {
		return 0, dterr(dtTZDispOverflow)
	}
	min, sec := 0, 0
	switch {
	case i < len(s) && s[i] == ':':
		min, i, of = strtoint(s, i+1)
		if of {
			return 0, dterr(dtTZDispOverflow)
		}
		if i < len(s) && s[i] == ':' {
			sec, i, of = strtoint(s, i+1)
			if of {
				return 0, dterr(dtTZDispOverflow)
			}
		}
	case i == len(s) && len(s) > 3:
		min = hr % 100
		hr /= 100
	}
	if hr < 0 || hr > 15 || min < 0 || min >= 60 || sec < 0 || sec >= 60 {
		return 0, dterr(dtTZDispOverflow)
	}
	tz := (hr*60+min)*60 + sec
	if s[0] == '-' {
		tz = -tz
	}
	if i != len(s) {
		return 0, dterr(dtBadFormat)
	}
	return -tz, nil
}

// decodeNumberField is DecodeNumberField: digits run together, as
// yyyymmdd, yymmdd, hhmmss or hhmm, possibly with a fraction. It returns
// the kind decoded (dtkDate or dtkTime).
func decodeNumberField(s string, fmask int, tmask *int, tm *pgTm, is2digits *bool) (int, *dtErr) {
	if dot := strings.IndexByte(s, '.'); dot >= 0 {
		if dot+1 == len(s) {
			tm.fsec = 0
		} else {
			f, ok := parseFloatPrefix(s[dot:])
			if !ok {
				return 0, dterr(dtBadFormat)
			}
			tm.fsec = int64(math.RoundToEven(f * 1e6))
		}
		s = s[:dot]
	} else if fmask&dateMask != dateMask {
		if len(s) >= 6 {
			*tmask = dateMask
			tm.mday = atoi(s[len(s)-2:])
			tm.mon = atoi(s[len(s)-4 : len(s)-2])
			tm.year = atoi(s[:len(s)-4])
			if len(s)-4 == 2 {
				*is2digits = true
			}
			return dtkDate, nil
		}
	}
	if fmask&timeMask != timeMask {
		switch len(s) {
		case 6:
			*tmask = timeMask
			tm.sec = atoi(s[4:])
			tm.min = atoi(s[2:4])
			tm.hour = atoi(s[:2])
			return dtkTime, nil
		case 4:
			*tmask = timeMask
			tm.sec = 0
			tm.min = atoi(s[2:])
			tm.hour = atoi(s[:2])
			return dtkTime, nil
		}
	}
	return 0, dterr(dtBadFormat)
}

// parseFloatPrefix is strtod without the end check (DecodeNumberField
// ignores trailing junk after the fraction).
func parseFloatPrefix(s string) (float64, bool) {
	n, kind, _ := scanCFloat(s)
	if n == 0 || kind != 'd' {
		return 0, n != 0
	}
	f, err := strconv.ParseFloat(s[:n], 64)
	if err != nil && !isRangeErr(err) {
		return 0, false
	}
	return f, true
}

// atoi is glibc's atoi on a digit string: (int) strtol, so a value
// past the range of long saturates first and is then truncated to 32
// bits (a long run of digits becomes -1).
func atoi(s string) int {
	v, _, of := strtol(s, 0)
	if of {
		v = math.MaxInt64
		if strings.HasPrefix(strings.TrimLeft(s, " \t\n\v\f\r"), "-") {
			v = math.MinInt64
		}
	}
	return int(int32(v))
}

// decodeNumber is DecodeNumber: one numeric field whose meaning depends
// on the fields seen so far and the DateStyle order.
func decodeNumber(s string, haveTextMonth bool, fmask int, tmask *int, tm *pgTm, is2digits *bool, order dateOrder) *dtErr {
	*tmask = 0
	val, i, of := strtoint(s, 0)
	if of {
		return dterr(dtFieldOverflow)
	}
	if i == 0 {
		return dterr(dtBadFormat)
	}
	if i < len(s) {
		if s[i] != '.' {
			return dterr(dtBadFormat)
		}
		// More than two digits before the point: a date or run-together
		// time such as 20011225 or 040506.789.
		if i > 2 {
			if _, e := decodeNumberField(s, fmask|dateMask, tmask, tm, is2digits); e != nil {
				return e
			}
			return nil
		}
		us, ok := parseFractionalSecond(s[i:])
		if !ok {
			return dterr(dtBadFormat)
		}
		tm.fsec = us
	}
	flen := len(s)
	// A three-digit number after a year is a day of the year.
	if flen == 3 && fmask&dateMask == mask(tkYear) && val >= 1 && val <= 366 {
		*tmask = mask(tkDOY) | mask(tkMonth) | mask(tkDay)
		tm.yday = val
		return nil
	}
	switch fmask & dateMask {
	case 0:
		// Nothing yet: a year if it has more than two digits (ISO order),
		// else the first field of the DateStyle order.
		switch {
		case flen >= 3 || order == orderYMD:
			*tmask = mask(tkYear)
			tm.year = val
		case order == orderDMY:
			*tmask = mask(tkDay)
			tm.mday = val
		default:
			*tmask = mask(tkMonth)
			tm.mon = val
		}
	case mask(tkYear):
		*tmask = mask(tkMonth)
		tm.mon = val
	case mask(tkMonth):
		if haveTextMonth {
			if flen >= 3 || order == orderYMD {
				*tmask = mask(tkYear)
				tm.year = val
			} else {
				*tmask = mask(tkDay)
				tm.mday = val
			}
		} else {
			*tmask = mask(tkDay)
			tm.mday = val
		}
	case mask(tkYear) | mask(tkMonth):
		if haveTextMonth {
			if flen >= 3 && *is2digits {
				// DD-MON-YYYY: the first number was the day after all.
				*tmask = mask(tkDay)
				tm.mday = tm.year
				tm.year = val
				*is2digits = false
			} else {
				*tmask = mask(tkDay)
				tm.mday = val
			}
		} else {
			*tmask = mask(tkDay)
			tm.mday = val
		}
	case mask(tkDay):
		*tmask = mask(tkMonth)
		tm.mon = val
	case mask(tkMonth) | mask(tkDay):
		*tmask = mask(tkYear)
		tm.year = val
	case dateMask:
		// The date is complete: this must be a run-together time.
		if _, e := decodeNumberField(s, fmask, tmask, tm, is2digits); e != nil {
			return e
		}
		return nil
	default:
		return dterr(dtBadFormat)
	}
	if *tmask == mask(tkYear) {
		*is2digits = flen <= 2
	}
	return nil
}

// decodeDate is DecodeDate: a date written as one field with
// separators, possibly with a month name ("2024-01-31", "31.01.2024",
// "jan-31-2024").
func decodeDate(s string, fmask int, tmask *int, is2digits *bool, tm *pgTm, order dateOrder) *dtErr {
	*tmask = 0
	var parts []string
	for i := 0; i < len(s) && len(parts) < maxDateFields; {
		for i < len(s) && !isAlnum(s[i]) {
			i++
		}
		if i >= len(s) {
			return dterr(dtBadFormat)
		}
		start := i
		if isDigit(s[i]) {
			for i < len(s) && isDigit(s[i]) {
				i++
			}
		} else if isAlpha(s[i]) {
			for i < len(s) && isAlpha(s[i]) {
				i++
			}
		}
		parts = append(parts, s[start:i])
		if i < len(s) {
			i++ // drop one separator, as PostgreSQL overwrites it
		}
	}
	haveTextMonth := false
	for k, p := range parts {
		if p == "" || !isAlpha(p[0]) {
			continue
		}
		tok, ok := lookupToken(dateTokens, p)
		if ok && tok.class == tkIgnore {
			// Skipped here but left in place: the numeric pass below
			// then refuses it, as DecodeDate does ("on-2024-01-31").
			continue
		}
		if !ok || tok.class != tkMonth {
			return dterr(dtBadFormat)
		}
		tm.mon = tok.value
		haveTextMonth = true
		dmask := mask(tkMonth)
		if fmask&dmask != 0 {
			return dterr(dtBadFormat)
		}
		fmask |= dmask
		*tmask |= dmask
		parts[k] = ""
	}
	for _, p := range parts {
		if p == "" {
			continue
		}
		var dmask int
		if e := decodeNumber(p, haveTextMonth, fmask, &dmask, tm, is2digits, order); e != nil {
			return e
		}
		if fmask&dmask != 0 {
			return dterr(dtBadFormat)
		}
		fmask |= dmask
		*tmask |= dmask
	}
	if fmask&^(mask(tkDOY)|mask(tkTZ)) != dateMask {
		return dterr(dtBadFormat)
	}
	return nil
}

// validateDate is ValidateDate: AD/BC and two-digit years, day of year,
// and field ranges.
func validateDate(fmask int, isJulian, is2digits, isBC bool, tm *pgTm) *dtErr {
	if fmask&mask(tkYear) != 0 {
		switch {
		case isJulian:
			// The year came from a Julian day: already astronomical.
		case isBC:
			if tm.year <= 0 {
				return dterr(dtFieldOverflow)
			}
			tm.year = -(tm.year - 1)
		case is2digits:
			if tm.year < 0 {
				return dterr(dtFieldOverflow)
			}
			if tm.year < 70 {
				tm.year += 2000
			} else if tm.year < 100 {
				tm.year += 1900
			}
		default:
			if tm.year <= 0 {
				return dterr(dtFieldOverflow)
			}
		}
	}
	if fmask&mask(tkDOY) != 0 {
		tm.year, tm.mon, tm.mday = j2date32(date2j32(tm.year, 1, 1) + int32(tm.yday) - 1)
	}
	if fmask&mask(tkMonth) != 0 && (tm.mon < 1 || tm.mon > 12) {
		return dterr(dtMDFieldOverflow)
	}
	if fmask&mask(tkDay) != 0 && (tm.mday < 1 || tm.mday > 31) {
		return dterr(dtMDFieldOverflow)
	}
	if fmask&dateMask == dateMask && tm.mday > daysInMonth(tm.year, tm.mon) {
		return dterr(dtFieldOverflow)
	}
	return nil
}

// zoneToken classifies a word as a zone abbreviation.
func zoneToken(s string) (dtToken, tzAbbrev, bool) {
	a, ok := tzAbbrevs[s]
	if !ok {
		return dtToken{}, a, false
	}
	switch {
	case a.zone != "":
		return dtToken{class: tkDynTZ}, a, true
	case a.dst:
		return dtToken{class: tkDTZ, value: a.offset}, a, true
	}
	return dtToken{class: tkTZ, value: a.offset}, a, true
}

func errZoneNotRecognized(name string) *dtErr {
	return &dtErr{err: pgerror.Newf(pgcode.InvalidParameterValue, "time zone \"%s\" not recognized", name)}
}

func errNowUnsupported(word string) *dtErr {
	return &dtErr{err: pgerror.Newf(pgcode.FeatureNotSupported, "date/time value \"%s\" needs the transaction time, which is not available here", word)}
}
