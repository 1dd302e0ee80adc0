package types

import (
	"math"
	"time"
)

// Datum is one SQL value; nil is SQL NULL. The Go type of a non-NULL Datum
// depends on its SQL type, as the package documentation tables.
type Datum = any

// Date is a date as PostgreSQL stores it: days since 2000-01-01.
// DateInfinity and DateNegInfinity are 'infinity' and '-infinity'.
type Date int32

// TimeOfDay is a time without time zone: microseconds since midnight,
// from 0 to 86400000000 (24:00:00 is a valid time in PostgreSQL).
type TimeOfDay int64

// Timestamp is a timestamp without time zone: microseconds since
// 2000-01-01 00:00:00 on a clock that has no time zone.
type Timestamp int64

// TimestampTZ is a timestamp with time zone: microseconds since
// 2000-01-01 00:00:00 UTC. The zone is not stored; it only affects text
// input and output.
type TimestampTZ int64

// Interval is PostgreSQL's interval: months, days and microseconds are
// kept apart because their lengths vary (a month is not always 30 days, a
// day not always 24 hours across a DST change).
type Interval struct {
	Months int32
	Days   int32
	Micros int64
}

// UUID is a uuid's 16 bytes in network order.
type UUID [16]byte

// VoidValue is the value of type void (what a function returning void
// returns). It is not NULL: it prints as the empty string.
type VoidValue struct{}

// Infinite values of the date and timestamp types, as PostgreSQL encodes
// them (DATEVAL_NOBEGIN/NOEND, DT_NOBEGIN/NOEND).
const (
	DateInfinity           Date        = math.MaxInt32
	DateNegInfinity        Date        = math.MinInt32
	TimestampInfinity      Timestamp   = math.MaxInt64
	TimestampNegInfinity   Timestamp   = math.MinInt64
	TimestampTZInfinity    TimestampTZ = math.MaxInt64
	TimestampTZNegInfinity TimestampTZ = math.MinInt64
)

// Offsets between PostgreSQL's epoch (2000-01-01) and the Unix epoch.
const (
	unixEpochDays   = 10957 // days from 1970-01-01 to 2000-01-01
	usPerSecond     = 1000000
	usPerMinute     = 60 * usPerSecond
	usPerHour       = 60 * usPerMinute
	usPerDay        = 24 * usPerHour
	unixEpochMicros = unixEpochDays * usPerDay
	secsPerDay      = 86400
)

// pgEpoch is 2000-01-01 00:00:00 UTC, the zero of Date and Timestamp.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// IsFinite reports whether d is neither 'infinity' nor '-infinity'.
func (d Date) IsFinite() bool { return d != DateInfinity && d != DateNegInfinity }

// DateFromTime returns the calendar date of t in t's own location.
func DateFromTime(t time.Time) Date {
	y, m, dd := t.Date()
	return Date(date2j(y, int(m), dd) - pgEpochJDate)
}

// Time returns midnight UTC of a finite date; ok is false for infinities.
func (d Date) Time() (t time.Time, ok bool) {
	if !d.IsFinite() {
		return time.Time{}, false
	}
	y, m, dd := j2date(int(d) + pgEpochJDate)
	return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC), true
}

// DateFromUnixMicros returns the UTC date of a Unix time in microseconds.
func DateFromUnixMicros(us int64) Date {
	days := floorDiv(us, usPerDay) - unixEpochDays
	return Date(days)
}

// UnixMicros returns midnight UTC of a finite date as Unix microseconds.
func (d Date) UnixMicros() int64 { return (int64(d) + unixEpochDays) * usPerDay }

// IsFinite reports whether ts is neither 'infinity' nor '-infinity'.
func (ts Timestamp) IsFinite() bool {
	return ts != TimestampInfinity && ts != TimestampNegInfinity
}

// TimestampFromTime returns the wall-clock reading of t (in t's own
// location) as a timestamp without time zone.
func TimestampFromTime(t time.Time) Timestamp {
	y, m, d := t.Date()
	days := int64(date2j(y, int(m), d) - pgEpochJDate)
	tod := int64(t.Hour())*usPerHour + int64(t.Minute())*usPerMinute +
		int64(t.Second())*usPerSecond + int64(t.Nanosecond()/1000)
	return Timestamp(days*usPerDay + tod)
}

// Time returns the wall-clock reading of a finite timestamp as a time in
// UTC; ok is false for infinities.
func (ts Timestamp) Time() (t time.Time, ok bool) {
	if !ts.IsFinite() {
		return time.Time{}, false
	}
	return microsToTime(int64(ts)), true
}

// TimestampFromUnixMicros treats a Unix time in microseconds as a wall
// clock in UTC.
func TimestampFromUnixMicros(us int64) Timestamp { return Timestamp(us - unixEpochMicros) }

// UnixMicros returns a finite timestamp, read as UTC, in Unix microseconds.
func (ts Timestamp) UnixMicros() int64 { return int64(ts) + unixEpochMicros }

// IsFinite reports whether ts is neither 'infinity' nor '-infinity'.
func (ts TimestampTZ) IsFinite() bool {
	return ts != TimestampTZInfinity && ts != TimestampTZNegInfinity
}

// TimestampTZFromTime returns the instant t.
func TimestampTZFromTime(t time.Time) TimestampTZ {
	return TimestampTZ(TimestampFromTime(t.UTC()))
}

// Time returns a finite instant in UTC; ok is false for infinities.
func (ts TimestampTZ) Time() (t time.Time, ok bool) {
	if !ts.IsFinite() {
		return time.Time{}, false
	}
	return microsToTime(int64(ts)), true
}

// TimestampTZFromUnixMicros returns the instant of a Unix time in
// microseconds.
func TimestampTZFromUnixMicros(us int64) TimestampTZ { return TimestampTZ(us - unixEpochMicros) }

// UnixMicros returns a finite instant in Unix microseconds.
func (ts TimestampTZ) UnixMicros() int64 { return int64(ts) + unixEpochMicros }

// microsToTime converts microseconds since 2000-01-01 to a UTC time.
// time.Duration cannot hold the whole range, so days and the rest are
// added apart.
func microsToTime(us int64) time.Time {
	days := floorDiv(us, usPerDay)
	rem := us - days*usPerDay
	return pgEpoch.AddDate(0, 0, int(days)).Add(time.Duration(rem) * time.Microsecond)
}

// floorDiv divides rounding toward minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
