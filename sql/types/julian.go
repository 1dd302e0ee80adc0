package types

// Calendar arithmetic on Julian day numbers, which is how PostgreSQL
// counts dates internally. Years are astronomical: 0 is 1 BC, -1 is 2 BC.

const (
	pgEpochJDate   = 2451545 // Julian day of 2000-01-01
	unixEpochJDate = 2440588 // Julian day of 1970-01-01

	// The range of dates PostgreSQL accepts: 4714-11-24 BC (Julian day 0)
	// to 5874897-12-31 AD; timestamps end earlier, at 294276-12-31.
	julianMinYear      = -4713
	julianMinMonth     = 11
	julianMaxYear      = 5874898
	julianMaxMonth     = 6
	dateEndJulian      = 2147483494 // first Julian day past the last date
	timestampEndJulian = 109203528  // 294277-01-01

	// minTimestamp and endTimestamp bound finite timestamps (µs since
	// 2000-01-01): [4714-11-24 00:00:00 BC, 294277-01-01 00:00:00).
	minTimestamp = -211813488000000000
	endTimestamp = 9223371331200000000
)

// date2j returns the Julian day number of a proleptic Gregorian date.
func date2j(y, m, d int) int {
	a := (14 - m) / 12
	yy := y + 4800 - a
	mm := m + 12*a - 3
	return d + (153*mm+2)/5 + 365*yy + yy/4 - yy/100 + yy/400 - 32045
}

// j2date is the inverse of date2j.
func j2date(jd int) (y, m, d int) {
	a := jd + 32044
	b := (4*a + 3) / 146097
	c := a - 146097*b/4
	dd := (4*c + 3) / 1461
	e := c - 1461*dd/4
	mm := (5*e + 2) / 153
	d = e - (153*mm+2)/5 + 1
	m = mm + 3 - 12*(mm/10)
	y = 100*b + dd - 4800 + mm/10
	return y, m, d
}

// j2day returns the day of the week of a Julian day, 0 = Sunday.
func j2day(jd int) int {
	r := (jd + 1) % 7
	if r < 0 {
		r += 7
	}
	return r
}

// isLeap reports whether an astronomical year is a Gregorian leap year.
func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

var daysInMonthTab = [2][12]int{
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
}

// daysInMonth returns the length of month m (1-12) of year y.
func daysInMonth(y, m int) int {
	l := 0
	if isLeap(y) {
		l = 1
	}
	return daysInMonthTab[l][m-1]
}

// validJulian is PostgreSQL's IS_VALID_JULIAN: a coarse check done before
// date2j so that it cannot overflow; exact bounds are checked afterwards.
func validJulian(y, m int) bool {
	return (y > julianMinYear || (y == julianMinYear && m >= julianMinMonth)) &&
		(y < julianMaxYear || (y == julianMaxYear && m < julianMaxMonth))
}

// validDate reports whether a Date is inside PostgreSQL's date range.
func validDate(d int64) bool {
	return d >= -pgEpochJDate && d < dateEndJulian-pgEpochJDate
}

// validTimestamp reports whether µs since 2000-01-01 is inside
// PostgreSQL's timestamp range.
func validTimestamp(t int64) bool { return t >= minTimestamp && t < endTimestamp }

// ValidTimestamp reports whether µs since 2000-01-01 is a finite
// timestamp in PostgreSQL's range (IS_VALID_TIMESTAMP).
func ValidTimestamp(t int64) bool { return validTimestamp(t) }

// date2j32 is date2j computed as PostgreSQL computes it, in wrapping
// 32-bit arithmetic with C's truncating division. Inside the valid date
// range it equals date2j; outside it (a day of the year in a year before
// 4713 BC, say) it gives PostgreSQL's numbers, which decide the error.
func date2j32(y, m, d int) int32 {
	year, month := int32(y), int32(m)
	if month > 2 {
		month, year = month+1, year+4800
	} else {
		month, year = month+13, year+4799
	}
	century := year / 100
	j := year*365 - 32167
	j += year/4 - century + century/4
	return j + 7834*month/256 + int32(d)
}

// j2date32 is the inverse of date2j32 in PostgreSQL's unsigned 32-bit
// arithmetic, so that out-of-range day numbers map to the same
// (meaningless but in-range) fields.
func j2date32(jd int32) (y, m, d int) {
	j := uint32(jd) + 32044
	q := j / 146097
	extra := (j-q*146097)*4 + 3
	j += 60 + q*3 + extra/146097
	q = j / 1461
	j -= q * 1461
	yr := j * 4 / 1461
	if yr != 0 {
		j = (j+305)%365 + 123
	} else {
		j = (j+306)%366 + 123
	}
	yr += q * 4
	q = j * 2141 / 65536
	return int(int32(yr - 4800)), int((q+10)%12 + 1), int(int32(j - 7834*q/256))
}
