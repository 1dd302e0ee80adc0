package expr

import (
	"math"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Date and time functions with PostgreSQL 15's semantics (timestamp.c,
// date.c, datetime.c): fields are computed with PostgreSQL's own Julian
// day routines, so BC dates and the calendar's edges agree.

const (
	pgEpochJDate   = 2451545 // date2j(2000, 1, 1)
	unixEpochJDate = 2440588 // date2j(1970, 1, 1)
	usPerSec       = 1000000
	usPerMinute    = 60 * usPerSec
	usPerHour      = 60 * usPerMinute
	minTimestamp   = -211813488000000000
	endTimestamp   = 9223371331200000000
)

// Units of date_part, extract and date_trunc.
type dtUnit int

const (
	unitNone dtUnit = iota
	unitMicrosec
	unitMillisec
	unitSecond
	unitMinute
	unitHour
	unitDay
	unitWeek
	unitMonth
	unitQuarter
	unitYear
	unitDecade
	unitCentury
	unitMillennium
	unitTZ
	unitTZHour
	unitTZMinute
	// "special" (RESERV and other datetktbl entries).
	unitEpoch
	unitJulian
	unitDow
	unitIsodow
	unitDoy
	unitIsoyear
)

var unitTokens = map[string]dtUnit{
	"c": unitCentury, "cent": unitCentury, "centuries": unitCentury, "century": unitCentury,
	"d": unitDay, "day": unitDay, "days": unitDay,
	"dec": unitDecade, "decade": unitDecade, "decades": unitDecade, "decs": unitDecade,
	"h": unitHour, "hour": unitHour, "hours": unitHour, "hr": unitHour, "hrs": unitHour,
	"m": unitMinute, "min": unitMinute, "mins": unitMinute, "minute": unitMinute, "minutes": unitMinute,
	"microsecon": unitMicrosec, "us": unitMicrosec, "usec": unitMicrosec, "usecond": unitMicrosec, "useconds": unitMicrosec, "usecs": unitMicrosec,
	"mil": unitMillennium, "millennia": unitMillennium, "millennium": unitMillennium, "mils": unitMillennium,
	"millisecon": unitMillisec, "ms": unitMillisec, "msec": unitMillisec, "msecond": unitMillisec, "mseconds": unitMillisec, "msecs": unitMillisec,
	"mon": unitMonth, "mons": unitMonth, "month": unitMonth, "months": unitMonth,
	"qtr": unitQuarter, "quarter": unitQuarter,
	"s": unitSecond, "sec": unitSecond, "second": unitSecond, "seconds": unitSecond, "secs": unitSecond,
	"timezone": unitTZ, "timezone_h": unitTZHour, "timezone_m": unitTZMinute,
	"w": unitWeek, "week": unitWeek, "weeks": unitWeek,
	"y": unitYear, "year": unitYear, "years": unitYear, "yr": unitYear, "yrs": unitYear,
}

var specialTokens = map[string]dtUnit{
	"epoch": unitEpoch, "j": unitJulian, "jd": unitJulian, "julian": unitJulian,
	"dow": unitDow, "isodow": unitIsodow, "doy": unitDoy, "isoyear": unitIsoyear,
}

// otherTokens are datetktbl words that are not units: PostgreSQL finds
// them, then says the unit is not supported rather than not recognized.
var otherTokens = map[string]bool{
	"allballs": true, "infinity": true, "-infinity": true, "now": true, "today": true, "tomorrow": true, "yesterday": true,
}

// lookupUnit decodes a unit name as PostgreSQL does: lower-cased,
// compared on its first 10 characters. special reports a datetktbl word;
// ok is false for unknown words.
func lookupUnit(s string) (name string, u dtUnit, special, ok bool) {
	name = strings.ToLower(s)
	key := name
	if len(key) > 10 {
		key = key[:10]
	}
	if u, ok := unitTokens[key]; ok {
		return name, u, false, true
	}
	if u, ok := specialTokens[key]; ok {
		return name, u, true, true
	}
	if otherTokens[key] {
		return name, unitNone, true, true
	}
	return name, unitNone, false, false
}

func errUnitNotSupported(name string, t *types.T) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "unit \"%s\" not supported for type %s", name, t)
}

func errUnitNotRecognized(name string, t *types.T) error {
	return pgerror.Newf(pgcode.InvalidParameterValue, "unit \"%s\" not recognized for type %s", name, t)
}

// PostgreSQL's Julian day routines. They take int64 days, or int32 where
// PostgreSQL's C int arithmetic wraps and its results must too (the huge
// years of to_date's templates and of intervals in to_char).
type julianInt interface{ ~int32 | ~int64 }

func date2j[T julianInt](y, m, d T) T {
	if m > 2 {
		m++
		y += 4800
	} else {
		m += 13
		y += 4799
	}
	century := y / 100
	j := y*365 - 32167
	j += y/4 - century + century/4
	j += 7834*m/256 + d
	return j
}

func j2date(jd int64) (y, m, d int64) {
	julian := uint32(jd)
	julian += 32044
	quad := julian / 146097
	extra := (julian-quad*146097)*4 + 3
	julian += 60 + quad*3 + extra/146097
	quad = julian / 1461
	julian -= quad * 1461
	yy := int64(julian * 4 / 1461)
	if yy != 0 {
		julian = (julian+305)%365 + 123
	} else {
		julian = (julian+306)%366 + 123
	}
	yy += int64(quad) * 4
	y = yy - 4800
	q := julian * 2141 / 65536
	d = int64(julian - 7834*q/256)
	m = int64((q+10)%12 + 1)
	return
}

