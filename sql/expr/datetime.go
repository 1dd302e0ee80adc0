package expr

import (
	"math"
	"time"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Date and time arithmetic with PostgreSQL's semantics: an interval's
// months and days are calendar steps (a month added to January 31 is the
// last day of February; a day across a DST change is 23 or 25 hours for
// timestamptz), its microseconds are exact time.

var (
	errDateRange      = pgerror.New(pgcode.DatetimeFieldOverflow, "date out of range")
	errTimestampRange = pgerror.New(pgcode.DatetimeFieldOverflow, "timestamp out of range")
	errIntervalRange  = pgerror.New(pgcode.DatetimeFieldOverflow, "interval out of range")
)

func init() {
	d, ts, tz, iv, tm := types.DateType, types.TimestampType, types.TimestampTZType, types.IntervalType, types.Time
	addOp("+", d, types.Int4, d, dateAddDays(1))
	addOp("+", types.Int4, d, d, func(c *Context, a []types.Datum) (types.Datum, error) {
		return dateAddDays(1)(c, []types.Datum{a[1], a[0]})
	})
	addOp("-", d, types.Int4, d, dateAddDays(-1))
	addOp("-", d, d, types.Int4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].(types.Date), a[1].(types.Date)
		if !x.IsFinite() || !y.IsFinite() {
			return nil, pgerror.New(pgcode.DatetimeFieldOverflow, "cannot subtract infinite dates")
		}
		return int64(x) - int64(y), nil
	})
	addOp("+", ts, iv, ts, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return timestampAdd(a[0].(types.Timestamp), a[1].(types.Interval), 1)
	})
	addOp("+", iv, ts, ts, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return timestampAdd(a[1].(types.Timestamp), a[0].(types.Interval), 1)
	})
	addOp("-", ts, iv, ts, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return timestampAdd(a[0].(types.Timestamp), a[1].(types.Interval), -1)
	})
	addOp("+", tz, iv, tz, func(c *Context, a []types.Datum) (types.Datum, error) {
		return timestamptzAdd(a[0].(types.TimestampTZ), a[1].(types.Interval), 1, c.location())
	})
	addOp("+", iv, tz, tz, func(c *Context, a []types.Datum) (types.Datum, error) {
		return timestamptzAdd(a[1].(types.TimestampTZ), a[0].(types.Interval), 1, c.location())
	})
	addOp("-", tz, iv, tz, func(c *Context, a []types.Datum) (types.Datum, error) {
		return timestamptzAdd(a[0].(types.TimestampTZ), a[1].(types.Interval), -1, c.location())
	})
	addOp("-", ts, ts, iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return timestampDiff(int64(a[0].(types.Timestamp)), int64(a[1].(types.Timestamp)))
	})
	addOp("-", tz, tz, iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return timestampDiff(int64(a[0].(types.TimestampTZ)), int64(a[1].(types.TimestampTZ)))
	})
	addOp("+", d, tm, ts, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return dateAtTime(a[0].(types.Date), a[1].(types.TimeOfDay))
	})
	// date ± interval is a timestamp without time zone (PostgreSQL's
	// date_pl_interval): the date's midnight moved by the interval.
	addOp("+", d, iv, ts, dateIntervalOp(1, false))
	addOp("+", iv, d, ts, dateIntervalOp(1, true))
	addOp("-", d, iv, ts, dateIntervalOp(-1, false))
	addOp("+", tm, d, ts, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return dateAtTime(a[1].(types.Date), a[0].(types.TimeOfDay))
	})
	addOp("+", iv, tm, tm, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.TimeOfDay(floorMod(int64(a[1].(types.TimeOfDay))+a[0].(types.Interval).Micros, usPerDay)), nil
	})
	addOp("+", iv, iv, iv, intervalAdd(1))
	addOp("-", iv, iv, iv, intervalAdd(-1))
	addOp("-", nil, iv, iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return intervalAdd(-1)(nil, []types.Datum{types.Interval{}, a[0]})
	})
	addOp("+", nil, iv, iv, identity)
	addOp("+", tm, iv, tm, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.TimeOfDay(floorMod(int64(a[0].(types.TimeOfDay))+a[1].(types.Interval).Micros, usPerDay)), nil
	})
	addOp("-", tm, iv, tm, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.TimeOfDay(floorMod(int64(a[0].(types.TimeOfDay))-a[1].(types.Interval).Micros, usPerDay)), nil
	})
	addOp("-", tm, tm, iv, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.Interval{Micros: int64(a[0].(types.TimeOfDay)) - int64(a[1].(types.TimeOfDay))}, nil
	})
}

