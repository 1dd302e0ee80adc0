package types

import (
	"encoding/binary"
	"time"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// epochTimestamp is 1970-01-01 00:00:00 as µs since 2000-01-01.
const epochTimestamp = -unixEpochMicros

// tm2timestamp is tm2timestamp: the broken-down time, shifted by a zone
// given in seconds west (when withTZ), as µs since 2000-01-01; false when
// out of range.
func tm2timestamp(tm *pgTm, withTZ bool, tzWest int) (int64, bool) {
	if !validJulian(tm.year, tm.mon) {
		return 0, false
	}
	date := int64(date2j(tm.year, tm.mon, tm.mday) - pgEpochJDate)
	// time2t: hours, minutes and seconds combine in (wrapping) 32-bit
	// arithmetic, which labelled input such as "h2147483647" reaches.
	t := int64((int32(tm.hour)*60+int32(tm.min))*60+int32(tm.sec))*usPerSecond + tm.fsec
	r, ok := mulInt64(date, usPerDay)
	if !ok {
		return 0, false
	}
	if r, ok = addInt64(r, t); !ok {
		return 0, false
	}
	// Allow 24:00:00 at the end of a day but not a wrap of the sign.
	if (r < 0 && date > 0) || (r > 0 && date < -1) {
		return 0, false
	}
	if withTZ {
		if r, ok = addInt64(r, int64(tzWest)*usPerSecond); !ok {
			return 0, false
		}
	}
	if !validTimestamp(r) {
		return 0, false
	}
	return r, true
}

// parseTimestamp is timestamp_in (withTZ false) and timestamptz_in.
func parseTimestamp(s string, withTZ bool, typmod int32, fs *FormatSettings) (int64, error) {
	typeName := "timestamp"
	if withTZ {
		typeName = "timestamp with time zone"
	}
	f, code := parseDateTimeFields(s, timestampBufLen)
	if code != dtOK {
		return 0, dterr(code).report(s, typeName)
	}
	tm, dtype, e := decodeDateTime(f, fs)
	if e != nil {
		return 0, e.report(s, typeName)
	}
	var r int64
	switch dtype {
	case dtkDate:
		tz := 0
		if withTZ {
			tz = tm.resolveZone(fs)
		}
		var ok bool
		if r, ok = tm2timestamp(&tm, withTZ, tz); !ok {
			return 0, pgerror.Newf(pgcode.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", s)
		}
	case dtkEpoch:
		r = epochTimestamp
	case dtkLate:
		return int64(TimestampInfinity), nil
	case dtkEarly:
		return int64(TimestampNegInfinity), nil
	default:
		return 0, dterr(dtBadFormat).report(s, typeName)
	}
	return roundTimestamp(r, typmod), nil
}

// roundTimestamp is AdjustTimestampForTypmod.
func roundTimestamp(t int64, typmod int32) int64 {
	if t == int64(TimestampInfinity) || t == int64(TimestampNegInfinity) {
		return t
	}
	return roundMicros(t, typmod)
}

// splitTimestamp breaks µs since 2000-01-01 into calendar fields.
func splitTimestamp(t int64) (y, mo, d int, h, mi, s, fsec int64) {
	date := floorDiv(t, usPerDay)
	tod := t - date*usPerDay
	y, mo, d = j2date(int(date) + pgEpochJDate)
	h = tod / usPerHour
	tod -= h * usPerHour
	mi = tod / usPerMinute
	tod -= mi * usPerMinute
	s = tod / usPerSecond
	return y, mo, d, h, mi, s, tod - s*usPerSecond
}

// appendTimestamp is timestamp_out (tz nil) and timestamptz_out, which
// shows the instant in the session zone.
func appendTimestamp(dst []byte, t int64, loc *time.Location, fs *FormatSettings) []byte {
	switch t {
	case int64(TimestampInfinity):
		return append(dst, "infinity"...)
	case int64(TimestampNegInfinity):
		return append(dst, "-infinity"...)
	}
	offset, abbrev := 0, ""
	if loc != nil {
		unix := floorDiv(t, usPerSecond) + unixEpochDays*secsPerDay
		offset, abbrev = zoneAt(unix, loc)
		t += int64(offset) * usPerSecond
	}
	y, mo, d, h, mi, s, fsec := splitTimestamp(t)
	style, order := parseDateStyle(fs.DateStyle)
	timePart := func(dst []byte) []byte {
		dst = appendPad2(dst, uint64(h))
		dst = append(dst, ':')
		dst = appendPad2(dst, uint64(mi))
		dst = append(dst, ':')
		return appendSeconds(dst, s, fsec, true)
	}
	zone := func(dst []byte, numericOnly bool) []byte {
		if loc == nil {
			return dst
		}
		if !numericOnly && abbrev != "" {
			dst = append(dst, ' ')
			return append(dst, abbrev...)
		}
		return appendZoneOffset(dst, offset)
	}
	switch style {
	case styleSQL, styleGerman:
		if style == styleGerman {
			dst = appendPad2(dst, uint64(d))
			dst = append(dst, '.')
			dst = appendPad2(dst, uint64(mo))
			dst = append(dst, '.')
		} else if order == orderDMY {
			dst = appendPad2(dst, uint64(d))
			dst = append(dst, '/')
			dst = appendPad2(dst, uint64(mo))
			dst = append(dst, '/')
		} else {
			dst = appendPad2(dst, uint64(mo))
			dst = append(dst, '/')
			dst = appendPad2(dst, uint64(d))
			dst = append(dst, '/')
		}
		dst = appendYear(dst, y)
		dst = append(dst, ' ')
		dst = timePart(dst)
		dst = zone(dst, false)
	case stylePostgres:
		dst = append(dst, dayAbbrevs[j2day(date2j(y, mo, d))]...)
		dst = append(dst, ' ')
		if order == orderDMY {
			dst = appendPad2(dst, uint64(d))
			dst = append(dst, ' ')
			dst = append(dst, monthAbbrevs[mo-1]...)
		} else {
			dst = append(dst, monthAbbrevs[mo-1]...)
			dst = append(dst, ' ')
			dst = appendPad2(dst, uint64(d))
		}
		dst = append(dst, ' ')
		dst = timePart(dst)
		dst = append(dst, ' ')
		dst = appendYear(dst, y)
		if loc != nil && abbrev == "" {
			dst = append(dst, ' ')
		}
		dst = zone(dst, false)
	default:
		dst = appendYear(dst, y)
		dst = append(dst, '-')
		dst = appendPad2(dst, uint64(mo))
		dst = append(dst, '-')
		dst = appendPad2(dst, uint64(d))
		dst = append(dst, ' ')
		dst = timePart(dst)
		dst = zone(dst, true)
	}
	if y <= 0 {
		dst = append(dst, " BC"...)
	}
	return dst
}

// appendZoneOffset is EncodeTimezone: +hh, +hh:mm or +hh:mm:ss, showing
// only the parts that are not zero.
func appendZoneOffset(dst []byte, east int) []byte {
	sign := byte('+')
	if east < 0 {
		sign = '-'
		east = -east
	}
	h, m, s := east/3600, east/60%60, east%60
	dst = append(dst, sign)
	dst = appendPad2(dst, uint64(h))
	if m != 0 || s != 0 {
		dst = append(dst, ':')
		dst = appendPad2(dst, uint64(m))
	}
	if s != 0 {
		dst = append(dst, ':')
		dst = appendPad2(dst, uint64(s))
	}
	return dst
}

// String returns the timestamp in ISO style.
func (ts Timestamp) String() string {
	return string(appendTimestamp(nil, int64(ts), nil, &defaultSettings))
}

// String returns the instant in ISO style in UTC.
func (ts TimestampTZ) String() string {
	return string(appendTimestamp(nil, int64(ts), time.UTC, &defaultSettings))
}

func decodeTimestamp8(b []byte, typmod int32) (int64, error) {
	if len(b) < 8 {
		return 0, errInsufficientData()
	}
	if len(b) > 8 {
		return 0, errBinaryFormat()
	}
	t := int64(binary.BigEndian.Uint64(b))
	if t != int64(TimestampInfinity) && t != int64(TimestampNegInfinity) && !validTimestamp(t) {
		return 0, pgerror.New(pgcode.DatetimeFieldOverflow, "timestamp out of range")
	}
	return roundTimestamp(t, typmod), nil
}