func j2day[T julianInt](j T) T {
	j = (j + 1) % 7
	if j < 0 {
		j += 7
	}
	return j
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

var dayTab = [2][12]int64{{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}, {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}}

func daysInMonth(y, m int64) int64 {
	l := 0
	if isLeap(y) {
		l = 1
	}
	return dayTab[l][m-1]
}

func date2isoweek[T julianInt](y, m, d T) T {
	dayn := date2j(y, m, d)
	day4 := date2j(y, 1, 4)
	day0 := j2day(day4 - 1)
	if dayn < day4-day0 {
		day4 = date2j(y-1, 1, 4)
		day0 = j2day(day4 - 1)
	}
	result := (dayn-(day4-day0))/7 + 1
	if result >= 52 {
		day4 = date2j(y+1, 1, 4)
		day0 = j2day(day4 - 1)
		if dayn >= day4-day0 {
			result = (dayn-(day4-day0))/7 + 1
		}
	}
	return result
}

func date2isoyear[T julianInt](y, m, d T) T {
	dayn := date2j(y, m, d)
	day4 := date2j(y, 1, 4)
	day0 := j2day(day4 - 1)
	if dayn < day4-day0 {
		day4 = date2j(y-1, 1, 4)
		day0 = j2day(day4 - 1)
		y--
	}
	result := (dayn-(day4-day0))/7 + 1
	if result >= 52 {
		day4 = date2j(y+1, 1, 4)
		day0 = j2day(day4 - 1)
		if dayn >= day4-day0 {
			y++
		}
	}
	return y
}

func isoweek2j[T julianInt](y, week T) T {
	day4 := date2j(y, 1, 4)
	day0 := j2day(day4 - 1)
	return (week-1)*7 + (day4 - day0)
}

// pgTm is a broken-down timestamp: tm_year is astronomical (1 BC is 0),
// fsec microseconds; gmtoff is seconds east of UTC (timestamptz only).
type pgTm struct {
	year, mon, mday, hour, min, sec, fsec int64
	gmtoff                                int64
	zone                                  string
}

// timestamp2tm breaks a finite local timestamp (µs since 2000-01-01).
func timestamp2tm(ts int64) (pgTm, bool) {
	date := ts / usPerDay
	t := ts - date*usPerDay
	if t < 0 {
		t += usPerDay
		date--
	}
	date += pgEpochJDate
	if date < 0 || date > math.MaxInt32 {
		return pgTm{}, false
	}
	var tm pgTm
	tm.year, tm.mon, tm.mday = j2date(date)
	tm.hour = t / usPerHour
	t -= tm.hour * usPerHour
	tm.min = t / usPerMinute
	t -= tm.min * usPerMinute
	tm.sec = t / usPerSec
	tm.fsec = t - tm.sec*usPerSec
	return tm, true
}

// tm2timestamp is the inverse, with PostgreSQL's range checks.
func tm2timestamp(tm pgTm) (int64, bool) {
	if !validJulian(tm.year, tm.mon, tm.mday) {
		return 0, false
	}
	date := date2j(tm.year, tm.mon, tm.mday) - pgEpochJDate
	t := ((tm.hour*60+tm.min)*60+tm.sec)*usPerSec + tm.fsec
	r := date*usPerDay + t
	if (r-t)/usPerDay != date || (r < 0 && date > 0) || (r > 0 && date < -1) {
		return 0, false
	}
	if r < minTimestamp || r >= endTimestamp {
		return 0, false
	}
	return r, true
}

func validJulian(y, m, d int64) bool {
	return (y > -4713 || (y == -4713 && m >= 11)) && (y < 5874898 || (y == 5874898 && m < 6))
}

// timestamptz2tm breaks an instant in a time zone.
func timestamptz2tm(ts int64, loc *time.Location) (pgTm, bool) {
	secs := ts / usPerSec
	if ts%usPerSec < 0 {
		secs--
	}
	t := time.Unix(secs+(pgEpochJDate-unixEpochJDate)*86400, 0)
	zone, off := t.In(loc).Zone()
	tm, ok := timestamp2tm(ts + int64(off)*usPerSec)
	tm.gmtoff, tm.zone = int64(off), zone
	return tm, ok
}

// localToTimestamptz interprets a local timestamp in a time zone, as
// PostgreSQL's DetermineTimeZoneOffset does.
func localToTimestamptz(local int64, loc *time.Location) (int64, bool) {
	if _, ok := timestamp2tm(local); !ok {
		return 0, false
	}
	return local - zoneOffsetAt(local, loc)*usPerSec, true
}

// zoneOffsetAt is loc's offset (seconds east of UTC) at a wall-clock
// time given in µs since 2000-01-01, chosen in a gap or an overlap as
// PostgreSQL's DetermineTimeZoneOffset chooses it: in a gap the offset
// before the change, in an overlap the one after it, so that 02:30 of a
// spring-forward night is 03:30 daylight time and 01:30 of a fall-back
// night standard time (Go's time.Date leaves that choice open).
func zoneOffsetAt(local int64, loc *time.Location) int64 {
	if loc == time.UTC {
		return 0
	}
	secs := local / usPerSec
	if local%usPerSec < 0 {
		secs--
	}
	return int64(types.LocalOffset(secs+(pgEpochJDate-unixEpochJDate)*86400, loc))
}

// interval2itm breaks an interval with C's truncating division.
type itm struct {
	year, mon, mday, hour, min, sec, usec int64
}

func interval2itm(iv types.Interval) itm {
	var r itm
	r.year = int64(iv.Months) / 12
	r.mon = int64(iv.Months) % 12
	r.mday = int64(iv.Days)
	t := iv.Micros
	r.hour = t / usPerHour
	t -= r.hour * usPerHour
	r.min = t / usPerMinute
	t -= r.min * usPerMinute
	r.sec = t / usPerSec
	r.usec = t - r.sec*usPerSec
	return r
}

func itm2interval(r itm) (types.Interval, error) {
	months := r.year*12 + r.mon
	if months > math.MaxInt32 || months < math.MinInt32 {
		return types.Interval{}, errIntervalRange
	}
	us := r.hour*usPerHour + r.min*usPerMinute + r.sec*usPerSec + r.usec
	return types.Interval{Months: int32(months), Days: int32(r.mday), Micros: us}, nil
}

// numericDivPow10 is PostgreSQL's int64_div_fast_to_numeric: v/10^k
// with display scale k.
func numericDivPow10(v int64, k int32) *apd.Decimal { return apd.New(v, -k) }

func init() {
	t := func(ts ...*types.T) []*types.T { return ts }
	txt, f8, num, i4 := types.Text, types.Float8, types.Numeric, types.Int4
	d, ts, tz, iv, tm := types.DateType, types.TimestampType, types.TimestampTZType, types.IntervalType, types.Time

	for _, part := range []struct {
		name    string
		numeric bool
		result  *types.T
	}{{"date_part", false, f8}, {"extract", true, num}} {
		part := part
		addFunc(part.name, fn(t(txt, ts), part.result, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return timestampPart(a[0].(string), int64(a[1].(types.Timestamp)), nil, part.numeric)
		}))
		addFunc(part.name, fn(t(txt, tz), part.result, func(c *Context, a []types.Datum) (types.Datum, error) {
			return timestampPart(a[0].(string), int64(a[1].(types.TimestampTZ)), c.location(), part.numeric)
		}))
		addFunc(part.name, fn(t(txt, iv), part.result, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return intervalPart(a[0].(string), a[1].(types.Interval), part.numeric)
		}))
		addFunc(part.name, fn(t(txt, tm), part.result, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return timePart(a[0].(string), int64(a[1].(types.TimeOfDay)), part.numeric)
		}))
	}
	// date_part(text, date) is date_part(text, date::timestamp).
	addFunc("date_part", fn(t(txt, d), f8, func(_ *Context, a []types.Datum) (types.Datum, error) {
		v, _ := convertTime(a[1], d, ts, nil)
		return timestampPart(a[0].(string), int64(v.(types.Timestamp)), nil, false)
	}))
	addFunc("extract", fn(t(txt, d), num, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return datePart(a[0].(string), a[1].(types.Date))
	}))

	addFunc("date_trunc", fn(t(txt, ts), ts, func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, err := timestampTrunc(a[0].(string), int64(a[1].(types.Timestamp)), nil)
		return types.Timestamp(r), err
	}))
	addFunc("date_trunc", fn(t(txt, tz), tz, func(c *Context, a []types.Datum) (types.Datum, error) {
		r, err := timestampTrunc(a[0].(string), int64(a[1].(types.TimestampTZ)), c.location())
		return types.TimestampTZ(r), err
	}))
	addFunc("date_trunc", fn(t(txt, tz, txt), tz, func(c *Context, a []types.Datum) (types.Datum, error) {
		loc, err := zoneByName(a[2].(string))
		if err != nil {
			return nil, err
		}
		r, err := timestampTrunc(a[0].(string), int64(a[1].(types.TimestampTZ)), loc)
		return types.TimestampTZ(r), err
	}))
	addFunc("date_trunc", fn(t(txt, iv), iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return intervalTrunc(a[0].(string), a[1].(types.Interval))
	}))

	addFunc("age", fn(t(ts, ts), iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return timestampAge(int64(a[0].(types.Timestamp)), int64(a[1].(types.Timestamp)), nil)
	}))
	addFunc("age", fn(t(tz, tz), iv, func(c *Context, a []types.Datum) (types.Datum, error) {
		return timestampAge(int64(a[0].(types.TimestampTZ)), int64(a[1].(types.TimestampTZ)), c.location())
	}))
	addFunc("age", fn(t(ts), iv, func(c *Context, a []types.Datum) (types.Datum, error) {
		today := types.DateFromTime(c.TxTime.In(c.location()))
		return timestampAge(int64(today)*usPerDay, int64(a[0].(types.Timestamp)), nil)
	}))
	addFunc("age", fn(t(tz), iv, func(c *Context, a []types.Datum) (types.Datum, error) {
		today := types.DateFromTime(c.TxTime.In(c.location()))
		mid, _ := localToTimestamptz(int64(today)*usPerDay, c.location())
		return timestampAge(mid, int64(a[0].(types.TimestampTZ)), c.location())
	}))

	addFunc("make_date", fn(t(i4, i4, i4), d, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return makeDate(a[0].(int64), a[1].(int64), a[2].(int64))
	}))
	addFunc("make_time", fn(t(i4, i4, f8), tm, func(_ *Context, a []types.Datum) (types.Datum, error) {
		h, m, s := a[0].(int64), a[1].(int64), a[2].(float64)
		if floatTimeOverflows(h, m, s) {
			return nil, pgerror.Newf(pgcode.DatetimeFieldOverflow, "time field value out of range: %d:%02d:%s", h, m, cfmtG(s, 2))
		}
		return types.TimeOfDay((h*60+m)*60*usPerSec + int64(math.RoundToEven(s*usPerSec))), nil
	}))
	addFunc("make_timestamp", fn(t(i4, i4, i4, i4, i4, f8), ts, func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, err := makeTimestamp(a)
		return types.Timestamp(r), err
	}))
	addFunc("make_timestamptz", fn(t(i4, i4, i4, i4, i4, f8), tz, func(c *Context, a []types.Datum) (types.Datum, error) {
		r, err := makeTimestamp(a)
		if err != nil {
			return nil, err
		}
		u, ok := localToTimestamptz(r, c.location())
		if !ok || u < minTimestamp || u >= endTimestamp {
			return nil, errTimestampRange
		}
		return types.TimestampTZ(u), nil
	}))
	addFunc("make_timestamptz", fn(t(i4, i4, i4, i4, i4, f8, txt), tz, func(c *Context, a []types.Datum) (types.Datum, error) {
		r, err := makeTimestamp(a)
		if err != nil {
			return nil, err
		}
		loc, err := isoZoneByName(a[6].(string))
		if err != nil {
			return nil, err
		}
		u, ok := localToTimestamptz(r, loc)
		if !ok || u < minTimestamp || u >= endTimestamp {
			return nil, errTimestampRange
		}
		return types.TimestampTZ(u), nil
	}))
	// make_interval(years, months, weeks, days, hours, mins, secs), every
	// argument optional (defaults 0) but only by position.
	mi := []*types.T{i4, i4, i4, i4, i4, i4, f8}
	for n := 0; n <= len(mi); n++ {
		n := n
		addFunc("make_interval", fn(mi[:n], iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
			var v [6]int64
			secs := 0.0
			for i := 0; i < n; i++ {
				if i == 6 {
					secs = a[i].(float64)
				} else {
					v[i] = a[i].(int64)
				}
			}
			return makeInterval(v, secs)
		}))
	}

	addFunc("justify_days", fn(t(iv), iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return justifyDays(a[0].(types.Interval))
	}))
	addFunc("justify_hours", fn(t(iv), iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return justifyHours(a[0].(types.Interval))
	}))
	addFunc("justify_interval", fn(t(iv), iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return justifyInterval(a[0].(types.Interval))
	}))
	addFunc("isfinite", fn(t(d), types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return a[0].(types.Date).IsFinite(), nil
	}))
	addFunc("isfinite", fn(t(ts), types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return a[0].(types.Timestamp).IsFinite(), nil
	}))
	addFunc("isfinite", fn(t(tz), types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return a[0].(types.TimestampTZ).IsFinite(), nil
	}))
	addFunc("isfinite", fn(t(iv), types.Bool, func(*Context, []types.Datum) (types.Datum, error) { return true, nil }))
	addFunc("timeofday", volatileFn(nil, txt, func(c *Context, _ []types.Datum) (types.Datum, error) {
		now := time.Now().In(c.location())
		return now.Format("Mon Jan 02 15:04:05.000000 2006 MST"), nil
	}))
	addFunc("to_timestamp", fn(t(f8), tz, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return floatToTimestamptz(a[0].(float64))
	}))

	// AT TIME ZONE arrives as timezone(zone, value).
	addFunc("timezone", fn(t(txt, ts), tz, func(_ *Context, a []types.Datum) (types.Datum, error) {
		v := a[1].(types.Timestamp)
		if !v.IsFinite() {
			return types.TimestampTZ(v), nil
		}
		loc, err := zoneByName(a[0].(string))
		if err != nil {
			return nil, err
		}
		u, ok := localToTimestamptz(int64(v), loc)
		if !ok || u < minTimestamp || u >= endTimestamp {
			return nil, errTimestampRange
		}
		return types.TimestampTZ(u), nil
	}))
	addFunc("timezone", fn(t(txt, tz), ts, func(_ *Context, a []types.Datum) (types.Datum, error) {
		v := a[1].(types.TimestampTZ)
		if !v.IsFinite() {
			return types.Timestamp(v), nil
		}
		loc, err := zoneByName(a[0].(string))
		if err != nil {
			return nil, err
		}
		tm, ok := timestamptz2tm(int64(v), loc)
		if !ok {
			return nil, errTimestampRange
		}
		r, ok := tm2timestamp(tm)
		if !ok {
			return nil, errTimestampRange
		}
		return types.Timestamp(r), nil
	}))

	// interval * float8, float8 * interval, interval / float8.
	addOp("*", iv, f8, iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return intervalMul(a[0].(types.Interval), a[1].(float64))
	})
	addOp("*", f8, iv, iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return intervalMul(a[1].(types.Interval), a[0].(float64))
	})
	addOp("/", iv, f8, iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return intervalDiv(a[0].(types.Interval), a[1].(float64))
	})
}

