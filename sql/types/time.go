package types

import (
	"encoding/binary"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

const maxTimePrecision = 6

// Rounding of time(p) and timestamp(p): add half a unit, truncate.
var (
	timeScales  = [7]int64{1000000, 100000, 10000, 1000, 100, 10, 1}
	timeOffsets = [7]int64{500000, 50000, 5000, 500, 50, 5, 0}
)

// roundMicros rounds to p fractional digits, half away from zero.
func roundMicros(v int64, p int32) int64 {
	if p < 0 || p >= maxTimePrecision {
		return v
	}
	if v >= 0 {
		return (v + timeOffsets[p]) / timeScales[p] * timeScales[p]
	}
	return -((-v + timeOffsets[p]) / timeScales[p] * timeScales[p])
}

// parseTime is time_in: a time of day, possibly after a date or before a
// zone, both ignored.
func parseTime(s string, typmod int32, fs *FormatSettings) (Datum, error) {
	f, code := parseDateTimeFields(s, dateBufLen)
	if code != dtOK {
		return nil, dterr(code).report(s, "time")
	}
	tm, e := decodeTimeOnly(f, fs)
	if e != nil {
		return nil, e.report(s, "time")
	}
	t := ((int64(tm.hour)*60+int64(tm.min))*60+int64(tm.sec))*usPerSecond + tm.fsec
	return TimeOfDay(roundMicros(t, typmod)), nil
}

// appendTime is time_out: HH:MM:SS and a fraction without trailing
// zeros.
func appendTime(dst []byte, t TimeOfDay) []byte {
	v := int64(t)
	h := v / usPerHour
	v -= h * usPerHour
	m := v / usPerMinute
	v -= m * usPerMinute
	sec := v / usPerSecond
	dst = appendPad2(dst, uint64(h))
	dst = append(dst, ':')
	dst = appendPad2(dst, uint64(m))
	dst = append(dst, ':')
	return appendSeconds(dst, sec, v-sec*usPerSecond, true)
}

// String returns the time as time_out prints it.
func (t TimeOfDay) String() string { return string(appendTime(nil, t)) }

func decodeTime8(b []byte, typmod int32) (Datum, error) {
	if len(b) < 8 {
		return nil, errInsufficientData()
	}
	if len(b) > 8 {
		return nil, errBinaryFormat()
	}
	v := int64(binary.BigEndian.Uint64(b))
	if v < 0 || v > usPerDay {
		return nil, pgerror.New(pgcode.DatetimeFieldOverflow, "time out of range")
	}
	return TimeOfDay(roundMicros(v, typmod)), nil
}
