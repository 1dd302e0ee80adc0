package expr

import (
	"math"
	"strconv"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// to_char(interval, text), PostgreSQL's interval_to_char: the interval
// is broken down as EXTRACT does (years and months of the months, the
// days, and hours - any number of them - minutes, seconds and
// microseconds of the time, each with the sign of its part) and
// formatted by the timestamps' template reading (formatDateTime), with
// PostgreSQL's is_interval rules for the fields:
//
//   - numbers print with C's printf("%0*d"): a negative one has its
//     minus sign within the width, and HH, HH24, MI, SS, MM, CC and the
//     years get one more place when negative; HH24 and SSSS print all
//     the hours;
//   - HH and HH12 are the hours on a 12-hour clock (0 and 12 are 12,
//     -13 is -01), AM/PM is PM for hours mod 24 (C's remainder, so
//     negative hours are AM) from 12;
//   - the year is not adjusted for BC (0 is 0, CC is year/100);
//   - DDD and WW count a month as 30 days, and the ISO fields and J read
//     the year, month and day as a date would, with C's int arithmetic;
//   - Q and RM print nothing for no months (RM: unless there are years,
//     then XII, or I for negative years), RM reads -1 month as XII;
//   - names (Month, Day, D, ID, AD/BC, the zone fields) are an error.

func init() {
	addFunc("to_char", fn([]*types.T{types.IntervalType, types.Text}, types.Text, func(_ *Context, a []types.Datum) (types.Datum, error) {
		r := interval2itm(a[0].(types.Interval))
		tm := pgTm{year: r.year, mon: r.mon, mday: r.mday, hour: r.hour, min: r.min, sec: r.sec, fsec: r.usec}
		return formatDateTime(&tm, false, true, a[1].(string))
	}))
}

var errIntervalFormat = pgerror.New(pgcode.InvalidDatetimeFormat, "invalid format specification for an interval value").
	WithHint("Intervals are not tied to specific calendar dates.")

// writeIntervalField prints field p of the interval's fields tm (see
// above): fm drops the padding, th (TH or th) adds a number's ordinal
// suffix.
func (tm *pgTm) writeIntervalField(out *strings.Builder, p *dchPattern, _, fm bool, th string) error {
	// PostgreSQL keeps all but the hours in C ints.
	year, mon, mday := int32(tm.year), int32(tm.mon), int32(tm.mday)
	// tm_yday: the span in days, months of 30 days.
	yday := (year*12+mon)*30 + mday
	// num prints v as printf("%0*d", width, v), then its ordinal suffix.
	num := func(v int64, width int) {
		s := cZeroPad(v, width)
		out.WriteString(s)
		if th != "" {
			out.WriteString(ordinal(s, th == "TH"))
		}
	}
	// width is a field's: none in fill mode, else n, n+1 for negative v.
	width := func(v int64, n int) int {
		switch {
		case fm:
			return 0
		case v < 0:
			return n + 1
		}
		return n
	}
	fmWidth := func(n int) int {
		if fm {
			return 0
		}
		return n
	}
	switch p.field {
	case dchHH24:
		num(tm.hour, width(tm.hour, 2))
	case dchHH12:
		h := tm.hour % 12
		if h == 0 {
			h = 12
		}
		num(h, width(tm.hour, 2))
	case dchMI:
		num(tm.min, width(tm.min, 2))
	case dchSS:
		num(tm.sec, width(tm.sec, 2))
	case dchMS:
		num(tm.fsec/1000, 3) // FM or not
	case dchUS:
		num(tm.fsec, 6)
	case dchFF:
		num(tm.fsec/int64(math.Pow10(6-p.n)), p.n)
	case dchSSSS:
		num(tm.hour*3600+tm.min*60+tm.sec, 0)
	case dchAM:
		word := "AM"
		if tm.hour%24 >= 12 {
			word = "PM"
		}
		name := dotted(word, p.dots)
		if p.lc == caseLower {
			name = strings.ToLower(name)
		}
		out.WriteString(name)
	case dchCC:
		cc := int64(year / 100)
		w := 0
		if cc >= -99 && cc <= 99 {
			w = width(cc, 2)
		}
		num(cc, w)
	case dchYCommaYYY:
		k := year / 1000
		s := strconv.FormatInt(int64(k), 10) + "," + cZeroPad(int64(year-k*1000), 3)
		out.WriteString(s)
		if th != "" {
			out.WriteString(ordinal(s, th == "TH"))
		}
	case dchYear, dchISOYear:
		y := year
		if p.field == dchISOYear {
			y = date2isoyear(year, mon, mday)
		}
		// The width follows the year's sign, for ISO years too.
		switch p.n {
		case 4:
			num(int64(y), width(int64(year), 4))
		case 3:
			num(int64(y%1000), width(int64(year), 3))
		case 2:
			num(int64(y%100), width(int64(year), 2))
		default:
			num(int64(y%10), 1)
		}
	case dchQ:
		if mon != 0 {
			num(int64((mon-1)/3+1), 0)
		}
	case dchMM:
		num(int64(mon), width(int64(mon), 2))
	case dchRM:
		if mon == 0 && year == 0 {
			break
		}
		// romanMonths[i] is month i+1; -1 month is XII, -11 is II.
		var i int32
		switch {
		case mon > 0:
			i = mon - 1
		case mon < 0:
			i = 12 + mon
		case year >= 0:
			i = 11
		}
		s := romanMonths[i]
		if p.lc == caseLower {
			s = strings.ToLower(s)
		}
		out.WriteString(s)
		if !fm {
			out.WriteString(strings.Repeat(" ", 4-len(s)))
		}
	case dchDD:
		num(int64(mday), fmWidth(2))
	case dchDDD:
		num(int64(yday), fmWidth(3))
	case dchIDDD:
		jd := date2j(year, mon, mday)
		num(int64(jd-isoweek2j(date2isoyear(year, mon, mday), 1)+1), fmWidth(3))
	case dchW:
		num(int64((mday-1)/7+1), 0)
	case dchWW:
		num(int64((yday-1)/7+1), fmWidth(2))
	case dchIW:
		num(int64(date2isoweek(year, mon, mday)), fmWidth(2))
	case dchJ:
		num(int64(date2j(year, mon, mday)), 0)
	case dchFX:
	case dchTZ, dchTZH, dchTZM, dchOF, dchAD, dchMonth, dchMon, dchDay, dchDY, dchD, dchID:
		return errIntervalFormat
	default:
		return pgerror.Newf(pgcode.Internal, "to_char: pattern \"%s\" has no field", p.text)
	}
	return nil
}

// cZeroPad is C's printf("%0*d", width, v): zeros after the sign, the
// sign counted in the width.
func cZeroPad(v int64, width int) string {
	s := strconv.FormatInt(v, 10)
	if len(s) >= width {
		return s
	}
	if v < 0 {
		return "-" + strings.Repeat("0", width-len(s)) + s[1:]
	}
	return strings.Repeat("0", width-len(s)) + s
}