// zoneByName resolves a time zone argument as AT TIME ZONE and
// date_trunc do: an IANA name or a POSIX specification, where a bare
// "+02:00" is two hours WEST of Greenwich, as in POSIX.
func zoneByName(name string) (*time.Location, error) {
	if name != "" && (name[0] == '+' || name[0] == '-') {
		if off, ok := parseNumericZone(name[1:]); ok {
			if name[0] == '+' {
				off = -off
			}
			return time.FixedZone("", off), nil
		}
	}
	if loc, ok := types.LoadTimeZone(name); ok {
		return loc, nil
	}
	return nil, pgerror.Newf(pgcode.InvalidParameterValue, "time zone \"%s\" not recognized", name)
}

// isoZoneByName resolves the zone of make_timestamptz: a numeric offset
// needs a sign and is ISO 8601's (+ is east).
func isoZoneByName(name string) (*time.Location, error) {
	if name != "" && (name[0] == '+' || name[0] == '-') {
		if off, ok := parseNumericZone(name[1:]); ok {
			if name[0] == '-' {
				off = -off
			}
			return time.FixedZone("", off), nil
		}
	}
	if name != "" && name[0] >= '0' && name[0] <= '9' {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "invalid input syntax for type numeric time zone: \"%s\"", name).
			WithHint("Numeric time zones must have \"-\" or \"+\" as first character.")
	}
	if loc, ok := types.LoadTimeZone(name); ok {
		return loc, nil
	}
	return nil, pgerror.Newf(pgcode.InvalidParameterValue, "time zone \"%s\" not recognized", name)
}