// dateToTimestamp is a date's midnight; an infinite date is the
// infinite timestamp of its sign. Dates run later than timestamps (to
// 5874897 AD against 294276 AD): those past are out of range, as in
// PostgreSQL's date2timestamp.
func dateToTimestamp(x types.Date) (types.Timestamp, error) {
	if !x.IsFinite() {
		return infiniteTimestamp(x == types.DateInfinity), nil
	}
	if int64(x) >= lastTimestampDay {
		return 0, errDateForTimestamp
	}
	return types.Timestamp(int64(x) * usPerDay), nil
}

// lastTimestampDay is the first day past the timestamps' range
// (294277-01-01), in days from 2000-01-01 (types.ValidTimestamp's end
// in days; a date's µs could overflow int64).
const lastTimestampDay = 109203528 - 2451545

var errDateForTimestamp = pgerror.New(pgcode.DatetimeFieldOverflow, "date out of range for timestamp")

// dateAtTime is date + time: the date's midnight moved by the time
// (24:00 of the last day is past the range).
func dateAtTime(x types.Date, t types.TimeOfDay) (types.Datum, error) {
	ts, err := dateToTimestamp(x)
	if err != nil || !ts.IsFinite() {
		return ts, err
	}
	if r := int64(ts) + int64(t); types.ValidTimestamp(r) {
		return types.Timestamp(r), nil
	}
	return nil, errTimestampRange
}

// dateIntervalOp is date ± interval (and interval + date, flipped).
func dateIntervalOp(sign int, flip bool) func(*Context, []types.Datum) (types.Datum, error) {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		d, iv := a[0], a[1]
		if flip {
			d, iv = iv, d
		}
		ts, err := dateToTimestamp(d.(types.Date))
		if err != nil {
			return nil, err
		}
		return timestampAdd(ts, iv.(types.Interval), sign)
	}
}

// location is the session's time zone.
func (c *Context) location() *time.Location {
	if fs := c.formatSettings(); fs.TimeZone != nil {
		return fs.TimeZone
	}
	return time.UTC
}

func dateAddDays(sign int64) func(*Context, []types.Datum) (types.Datum, error) {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		x := a[0].(types.Date)
		if !x.IsFinite() {
			return x, nil
		}
		r := int64(x) + sign*a[1].(int64)
		// PostgreSQL's date range: 4713 BC to 5874897 AD.
		if r < -2451545 || r > 2145031948 {
			return nil, errDateRange
		}
		return types.Date(r), nil
	}
}

// civil is a broken-down local time.
type civil struct {
	y, m, d          int
	hh, mm, ss, nsec int
}

func toCivil(t time.Time) civil {
	y, m, d := t.Date()
	return civil{y, int(m), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond()}
}

