package types

import (
	"encoding/binary"
	"strconv"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Work buffer sizes of PostgreSQL's date/time input functions, which
// bound how long an input may be (MAXDATELEN is 128).
const (
	dateBufLen      = 128 + 1
	timestampBufLen = 128 + maxDateFields
)

// parseDate is date_in.
func parseDate(s string, fs *FormatSettings) (Datum, error) {
	f, code := parseDateTimeFields(s, dateBufLen)
	if code != dtOK {
		return nil, dterr(code).report(s, "date")
	}
	tm, dtype, e := decodeDateTime(f, fs)
	if e != nil {
		return nil, e.report(s, "date")
	}
	switch dtype {
	case dtkDate:
	case dtkEpoch:
		tm.year, tm.mon, tm.mday = 1970, 1, 1
	case dtkLate:
		return DateInfinity, nil
	case dtkEarly:
		return DateNegInfinity, nil
	default:
		return nil, dterr(dtBadFormat).report(s, "date")
	}
	if !validJulian(tm.year, tm.mon) {
		return nil, pgerror.Newf(pgcode.DatetimeFieldOverflow, "date out of range: \"%s\"", s)
	}
	d := int64(date2j(tm.year, tm.mon, tm.mday) - pgEpochJDate)
	if !validDate(d) {
		return nil, pgerror.Newf(pgcode.DatetimeFieldOverflow, "date out of range: \"%s\"", s)
	}
	return Date(d), nil
}

// appendYear writes a year as PostgreSQL does: at least four digits,
// and for BC the positive year (the " BC" suffix is added by callers).
func appendYear(dst []byte, year int) []byte {
	if year <= 0 {
		year = -(year - 1)
	}
	for n := 1000; n > 1 && year < n; n /= 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, int64(year), 10)
}

var (
	monthAbbrevs = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	dayAbbrevs   = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
)

// appendDateFields is EncodeDateOnly.
func appendDateFields(dst []byte, y, m, d int, style dateStyle, order dateOrder) []byte {
	switch style {
	case styleSQL:
		if order == orderDMY {
			dst = appendPad2(dst, uint64(d))
			dst = append(dst, '/')
			dst = appendPad2(dst, uint64(m))
		} else {
			dst = appendPad2(dst, uint64(m))
			dst = append(dst, '/')
			dst = appendPad2(dst, uint64(d))
		}
		dst = append(dst, '/')
		dst = appendYear(dst, y)
	case styleGerman:
		dst = appendPad2(dst, uint64(d))
		dst = append(dst, '.')
		dst = appendPad2(dst, uint64(m))
		dst = append(dst, '.')
		dst = appendYear(dst, y)
	case stylePostgres:
		if order == orderDMY {
			dst = appendPad2(dst, uint64(d))
			dst = append(dst, '-')
			dst = appendPad2(dst, uint64(m))
		} else {
			dst = appendPad2(dst, uint64(m))
			dst = append(dst, '-')
			dst = appendPad2(dst, uint64(d))
		}
		dst = append(dst, '-')
		dst = appendYear(dst, y)
	default:
		dst = appendYear(dst, y)
		dst = append(dst, '-')
		dst = appendPad2(dst, uint64(m))
		dst = append(dst, '-')
		dst = appendPad2(dst, uint64(d))
	}
	if y <= 0 {
		dst = append(dst, " BC"...)
	}
	return dst
}

// appendDate is date_out.
func appendDate(dst []byte, d Date, fs *FormatSettings) []byte {
	switch d {
	case DateInfinity:
		return append(dst, "infinity"...)
	case DateNegInfinity:
		return append(dst, "-infinity"...)
	}
	y, m, dd := j2date(int(d) + pgEpochJDate)
	style, order := parseDateStyle(fs.DateStyle)
	return appendDateFields(dst, y, m, dd, style, order)
}

// String returns the date in ISO style.
func (d Date) String() string { return string(appendDate(nil, d, &defaultSettings)) }

func decodeDate4(b []byte) (Datum, error) {
	if len(b) < 4 {
		return nil, errInsufficientData()
	}
	if len(b) > 4 {
		return nil, errBinaryFormat()
	}
	d := Date(int32(binary.BigEndian.Uint32(b)))
	if d.IsFinite() && !validDate(int64(d)) {
		return nil, pgerror.New(pgcode.DatetimeFieldOverflow, "date out of range")
	}
	return d, nil
}