// parseNumericZone reads hh, hh:mm, hh:mm:ss or hhmm as seconds.
func parseNumericZone(s string) (int, bool) {
	parts := strings.Split(s, ":")
	if len(parts) == 1 && len(s) == 4 {
		parts = []string{s[:2], s[2:]}
	}
	mult := []int{3600, 60, 1}
	total := 0
	for i, p := range parts {
		if i > 2 || p == "" || len(p) > 2 && i > 0 {
			return 0, false
		}
		n := 0
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		total += n * mult[i]
	}
	if total > 15*3600+59*60 {
		return 0, false
	}
	return total, true
}

// partResult returns an integer part as float8 or numeric.
func partResult(v int64, numeric bool) types.Datum {
	if numeric {
		return apd.New(v, 0)
	}
	return float64(v)
}

func infinitePart(name string, u dtUnit, special, known bool, neg, numeric bool, t *types.T) (types.Datum, error) {
	if !known {
		return nil, errUnitNotRecognized(name, t)
	}
	switch u {
	case unitMicrosec, unitMillisec, unitSecond, unitMinute, unitHour, unitDay, unitMonth, unitQuarter,
		unitWeek, unitDow, unitIsodow, unitDoy, unitTZ, unitTZMinute, unitTZHour:
		return nil, nil
	case unitYear, unitDecade, unitCentury, unitMillennium, unitJulian, unitIsoyear, unitEpoch:
		if numeric {
			return &apd.Decimal{Form: apd.Infinite, Negative: neg}, nil
		}
		if neg {
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	}
	return nil, errUnitNotSupported(name, t)
}

func yearPart(u dtUnit, y int64) int64 {
	switch u {
	case unitYear:
		if y > 0 {
			return y
		}
		return y - 1
	case unitDecade:
		if y >= 0 {
			return y / 10
		}
		return -((8 - (y - 1)) / 10)
	case unitCentury:
		if y > 0 {
			return (y + 99) / 100
		}
		return -((99 - (y - 1)) / 100)
	case unitMillennium:
		if y > 0 {
			return (y + 999) / 1000
		}
		return -((999 - (y - 1)) / 1000)
	}
	return 0
}

// timestampPart is date_part and extract of timestamp (loc nil) and
// timestamptz (in loc).
func timestampPart(unit string, ts int64, loc *time.Location, numeric bool) (types.Datum, error) {
	typ := types.TimestampType
	if loc != nil {
		typ = types.TimestampTZType
	}
	name, u, special, known := lookupUnit(unit)
	if ts == math.MaxInt64 || ts == math.MinInt64 {
		return infinitePart(name, u, special, known, ts == math.MinInt64, numeric, typ)
	}
	if !known {
		return nil, errUnitNotRecognized(name, typ)
	}
	var tm pgTm
	var ok bool
	if loc != nil {
		tm, ok = timestamptz2tm(ts, loc)
	} else {
		tm, ok = timestamp2tm(ts)
	}
	if !ok {
		return nil, errTimestampRange
	}
	switch u {
	case unitMicrosec:
		return partResult(tm.sec*usPerSec+tm.fsec, numeric), nil
	case unitMillisec:
		if numeric {
			return numericDivPow10(tm.sec*usPerSec+tm.fsec, 3), nil
		}
		return float64(tm.sec)*1000.0 + float64(tm.fsec)/1000.0, nil
	case unitSecond:
		if numeric {
			return numericDivPow10(tm.sec*usPerSec+tm.fsec, 6), nil
		}
		return float64(tm.sec) + float64(tm.fsec)/1000000.0, nil
	case unitMinute:
		return partResult(tm.min, numeric), nil
	case unitHour:
		return partResult(tm.hour, numeric), nil
	case unitDay:
		return partResult(tm.mday, numeric), nil
	case unitMonth:
		return partResult(tm.mon, numeric), nil
	case unitQuarter:
		return partResult((tm.mon-1)/3+1, numeric), nil
	case unitWeek:
		return partResult(date2isoweek(tm.year, tm.mon, tm.mday), numeric), nil
	case unitYear, unitDecade, unitCentury, unitMillennium:
		return partResult(yearPart(u, tm.year), numeric), nil
	case unitJulian:
		j := date2j(tm.year, tm.mon, tm.mday)
		tod := ((tm.hour*60+tm.min)*60+tm.sec)*usPerSec + tm.fsec
		if numeric {
			q, err := numericDiv(apd.New(tod, 0), apd.New(usPerDay, 0))
			if err != nil {
				return nil, err
			}
			r := new(apd.Decimal)
			exact.Add(r, apd.New(j, 0), q.(*apd.Decimal))
			return r, nil
		}
		return float64(j) + (float64((tm.hour*60+tm.min)*60+tm.sec)+float64(tm.fsec)/1000000.0)/86400.0, nil
	case unitIsoyear:
		y := date2isoyear(tm.year, tm.mon, tm.mday)
		if y <= 0 {
			y--
		}
		return partResult(y, numeric), nil
	case unitDow, unitIsodow:
		dow := j2day(date2j(tm.year, tm.mon, tm.mday))
		if u == unitIsodow && dow == 0 {
			dow = 7
		}
		return partResult(dow, numeric), nil
	case unitDoy:
		return partResult(date2j(tm.year, tm.mon, tm.mday)-date2j(tm.year, 1, 1)+1, numeric), nil
	case unitTZ, unitTZMinute, unitTZHour:
		if loc == nil {
			break
		}
		switch u {
		case unitTZ:
			return partResult(tm.gmtoff, numeric), nil
		case unitTZMinute:
			return partResult((tm.gmtoff/60)%60, numeric), nil
		}
		return partResult(tm.gmtoff/3600, numeric), nil
	case unitEpoch:
		epoch := int64((unixEpochJDate - pgEpochJDate) * usPerDay)
		if numeric {
			return numericDivPow10(ts-epoch, 6), nil
		}
		return float64(ts-epoch) / 1000000.0, nil
	}
	return nil, errUnitNotSupported(name, typ)
}

// datePart is extract(field FROM date).
func datePart(unit string, dt types.Date) (types.Datum, error) {
	typ := types.DateType
	name, u, special, known := lookupUnit(unit)
	if !dt.IsFinite() {
		if !known {
			return nil, errUnitNotRecognized(name, typ)
		}
		switch u {
		case unitDay, unitMonth, unitQuarter, unitWeek, unitDow, unitIsodow, unitDoy:
			return nil, nil
		case unitYear, unitDecade, unitCentury, unitMillennium, unitJulian, unitIsoyear, unitEpoch:
			return &apd.Decimal{Form: apd.Infinite, Negative: dt == types.DateNegInfinity}, nil
		}
		return nil, errUnitNotSupported(name, typ)
	}
	if !known {
		return nil, errUnitNotRecognized(name, typ)
	}
	_ = special
	j := int64(dt) + pgEpochJDate
	y, m, d := j2date(j)
	var r int64
	switch u {
	case unitDay:
		r = d
	case unitMonth:
		r = m
	case unitQuarter:
		r = (m-1)/3 + 1
	case unitWeek:
		r = date2isoweek(y, m, d)
	case unitYear, unitDecade, unitCentury, unitMillennium:
		r = yearPart(u, y)
	case unitJulian:
		r = j
	case unitIsoyear:
		r = date2isoyear(y, m, d)
		if r <= 0 {
			r--
		}
	case unitDow, unitIsodow:
		r = j2day(j)
		if u == unitIsodow && r == 0 {
			r = 7
		}
	case unitDoy:
		r = date2j(y, m, d) - date2j(y, 1, 1) + 1
	case unitEpoch:
		r = (j - unixEpochJDate) * 86400
	default:
		return nil, errUnitNotSupported(name, typ)
	}
	return apd.New(r, 0), nil
}

func timePart(unit string, t int64, numeric bool) (types.Datum, error) {
	typ := types.Time
	name, u, _, known := lookupUnit(unit)
	if !known {
		return nil, errUnitNotRecognized(name, typ)
	}
	hour := t / usPerHour
	rest := t - hour*usPerHour
	min := rest / usPerMinute
	rest -= min * usPerMinute
	sec := rest / usPerSec
	fsec := rest - sec*usPerSec
	switch u {
	case unitMicrosec:
		return partResult(sec*usPerSec+fsec, numeric), nil
	case unitMillisec:
		if numeric {
			return numericDivPow10(sec*usPerSec+fsec, 3), nil
		}
		return float64(sec)*1000.0 + float64(fsec)/1000.0, nil
	case unitSecond:
		if numeric {
			return numericDivPow10(sec*usPerSec+fsec, 6), nil
		}
		return float64(sec) + float64(fsec)/1000000.0, nil
	case unitMinute:
		return partResult(min, numeric), nil
	case unitHour:
		return partResult(hour, numeric), nil
	case unitEpoch:
		if numeric {
			return numericDivPow10(t, 6), nil
		}
		return float64(t) / 1000000.0, nil
	}
	return nil, errUnitNotSupported(name, typ)
}

func intervalPart(unit string, iv types.Interval, numeric bool) (types.Datum, error) {
	typ := types.IntervalType
	name, u, _, known := lookupUnit(unit)
	if !known {
		return nil, errUnitNotRecognized(name, typ)
	}
	tm := interval2itm(iv)
	switch u {
	case unitMicrosec:
		return partResult(tm.sec*usPerSec+tm.usec, numeric), nil
	case unitMillisec:
		if numeric {
			return numericDivPow10(tm.sec*usPerSec+tm.usec, 3), nil
		}
		return float64(tm.sec)*1000.0 + float64(tm.usec)/1000.0, nil
	case unitSecond:
		if numeric {
			return numericDivPow10(tm.sec*usPerSec+tm.usec, 6), nil
		}
		return float64(tm.sec) + float64(tm.usec)/1000000.0, nil
	case unitMinute:
		return partResult(tm.min, numeric), nil
	case unitHour:
		return partResult(tm.hour, numeric), nil
	case unitDay:
		return partResult(tm.mday, numeric), nil
	case unitMonth:
		return partResult(tm.mon, numeric), nil
	case unitQuarter:
		return partResult(tm.mon/3+1, numeric), nil
	case unitYear:
		return partResult(tm.year, numeric), nil
	case unitDecade:
		return partResult(tm.year/10, numeric), nil
	case unitCentury:
		return partResult(tm.year/100, numeric), nil
	case unitMillennium:
		return partResult(tm.year/1000, numeric), nil
	case unitEpoch:
		if numeric {
			secs := (int64(4*365.25)*(int64(iv.Months)/12) + int64(4*30)*(int64(iv.Months)%12) + 4*int64(iv.Days)) * (86400 / 4)
			v := new(apd.Decimal)
			exact.Mul(v, apd.New(secs, 0), apd.New(1000000, 0))
			exact.Add(v, v, apd.New(iv.Micros, 0))
			v.Exponent -= 6
			return v, nil
		}
		r := float64(iv.Micros) / 1000000.0
		r += (365.25 * 86400) * float64(iv.Months/12)
		r += (30.0 * 86400) * float64(iv.Months%12)
		r += 86400.0 * float64(iv.Days)
		return r, nil
	}
	return nil, errUnitNotSupported(name, typ)
}

// timestampTrunc is date_trunc of timestamp (loc nil) and timestamptz.
func timestampTrunc(unit string, ts int64, loc *time.Location) (int64, error) {
	typ := types.TimestampType
	if loc != nil {
		typ = types.TimestampTZType
	}
	if ts == math.MaxInt64 || ts == math.MinInt64 {
		return ts, nil
	}
	name, u, special, known := lookupUnit(unit)
	if !known || special {
		return 0, errUnitNotRecognized(name, typ)
	}
	var tm pgTm
	var ok bool
	if loc != nil {
		tm, ok = timestamptz2tm(ts, loc)
	} else {
		tm, ok = timestamp2tm(ts)
	}
	if !ok {
		return 0, errTimestampRange
	}
	orig := tm
	redoTZ := false
	switch u {
	case unitWeek:
		woy := date2isoweek(tm.year, tm.mon, tm.mday)
		if woy >= 52 && tm.mon == 1 {
			tm.year--
		}
		if woy <= 1 && tm.mon == 12 {
			tm.year++
		}
		tm.year, tm.mon, tm.mday = j2date(isoweek2j(tm.year, woy))
		tm.hour, tm.min, tm.sec, tm.fsec = 0, 0, 0, 0
		redoTZ = true
	case unitMillennium, unitCentury, unitDecade, unitYear, unitQuarter, unitMonth, unitDay, unitHour, unitMinute, unitSecond:
		if u == unitMillennium {
			if tm.year > 0 {
				tm.year = ((tm.year+999)/1000)*1000 - 999
			} else {
				tm.year = -((999-(tm.year-1))/1000)*1000 + 1
			}
		}
		if u == unitMillennium || u == unitCentury {
			if tm.year > 0 {
				tm.year = ((tm.year+99)/100)*100 - 99
			} else {
				tm.year = -((99-(tm.year-1))/100)*100 + 1
			}
		}
		if u == unitDecade {
			if tm.year > 0 {
				tm.year = (tm.year / 10) * 10
			} else {
				tm.year = -((8 - (tm.year - 1)) / 10) * 10
			}
		}
		if u >= unitYear {
			tm.mon = 1
		}
		if u >= unitQuarter {
			tm.mon = 3*((tm.mon-1)/3) + 1
		}
		if u >= unitMonth {
			tm.mday = 1
		}
		if u >= unitDay {
			tm.hour = 0
			redoTZ = true
		}
		if u >= unitHour {
			tm.min = 0
		}
		if u >= unitMinute {
			tm.sec = 0
		}
		tm.fsec = 0
	case unitMillisec:
		tm.fsec = (tm.fsec / 1000) * 1000
	case unitMicrosec:
	default:
		return 0, errUnitNotSupported(name, typ)
	}
	local, ok := tm2timestamp(tm)
	if !ok {
		return 0, errTimestampRange
	}
	if loc == nil {
		return local, nil
	}
	if redoTZ {
		r, ok := localToTimestamptz(local, loc)
		if !ok {
			return 0, errTimestampRange
		}
		return r, nil
	}
	_ = orig
	return local - tm.gmtoff*usPerSec, nil
}

func intervalTrunc(unit string, iv types.Interval) (types.Datum, error) {
	typ := types.IntervalType
	name, u, special, known := lookupUnit(unit)
	if !known || special {
		return nil, errUnitNotRecognized(name, typ)
	}
	tm := interval2itm(iv)
	switch u {
	case unitMillennium, unitCentury, unitDecade, unitYear, unitQuarter, unitMonth, unitDay, unitHour, unitMinute, unitSecond:
		if u == unitMillennium {
			tm.year = (tm.year / 1000) * 1000
		}
		if u >= unitCentury {
			tm.year = (tm.year / 100) * 100
		}
		if u >= unitDecade {
			tm.year = (tm.year / 10) * 10
		}
		if u >= unitYear {
			tm.mon = 0
		}
		if u >= unitQuarter {
			tm.mon = 3 * (tm.mon / 3)
		}
		if u >= unitMonth {
			tm.mday = 0
		}
		if u >= unitDay {
			tm.hour = 0
		}
		if u >= unitHour {
			tm.min = 0
		}
		if u >= unitMinute {
			tm.sec = 0
		}
		tm.usec = 0
	case unitMillisec:
		tm.usec = (tm.usec / 1000) * 1000
	case unitMicrosec:
	default:
		err := pgerror.Newf(pgcode.FeatureNotSupported, "unit \"%s\" not supported for type %s", name, typ)
		if u == unitWeek {
			err = err.WithDetail("Months usually have fractional weeks.")
		}
		return nil, err
	}
	return itm2interval(tm)
}

// timestampAge is age(a, b): the symbolic difference in years, months,
// days and time, each field borrowing from the next as needed.
func timestampAge(a, b int64, loc *time.Location) (types.Datum, error) {
	var t1, t2 pgTm
	var ok1, ok2 bool
	// PostgreSQL 15 takes infinities as the extreme timestamps they are
	// stored as.
	if loc != nil {
		t1, ok1 = timestamptz2tm(a, loc)
		t2, ok2 = timestamptz2tm(b, loc)
	} else {
		t1, ok1 = timestamp2tm(a)
		t2, ok2 = timestamp2tm(b)
	}
	if !ok1 || !ok2 {
		return nil, errTimestampRange
	}
	r := pgTm{
		fsec: t1.fsec - t2.fsec, sec: t1.sec - t2.sec, min: t1.min - t2.min,
		hour: t1.hour - t2.hour, mday: t1.mday - t2.mday, mon: t1.mon - t2.mon, year: t1.year - t2.year,
	}
	flip := func() {
		r.fsec, r.sec, r.min, r.hour, r.mday, r.mon, r.year = -r.fsec, -r.sec, -r.min, -r.hour, -r.mday, -r.mon, -r.year
	}
	if a < b {
		flip()
	}
	for r.fsec < 0 {
		r.fsec += usPerSec
		r.sec--
	}
	for r.sec < 0 {
		r.sec += 60
		r.min--
	}
	for r.min < 0 {
		r.min += 60
		r.hour--
	}
	for r.hour < 0 {
		r.hour += 24
		r.mday--
	}
	for r.mday < 0 {
		if a < b {
			r.mday += daysInMonth(t1.year, t1.mon)
		} else {
			r.mday += daysInMonth(t2.year, t2.mon)
		}
		r.mon--
	}
	for r.mon < 0 {
		r.mon += 12
		r.year--
	}
	if a < b {
		flip()
	}
	months := r.year*12 + r.mon
	if months > math.MaxInt32 || months < math.MinInt32 || r.mday > math.MaxInt32 || r.mday < math.MinInt32 {
		return nil, errIntervalRange
	}
	return types.Interval{Months: int32(months), Days: int32(r.mday),
		Micros: ((r.hour*60+r.min)*60+r.sec)*usPerSec + r.fsec}, nil
}

// validateDate is PostgreSQL's ValidateDate for a full date; bc turns a
// positive year into a BC one (year is changed in place, as there).
func validateDate(y *int64, m, d int64, bc bool) bool {
	if bc {
		if *y <= 0 {
			return false
		}
		*y = -(*y - 1)
	} else if *y <= 0 {
		return false
	}
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	return d <= daysInMonth(*y, m)
}

func makeDate(y, m, d int64) (types.Datum, error) {
	bc := false
	if y < 0 {
		bc, y = true, -y
	}
	if !validateDate(&y, m, d, bc) {
		return nil, pgerror.Newf(pgcode.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
	}
	if !validJulian(y, m, d) {
		return nil, pgerror.Newf(pgcode.DatetimeFieldOverflow, "date out of range: %d-%02d-%02d", y, m, d)
	}
	date := date2j(y, m, d) - pgEpochJDate
	if date < -pgEpochJDate || date >= 2147483494-pgEpochJDate {
		return nil, pgerror.Newf(pgcode.DatetimeFieldOverflow, "date out of range: %d-%02d-%02d", y, m, d)
	}
	return types.Date(date), nil
}

// floatTimeOverflows is PostgreSQL's float_time_overflows.
func floatTimeOverflows(h, m int64, s float64) bool {
	if h < 0 || h > 24 || m < 0 || m >= 60 || math.IsNaN(s) {
		return true
	}
	s = math.RoundToEven(s * usPerSec)
	if s < 0 || s > 60*usPerSec {
		return true
	}
	return (h*60+m)*60*usPerSec+int64(s) > usPerDay
}

// cfmtG is C's printf("%0*g", width, f).
func cfmtG(f float64, width int) string {
	s := formatG(f, 6)
	if strings.ContainsAny(s, "e") {
		// C writes at least two exponent digits: Go does too.
		s = strings.Replace(s, "e+0", "e+0", 1)
	}
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	for len(s)+boolInt(neg) < width {
		s = "0" + s
	}
	if neg {
		s = "-" + s
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func makeTimestamp(a []types.Datum) (int64, error) {
	y, m, d, h, mi := a[0].(int64), a[1].(int64), a[2].(int64), a[3].(int64), a[4].(int64)
	s := a[5].(float64)
	yy, bc := y, false
	if yy < 0 {
		yy, bc = -yy, true
	}
	if !validateDate(&yy, m, d, bc) {
		return 0, pgerror.Newf(pgcode.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
	}
	if !validJulian(yy, m, d) {
		return 0, pgerror.Newf(pgcode.DatetimeFieldOverflow, "date out of range: %d-%02d-%02d", y, m, d)
	}
	date := date2j(yy, m, d) - pgEpochJDate
	if floatTimeOverflows(h, mi, s) {
		return 0, pgerror.Newf(pgcode.DatetimeFieldOverflow, "time field value out of range: %d:%02d:%s", h, mi, cfmtG(s, 2))
	}
	tod := (h*60+mi)*60*usPerSec + int64(math.RoundToEven(s*usPerSec))
	r := date*usPerDay + tod
	if (r-tod)/usPerDay != date || (r < 0 && date > 0) || (r > 0 && date < -1) || r < minTimestamp || r >= endTimestamp {
		return 0, pgerror.Newf(pgcode.DatetimeFieldOverflow, "timestamp out of range: %d-%02d-%02d %d:%02d:%s", y, m, d, h, mi, cfmtG(s, 2))
	}
	return r, nil
}

func makeInterval(v [6]int64, secs float64) (types.Datum, error) {
	if math.IsInf(secs, 0) || math.IsNaN(secs) {
		return nil, errIntervalRange
	}
	years, months, weeks, days, hours, mins := v[0], v[1], v[2], v[3], v[4], v[5]
	m := years*12 + months
	dd := weeks*7 + days
	if m > math.MaxInt32 || m < math.MinInt32 || dd > math.MaxInt32 || dd < math.MinInt32 {
		return nil, errIntervalRange
	}
	s := math.RoundToEven(secs * usPerSec)
	if s >= 9.223372036854775807e18 || s < -9.223372036854775808e18 {
		return nil, errIntervalRange
	}
	us := hours*usPerHour + mins*usPerMinute
	sum := us + int64(s)
	if (int64(s) > 0 && sum < us) || (int64(s) < 0 && sum > us) {
		return nil, errIntervalRange
	}
	return types.Interval{Months: int32(m), Days: int32(dd), Micros: sum}, nil
}

func addMonths32(a int32, b int64) (int32, error) {
	r := int64(a) + b
	if r > math.MaxInt32 || r < math.MinInt32 {
		return 0, errIntervalRange
	}
	return int32(r), nil
}

func justifyHours(iv types.Interval) (types.Datum, error) {
	wholeDay := iv.Micros / usPerDay
	iv.Micros -= wholeDay * usPerDay
	var err error
	if iv.Days, err = addMonths32(iv.Days, wholeDay); err != nil {
		return nil, err
	}
	if iv.Days > 0 && iv.Micros < 0 {
		iv.Micros += usPerDay
		iv.Days--
	} else if iv.Days < 0 && iv.Micros > 0 {
		iv.Micros -= usPerDay
		iv.Days++
	}
	return iv, nil
}

func justifyDays(iv types.Interval) (types.Datum, error) {
	wholeMonth := iv.Days / 30
	iv.Days -= wholeMonth * 30
	var err error
	if iv.Months, err = addMonths32(iv.Months, int64(wholeMonth)); err != nil {
		return nil, err
	}
	if iv.Months > 0 && iv.Days < 0 {
		iv.Days += 30
		iv.Months--
	} else if iv.Months < 0 && iv.Days > 0 {
		iv.Days -= 30
		iv.Months++
	}
	return iv, nil
}

func justifyInterval(iv types.Interval) (types.Datum, error) {
	var err error
	if (iv.Days > 0 && iv.Micros > 0) || (iv.Days < 0 && iv.Micros < 0) {
		wholeMonth := iv.Days / 30
		iv.Days -= wholeMonth * 30
		if iv.Months, err = addMonths32(iv.Months, int64(wholeMonth)); err != nil {
			return nil, err
		}
	}
	wholeDay := iv.Micros / usPerDay
	iv.Micros -= wholeDay * usPerDay
	days := int64(iv.Days) + wholeDay
	wholeMonth := days / 30
	days -= wholeMonth * 30
	iv.Days = int32(days)
	if iv.Months, err = addMonths32(iv.Months, wholeMonth); err != nil {
		return nil, err
	}
	if iv.Months > 0 && (iv.Days < 0 || (iv.Days == 0 && iv.Micros < 0)) {
		iv.Days += 30
		iv.Months--
	} else if iv.Months < 0 && (iv.Days > 0 || (iv.Days == 0 && iv.Micros > 0)) {
		iv.Days -= 30
		iv.Months++
	}
	if iv.Days > 0 && iv.Micros < 0 {
		iv.Micros += usPerDay
		iv.Days--
	} else if iv.Days < 0 && iv.Micros > 0 {
		iv.Micros -= usPerDay
		iv.Days++
	}
	return iv, nil
}

// tsRound is PostgreSQL's TSROUND: rounding to microseconds.
func tsRound(f float64) float64 { return math.RoundToEven(f*1000000.0) / 1000000.0 }

var errIntervalOutOfRange = pgerror.New(pgcode.DatetimeFieldOverflow, "interval out of range")

// intervalMul is PostgreSQL's interval_mul.
func intervalMul(span types.Interval, factor float64) (types.Datum, error) {
	var r types.Interval
	rd := float64(span.Months) * factor
	if math.IsNaN(rd) || rd > math.MaxInt32 || rd < math.MinInt32 {
		return nil, errIntervalOutOfRange
	}
	r.Months = int32(rd)
	rd = float64(span.Days) * factor
	if math.IsNaN(rd) || rd > math.MaxInt32 || rd < math.MinInt32 {
		return nil, errIntervalOutOfRange
	}
	r.Days = int32(rd)
	monthRemainderDays := tsRound((float64(span.Months)*factor - float64(r.Months)) * 30)
	secRemainder := tsRound((float64(span.Days)*factor - float64(r.Days) + monthRemainderDays - float64(int32(monthRemainderDays))) * 86400)
	if math.Abs(secRemainder) >= 86400 {
		d, err := addMonths32(r.Days, int64(int32(secRemainder/86400)))
		if err != nil {
			return nil, err
		}
		r.Days = d
		secRemainder -= float64(int32(secRemainder/86400)) * 86400
	}
	d, err := addMonths32(r.Days, int64(int32(monthRemainderDays)))
	if err != nil {
		return nil, err
	}
	r.Days = d
	rd = math.RoundToEven(float64(span.Micros)*factor + secRemainder*usPerSec)
	if math.IsNaN(rd) || rd < -9.223372036854775808e18 || rd >= 9.223372036854775808e18 {
		return nil, errIntervalOutOfRange
	}
	r.Micros = int64(rd)
	return r, nil
}

// intervalDiv is PostgreSQL's interval_div.
func intervalDiv(span types.Interval, factor float64) (types.Datum, error) {
	if factor == 0 {
		return nil, errDivByZero
	}
	var r types.Interval
	r.Months = cInt32(float64(span.Months) / factor)
	r.Days = cInt32(float64(span.Days) / factor)
	monthRemainderDays := tsRound((float64(span.Months)/factor - float64(r.Months)) * 30)
	secRemainder := tsRound((float64(span.Days)/factor - float64(r.Days) + monthRemainderDays - float64(int32(monthRemainderDays))) * 86400)
	if math.Abs(secRemainder) >= 86400 {
		r.Days += int32(secRemainder / 86400)
		secRemainder -= float64(int32(secRemainder/86400)) * 86400
	}
	r.Days += int32(monthRemainderDays)
	r.Micros = cInt64(math.RoundToEven(float64(span.Micros)/factor + secRemainder*usPerSec))
	return r, nil
}

// cInt32 and cInt64 convert as x86-64's C casts do: out-of-range values
// and NaN become the minimum integer.
func cInt32(f float64) int32 {
	if math.IsNaN(f) || f >= 2147483648 || f <= -2147483649 {
		return math.MinInt32
	}
	return int32(f)
}

func cInt64(f float64) int64 {
	if math.IsNaN(f) || f >= 9.223372036854775808e18 || f < -9.223372036854775808e18 {
		return math.MinInt64
	}
	return int64(f)
}

func floatToTimestamptz(secs float64) (types.Datum, error) {
	if math.IsNaN(secs) {
		return nil, pgerror.New(pgcode.DatetimeFieldOverflow, "timestamp cannot be NaN")
	}
	if math.IsInf(secs, 0) {
		if secs < 0 {
			return types.TimestampTZNegInfinity, nil
		}
		return types.TimestampTZInfinity, nil
	}
	errRange := func() error {
		return pgerror.Newf(pgcode.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", formatG(secs, 6))
	}
	if secs < 86400.0*(0-unixEpochJDate) || secs >= 86400.0*(109203528-unixEpochJDate) {
		return nil, errRange()
	}
	s := secs - float64((pgEpochJDate-unixEpochJDate)*86400)
	r := int64(math.RoundToEven(s * usPerSec))
	if r < minTimestamp || r >= endTimestamp {
		return nil, errRange()
	}
	return types.TimestampTZ(r), nil
}
