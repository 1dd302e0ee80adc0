// DecodeDateTime and DecodeTimeOnly: the field-by-field decisions of
// date, timestamp and time input.

package types

import (
	"strings"
	"time"
)

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
			case ptype == dtkJulian:
				// A Julian day with a zone attached: "J2451187-08".
				jday, next, of := strtoint(fld, 0)
				if of || jday < 0 {
					return tm, 0, dterr(dtFieldOverflow)
				}
				tm.year, tm.mon, tm.mday = j2date(jday)
				isJulian = true
				tz, e := decodeTimezone(fld[next:])
				if e != nil {
					return tm, 0, e
				}
				tm.tzWest = tz
				tmask = dateMask | timeMask | mask(tkTZ)
				ptype = 0
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
				// A field after a label: "J" (Julian day), the ISO "T",
				// or the y2001m02d04 form.
				if e := decodeLabeledNumber(fld, ptype, fmask, &tmask, &tm, &isJulian, &is2digits); e != nil {
					return tm, 0, e
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
				// Words that give fields make the value an ordinary date
				// again after "epoch" or "infinity" ("epoch allballs").
				switch tok.value {
				case dtkNow:
					tmask = dateMask | timeMask | mask(tkTZ)
					dtype = dtkDate
					if fs.Now.IsZero() {
						return tm, 0, errNowUnsupported(fld)
					}
					now := fs.Now.In(fs.location())
					setTmFromTime(&tm, now)
					_, off := now.Zone()
					tm.tzWest = -off
				case dtkToday, dtkTomorrow, dtkYesterday:
					tmask = dateMask
					dtype = dtkDate
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
					dtype = dtkDate
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
	is2digits, isBC, isJulian := false, false, false
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
				if e := decodeLabeledNumber(fld, ptype, fmask, &tmask, &tm, &isJulian, &is2digits); e != nil {
					return tm, e
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
	if e := validateDate(fmask, isJulian, is2digits, isBC, &tm); e != nil {
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
	if _, ok := sameOffsetZones.Load(loc); ok {
		return true
	}
	s, e := time.Now().In(loc).ZoneBounds()
	return s.IsZero() && e.IsZero()
}

// decodeLabeledNumber reads a number that follows a label word: "j"
// (a Julian day, possibly with a fraction of a day), the ISO "t" (a
// run-together time), or one of the unit letters of the undocumented
// y2001m02d04h04mm05s06 form that PostgreSQL 15 still accepts.
func decodeLabeledNumber(fld string, ptype, fmask int, tmask *int, tm *pgTm, isJulian, is2digits *bool) *dtErr {
	val, next, of := strtoint(fld, 0)
	if of {
		return dterr(dtFieldOverflow)
	}
	if next < len(fld) {
		if fld[next] != '.' {
			return dterr(dtBadFormat)
		}
		// Only these may carry a fraction.
		if ptype != dtkJulian && ptype != dtkTime && ptype != dtkSecond {
			return dterr(dtBadFormat)
		}
	}
	switch ptype {
	case dtkYear:
		tm.year = val
		*tmask = mask(tkYear)
	case dtkMonth:
		// With a month and an hour already, "m" means minutes.
		if fmask&mask(tkMonth) != 0 && fmask&mask(tkHour) != 0 {
			tm.min = val
			*tmask = mask(tkMinute)
		} else {
			tm.mon = val
			*tmask = mask(tkMonth)
		}
	case dtkDay:
		tm.mday = val
		*tmask = mask(tkDay)
	case dtkHour:
		tm.hour = val
		*tmask = mask(tkHour)
	case dtkMinute:
		tm.min = val
		*tmask = mask(tkMinute)
	case dtkSecond:
		tm.sec = val
		*tmask = mask(tkSecond)
		if next < len(fld) {
			us, ok := parseFractionalSecond(fld[next:])
			if !ok {
				return dterr(dtBadFormat)
			}
			tm.fsec = us
			*tmask = allSecsMask
		}
	case dtkJulian:
		if val < 0 {
			return dterr(dtFieldOverflow)
		}
		*tmask = dateMask
		tm.year, tm.mon, tm.mday = j2date32(int32(val))
		*isJulian = true
		if next < len(fld) {
			frac, ok := parseFraction(fld[next:])
			if !ok {
				return dterr(dtBadFormat)
			}
			us := int64(frac * usPerDay)
			tm.hour, tm.min, tm.sec = int(us/usPerHour), int(us/usPerMinute%60), int(us/usPerSecond%60)
			tm.fsec = us % usPerSecond
			*tmask |= timeMask
		}
	case dtkTime:
		if _, e := decodeNumberField(fld, fmask|dateMask, tmask, tm, is2digits); e != nil {
			return e
		}
		if *tmask != timeMask {
			return dterr(dtBadFormat)
		}
	default:
		return dterr(dtBadFormat)
	}
	return nil
}