// addMonthsDays adds months (clamping the day to the month's last) then
// days to a civil time, as PostgreSQL's timestamp_pl_interval.
func addMonthsDays(c civil, months, days int32) civil {
	if months != 0 {
		m := c.y*12 + (c.m - 1) + int(months)
		c.y, c.m = floorDivInt(m, 12), m-floorDivInt(m, 12)*12+1
		if last := daysIn(c.y, c.m); c.d > last {
			c.d = last
		}
	}
	if days != 0 {
		t := time.Date(c.y, time.Month(c.m), c.d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
		c.y, c.m, c.d = t.Year(), int(t.Month()), t.Day()
	}
	return c
}

func floorDivInt(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func negate(iv types.Interval, sign int) types.Interval {
	if sign < 0 {
		return types.Interval{Months: -iv.Months, Days: -iv.Days, Micros: -iv.Micros}
	}
	return iv
}

// civilMicros is a civil time as µs since 2000-01-01, or false past
// the timestamps' years (where the µs would overflow int64: the range
// check comes before the arithmetic).
func civilMicros(c civil) (int64, bool) {
	if c.y < -4713 || c.y > 294276 {
		return 0, false
	}
	r := int64(types.TimestampFromTime(time.Date(c.y, time.Month(c.m), c.d, c.hh, c.mm, c.ss, c.nsec, time.UTC)))
	return r, types.ValidTimestamp(r)
}

// addMicros adds an interval's time part, checking the result's range.
func addMicros(r, micros int64) (int64, error) {
	sum := r + micros
	if (micros > 0 && sum < r) || (micros < 0 && sum > r) || !types.ValidTimestamp(sum) {
		return 0, errTimestampRange
	}
	return sum, nil
}

// timestampAdd is PostgreSQL's timestamp_pl_interval: months on the
// calendar (the day clamped to the month's last), then days, then the
// exact time, each step range-checked.
func timestampAdd(ts types.Timestamp, iv types.Interval, sign int) (types.Datum, error) {
	if !ts.IsFinite() {
		return ts, nil
	}
	iv = negate(iv, sign)
	r := int64(ts)
	for _, step := range [2]struct{ months, days int32 }{{iv.Months, 0}, {0, iv.Days}} {
		if step.months == 0 && step.days == 0 {
			continue
		}
		t, _ := types.Timestamp(r).Time()
		var ok bool
		if r, ok = civilMicros(addMonthsDays(toCivil(t), step.months, step.days)); !ok {
			return nil, errTimestampRange
		}
	}
	sum, err := addMicros(r, iv.Micros)
	if err != nil {
		return nil, err
	}
	return types.Timestamp(sum), nil
}

// timestamptzAdd is PostgreSQL's timestamptz_pl_interval: the months,
// then the days, each added to the wall clock in loc and read back
// there (a time that lands in a daylight-saving gap or overlap takes
// the offset localToTimestamptz gives it), then the exact time.
func timestamptzAdd(ts types.TimestampTZ, iv types.Interval, sign int, loc *time.Location) (types.Datum, error) {
	if !ts.IsFinite() {
		return ts, nil
	}
	iv = negate(iv, sign)
	r := int64(ts)
	for _, step := range [2]struct{ months, days int32 }{{iv.Months, 0}, {0, iv.Days}} {
		if step.months == 0 && step.days == 0 {
			continue
		}
		t, _ := types.TimestampTZ(r).Time()
		local, ok := civilMicros(addMonthsDays(toCivil(t.In(loc)), step.months, step.days))
		if ok {
			r, ok = localToTimestamptz(local, loc)
		}
		if !ok || !types.ValidTimestamp(r) {
			return nil, errTimestampRange
		}
	}
	sum, err := addMicros(r, iv.Micros)
	if err != nil {
		return nil, err
	}
	return types.TimestampTZ(sum), nil
}

// timestampDiff is PostgreSQL's timestamp_mi: exact time, with whole days
// taken out (justify_hours).
func timestampDiff(a, b int64) (types.Datum, error) {
	if a == math.MaxInt64 || a == math.MinInt64 || b == math.MaxInt64 || b == math.MinInt64 {
		return nil, pgerror.New(pgcode.DatetimeFieldOverflow, "cannot subtract infinite timestamps")
	}
	diff := a - b
	if (b < 0 && diff < a) || (b > 0 && diff > a) {
		return nil, errIntervalRange
	}
	days := diff / usPerDay
	micros := diff - days*usPerDay
	return types.Interval{Days: int32(days), Micros: micros}, nil
}

func intervalAdd(sign int64) func(*Context, []types.Datum) (types.Datum, error) {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].(types.Interval), a[1].(types.Interval)
		m := int64(x.Months) + sign*int64(y.Months)
		d := int64(x.Days) + sign*int64(y.Days)
		us := x.Micros + sign*y.Micros
		if m > math.MaxInt32 || m < math.MinInt32 || d > math.MaxInt32 || d < math.MinInt32 ||
			(sign > 0 && ((y.Micros > 0 && us < x.Micros) || (y.Micros < 0 && us > x.Micros))) ||
			(sign < 0 && ((y.Micros < 0 && us < x.Micros) || (y.Micros > 0 && us > x.Micros))) {
			return nil, errIntervalRange
		}
		return types.Interval{Months: int32(m), Days: int32(d), Micros: us}, nil
	}
}
