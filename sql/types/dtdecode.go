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

// atoi is C's atoi on a digit string (overflow wraps, as it may in C;
// the digit strings here are short).
func atoi(s string) int {
	v, _, _ := strtol(s, 0)
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
			parts[k] = ""
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
		tm.year, tm.mon, tm.mday = j2date(date2j(tm.year, 1, 1) + tm.yday - 1)
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

// decodeDateTime is DecodeDateTime. It returns the kind of value
// (dtkDate, or dtkEpoch/dtkLate/dtkEarly for the special words).
func decodeDateTime(f []dtField, fs *FormatSettings) (pgTm, int, *dtErr) {
	var tm pgTm
	_, order := parseDateStyle(fs.DateStyle)
	dtype := dtkDate
	fmask, tmask := 0, 0
	ptype := 0
	mer := hr24
	haveTextMonth, is2digits, isBC, isJulian := false, false, false, false
	tm.isdst = -1

	for i := 0; i < len(f); i++ {
		fld := f[i].text
		switch f[i].typ {
		case ftDate:
			switch {
			case ptype != 0 || fmask&(mask(tkMonth)|mask(tkDay)) == mask(tkMonth)|mask(tkDay):
				// A date is complete: this is a zone name with
				// punctuation, or hhmmss-zz after an ISO "T".
				if isDigit(fld[0]) || ptype != 0 {
					if ptype != 0 {
						if ptype != dtkTime {
							return tm, 0, dterr(dtBadFormat)
						}
						ptype = 0
					}
					if fmask&timeMask == timeMask {
						return tm, 0, dterr(dtBadFormat)
					}
					cp := strings.IndexByte(fld, '-')
					if cp < 0 {
						return tm, 0, dterr(dtBadFormat)
					}
					tz, e := decodeTimezone(fld[cp:])
					if e != nil {
						return tm, 0, e
					}
					tm.tzWest = tz
					if _, e := decodeNumberField(fld[:cp], fmask, &tmask, &tm, &is2digits); e != nil {
						return tm, 0, e
					}
					tmask |= mask(tkTZ)
				} else {
					loc, ok := LoadTimeZone(f[i].orig)
					if !ok {
						return tm, 0, errZoneNotRecognized(fld)
					}
					tm.namedTZ = loc
					tmask = mask(tkTZ)
				}
			default:
				if e := decodeDate(fld, fmask, &tmask, &is2digits, &tm, order); e != nil {
					return tm, 0, e
				}
			}

		case ftTime:
			if ptype != 0 {
				if ptype != dtkTime {
					return tm, 0, dterr(dtBadFormat)
				}
				ptype = 0
			}
			tmask = timeMask
			if e := decodeTime(fld, &tm); e != nil {
				return tm, 0, e
			}
			if timeOverflows(tm.hour, tm.min, tm.sec, tm.fsec) {
				return tm, 0, dterr(dtFieldOverflow)
			}

		case ftTZ:
			tz, e := decodeTimezone(fld)
			if e != nil {
				return tm, 0, e
			}
			tm.tzWest = tz
			tmask = mask(tkTZ)

		case ftNumber:
			if ptype != 0 {
				// A field after a label: "J" (Julian day) or the ISO "T".
				// Other labels (y2001m02d04) are not supported.
				val, next, of := strtoint(fld, 0)
				if of {
					return tm, 0, dterr(dtFieldOverflow)
				}
				if next < len(fld) && fld[next] != '.' {
					return tm, 0, dterr(dtBadFormat)
				}
				switch ptype {
				case dtkJulian:
					if val < 0 {
						return tm, 0, dterr(dtFieldOverflow)
					}
					tmask = dateMask
					tm.year, tm.mon, tm.mday = j2date(val)
					isJulian = true
					if next < len(fld) {
						frac, ok := parseFraction(fld[next:])
						if !ok {
							return tm, 0, dterr(dtBadFormat)
						}
						us := int64(frac * usPerDay)
						tm.hour, tm.min, tm.sec = int(us/usPerHour), int(us/usPerMinute%60), int(us/usPerSecond%60)
						tm.fsec = us % usPerSecond
						tmask |= timeMask
					}
				case dtkTime:
					if _, e := decodeNumberField(fld, fmask|dateMask, &tmask, &tm, &is2digits); e != nil {
						return tm, 0, e
					}
					if tmask != timeMask {
						return tm, 0, dterr(dtBadFormat)
					}
				default:
					return tm, 0, dterr(dtBadFormat)
				}
				ptype = 0
				dtype = dtkDate
				break
			}
			flen := len(fld)
			dot := strings.IndexByte(fld, '.')
			switch {
			case dot >= 0 && fmask&dateMask == 0:
				if e := decodeDate(fld, fmask, &tmask, &is2digits, &tm, order); e != nil {
					return tm, 0, e
				}
			case dot > 2:
				if _, e := decodeNumberField(fld, fmask, &tmask, &tm, &is2digits); e != nil {
					return tm, 0, e
				}
			case flen >= 6 && (fmask&dateMask == 0 || fmask&timeMask == 0):
				if _, e := decodeNumberField(fld, fmask, &tmask, &tm, &is2digits); e != nil {
					return tm, 0, e
				}
			default:
				if e := decodeNumber(fld, haveTextMonth, fmask, &tmask, &tm, &is2digits, order); e != nil {
					return tm, 0, e
				}
			}

		case ftString, ftSpecial:
			tok, abbr, isZone := zoneToken(fld)
			if !isZone {
				var ok bool
				tok, ok = lookupToken(dateTokens, fld)
				if !ok {
					tok = dtToken{class: tkUnknown}
				}
			}
			if tok.class == tkIgnore {
				continue
			}
			tmask = mask(tok.class)
			switch tok.class {
			case tkReserv:
				switch tok.value {
				case dtkNow:
					tmask = dateMask | timeMask | mask(tkTZ)
					if fs.Now.IsZero() {
						return tm, 0, errNowUnsupported(fld)
					}
					now := fs.Now.In(fs.location())
					setTmFromTime(&tm, now)
					_, off := now.Zone()
					tm.tzWest = -off
				case dtkToday, dtkTomorrow, dtkYesterday:
					tmask = dateMask
					if fs.Now.IsZero() {
						return tm, 0, errNowUnsupported(fld)
					}
					now := fs.Now.In(fs.location())
					j := date2j(now.Year(), int(now.Month()), now.Day())
					switch tok.value {
					case dtkTomorrow:
						j++
					case dtkYesterday:
						j--
					}
					tm.year, tm.mon, tm.mday = j2date(j)
				case dtkZulu:
					tmask = timeMask | mask(tkTZ)
					tm.hour, tm.min, tm.sec = 0, 0, 0
					tm.tzWest = 0
				default:
					dtype = tok.value
				}
			case tkMonth:
				// A numeric month already read may really be the day
				// ("31 jan" after "31").
				if fmask&mask(tkMonth) != 0 && !haveTextMonth && fmask&mask(tkDay) == 0 && tm.mon >= 1 && tm.mon <= 31 {
					tm.mday = tm.mon
					tmask = mask(tkDay)
				}
				haveTextMonth = true
				tm.mon = tok.value
			case tkDTZMod:
				tmask |= mask(tkDTZ)
				tm.isdst = 1
				tm.tzWest -= tok.value
			case tkDTZ:
				tmask |= mask(tkTZ)
				tm.isdst = 1
				tm.tzWest = -tok.value
			case tkTZ:
				tm.isdst = 0
				tm.tzWest = -tok.value
			case tkDynTZ:
				tmask |= mask(tkTZ)
				loc, ok := LoadTimeZone(abbr.zone)
				if !ok {
					return tm, 0, errZoneNotRecognized(abbr.zone)
				}
				tm.dynZone, tm.dynAbbrev = loc, fld
			case tkAmPm:
				mer = tok.value
			case tkADBC:
				isBC = tok.value == bc
			case tkDOW:
			case tkUnits:
				tmask = 0
				ptype = tok.value
			case tkISOTime:
				tmask = 0
				if fmask&dateMask != dateMask {
					return tm, 0, dterr(dtBadFormat)
				}
				if i >= len(f)-1 || (f[i+1].typ != ftNumber && f[i+1].typ != ftTime && f[i+1].typ != ftDate) {
					return tm, 0, dterr(dtBadFormat)
				}
				ptype = tok.value
			case tkUnknown:
				loc, ok := LoadTimeZone(f[i].orig)
				if !ok {
					return tm, 0, dterr(dtBadFormat)
				}
				tm.namedTZ = loc
				tmask = mask(tkTZ)
			default:
				return tm, 0, dterr(dtBadFormat)
			}

		default:
			return tm, 0, dterr(dtBadFormat)
		}
		if tmask&fmask != 0 {
			return tm, 0, dterr(dtBadFormat)
		}
		fmask |= tmask
	}

	if e := validateDate(fmask, isJulian, is2digits, isBC, &tm); e != nil {
		return tm, 0, e
	}
	if e := applyMeridian(mer, &tm); e != nil {
		return tm, 0, e
	}
	if dtype == dtkDate {
		if fmask&dateMask != dateMask {
			return tm, 0, dterr(dtBadFormat)
		}
		tm.haveTZ = fmask&mask(tkTZ) != 0
		if (tm.namedTZ != nil || tm.dynZone != nil) && fmask&mask(tkDTZMod) != 0 {
			return tm, 0, dterr(dtBadFormat)
		}
		if !tm.haveTZ && fmask&mask(tkDTZMod) != 0 {
			return tm, 0, dterr(dtBadFormat)
		}
	}
	return tm, dtype, nil
}

func applyMeridian(mer int, tm *pgTm) *dtErr {
	if mer != hr24 && tm.hour > 12 {
		return dterr(dtFieldOverflow)
	}
	if mer == am && tm.hour == 12 {
		tm.hour = 0
	} else if mer == pm && tm.hour != 12 {
		tm.hour += 12
	}
	return nil
}

func setTmFromTime(tm *pgTm, t time.Time) {
	tm.year, tm.mon, tm.mday = t.Year(), int(t.Month()), t.Day()
	tm.hour, tm.min, tm.sec = t.Hour(), t.Minute(), t.Second()
	tm.fsec = int64(t.Nanosecond() / 1000)
}

// resolveZone returns the offset (seconds west) that applies to the
// decoded local time: the zone given in the input, resolved at that
// date for names, or the session zone.
func (tm *pgTm) resolveZone(fs *FormatSettings) int {
	local := localSeconds(tm)
	switch {
	case tm.namedTZ != nil:
		return -localOffset(local, tm.namedTZ)
	case tm.dynZone != nil:
		return -abbrevOffset(local, tm.dynAbbrev, tm.dynZone)
	case tm.haveTZ:
		return tm.tzWest
	}
	return -localOffset(local, fs.location())
}

// localSeconds is the broken-down time as seconds since the Unix epoch,
// as if it were UTC.
func localSeconds(tm *pgTm) int64 {
	days := int64(date2j(tm.year, tm.mon, tm.mday) - unixEpochJDate)
	return days*secsPerDay + int64(tm.hour)*3600 + int64(tm.min)*60 + int64(tm.sec)
}

// decodeTimeOnly is DecodeTimeOnly, for type time: a date may precede
// the time and a zone may follow; both are accepted and ignored.
func decodeTimeOnly(f []dtField, fs *FormatSettings) (pgTm, *dtErr) {
	var tm pgTm
	_, order := parseDateStyle(fs.DateStyle)
	fmask, tmask := 0, 0
	ptype := 0
	mer := hr24
	is2digits, isBC := false, false
	var namedTZ *time.Location
	nf := len(f)

	for i := 0; i < nf; i++ {
		fld := f[i].text
		switch f[i].typ {
		case ftDate:
			if i == 0 && nf >= 2 && (f[nf-1].typ == ftDate || f[1].typ == ftTime) {
				if e := decodeDate(fld, fmask, &tmask, &is2digits, &tm, order); e != nil {
					return tm, e
				}
			} else if isDigit(fld[0]) {
				if fmask&timeMask == timeMask {
					return tm, dterr(dtBadFormat)
				}
				cp := strings.IndexByte(fld, '-')
				if cp < 0 {
					return tm, dterr(dtBadFormat)
				}
				if _, e := decodeTimezone(fld[cp:]); e != nil {
					return tm, e
				}
				if _, e := decodeNumberField(fld[:cp], fmask|dateMask, &tmask, &tm, &is2digits); e != nil {
					return tm, e
				}
				tmask |= mask(tkTZ)
			} else {
				loc, ok := LoadTimeZone(f[i].orig)
				if !ok {
					return tm, errZoneNotRecognized(fld)
				}
				namedTZ = loc
				tmask = mask(tkTZ)
			}

		case ftTime:
			tmask = timeMask
			if e := decodeTime(fld, &tm); e != nil {
				return tm, e
			}

		case ftTZ:
			if _, e := decodeTimezone(fld); e != nil {
				return tm, e
			}
			tmask = mask(tkTZ)

		case ftNumber:
			if ptype != 0 {
				_, next, of := strtoint(fld, 0)
				if of {
					return tm, dterr(dtFieldOverflow)
				}
				if next < len(fld) && fld[next] != '.' {
					return tm, dterr(dtBadFormat)
				}
				if ptype != dtkTime {
					return tm, dterr(dtBadFormat)
				}
				if _, e := decodeNumberField(fld, fmask|dateMask, &tmask, &tm, &is2digits); e != nil {
					return tm, e
				}
				if tmask != timeMask {
					return tm, dterr(dtBadFormat)
				}
				ptype = 0
				break
			}
			flen := len(fld)
			dot := strings.IndexByte(fld, '.')
			switch {
			case dot >= 0:
				switch {
				case i == 0 && nf >= 2 && f[nf-1].typ == ftDate:
					if e := decodeDate(fld, fmask, &tmask, &is2digits, &tm, order); e != nil {
						return tm, e
					}
				case dot > 2:
					if _, e := decodeNumberField(fld, fmask|dateMask, &tmask, &tm, &is2digits); e != nil {
						return tm, e
					}
				default:
					return tm, dterr(dtBadFormat)
				}
			case flen > 4:
				if _, e := decodeNumberField(fld, fmask|dateMask, &tmask, &tm, &is2digits); e != nil {
					return tm, e
				}
			default:
				if e := decodeNumber(fld, false, fmask|dateMask, &tmask, &tm, &is2digits, order); e != nil {
					return tm, e
				}
			}

		case ftString, ftSpecial:
			tok, _, isZone := zoneToken(fld)
			if !isZone {
				var ok bool
				tok, ok = lookupToken(dateTokens, fld)
				if !ok {
					tok = dtToken{class: tkUnknown}
				}
			}
			if tok.class == tkIgnore {
				continue
			}
			tmask = mask(tok.class)
			switch tok.class {
			case tkReserv:
				switch tok.value {
				case dtkNow:
					tmask = timeMask
					if fs.Now.IsZero() {
						return tm, errNowUnsupported(fld)
					}
					setTmFromTime(&tm, fs.Now.In(fs.location()))
				case dtkZulu:
					tmask = timeMask | mask(tkTZ)
					tm.hour, tm.min, tm.sec = 0, 0, 0
				default:
					return tm, dterr(dtBadFormat)
				}
			case tkDTZMod:
				tmask |= mask(tkDTZ)
			case tkDTZ:
				tmask |= mask(tkTZ)
			case tkTZ:
			case tkDynTZ:
				tmask |= mask(tkTZ)
			case tkAmPm:
				mer = tok.value
			case tkADBC:
				isBC = tok.value == bc
			case tkUnits:
				tmask = 0
				ptype = tok.value
			case tkISOTime:
				tmask = 0
				if i >= nf-1 || (f[i+1].typ != ftNumber && f[i+1].typ != ftTime && f[i+1].typ != ftDate) {
					return tm, dterr(dtBadFormat)
				}
				ptype = tok.value
			case tkUnknown:
				loc, ok := LoadTimeZone(f[i].orig)
				if !ok {
					return tm, dterr(dtBadFormat)
				}
				namedTZ = loc
				tmask = mask(tkTZ)
			default:
				return tm, dterr(dtBadFormat)
			}

		default:
			return tm, dterr(dtBadFormat)
		}
		if tmask&fmask != 0 {
			return tm, dterr(dtBadFormat)
		}
		fmask |= tmask
	}
	if e := validateDate(fmask, false, is2digits, isBC, &tm); e != nil {
		return tm, e
	}
	if e := applyMeridian(mer, &tm); e != nil {
		return tm, e
	}
	if timeOverflows(tm.hour, tm.min, tm.sec, tm.fsec) {
		return tm, dterr(dtFieldOverflow)
	}
	if fmask&timeMask != timeMask {
		return tm, dterr(dtBadFormat)
	}
	// A zone name whose offset varies needs a date to be meaningful.
	if namedTZ != nil {
		if fmask&mask(tkDTZMod) != 0 {
			return tm, dterr(dtBadFormat)
		}
		if !fixedZone(namedTZ) && fmask&dateMask != dateMask {
			return tm, dterr(dtBadFormat)
		}
	}
	return tm, nil
}

// fixedZone reports whether a zone has a single UTC offset (no
// transitions), so that it can apply to a time without a date.
func fixedZone(loc *time.Location) bool {
	s, e := time.Now().In(loc).ZoneBounds()
	return s.IsZero() && e.IsZero()
}
