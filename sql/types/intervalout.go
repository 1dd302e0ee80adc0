// Interval output in the four IntervalStyles.

package types

import "strconv"

// itm is an interval broken down for output.
type itm struct {
	year, mon, mday     int64
	hour, min, sec, use int64
}

func intervalToItm(iv Interval) itm {
	var r itm
	r.year = int64(iv.Months) / 12
	r.mon = int64(iv.Months) % 12
	r.mday = int64(iv.Days)
	t := iv.Micros
	r.hour = t / usPerHour
	t -= r.hour * usPerHour
	r.min = t / usPerMinute
	t -= r.min * usPerMinute
	r.sec = t / usPerSecond
	r.use = t - r.sec*usPerSecond
	return r
}

func abs64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

// appendSeconds is AppendSeconds: seconds (two digits when fill), then
// the fraction without trailing zeros.
func appendSeconds(dst []byte, sec, fsec int64, fill bool) []byte {
	s := abs64(sec)
	if fill && s < 10 {
		dst = append(dst, '0')
	}
	dst = strconv.AppendUint(dst, s, 10)
	if fsec != 0 {
		f := abs64(fsec)
		var buf [6]byte
		for k := 5; k >= 0; k-- {
			buf[k] = byte('0' + f%10)
			f /= 10
		}
		n := 6
		for n > 0 && buf[n-1] == '0' {
			n--
		}
		dst = append(dst, '.')
		dst = append(dst, buf[:n]...)
	}
	return dst
}

func appendPad2(dst []byte, v uint64) []byte {
	if v < 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendUint(dst, v, 10)
}

// appendInterval is interval_out in the four IntervalStyles.
func appendInterval(dst []byte, iv Interval, style intervalStyle) []byte {
	t := intervalToItm(iv)
	year, mon, mday, hour, min, sec, fsec := t.year, t.mon, t.mday, t.hour, t.min, t.sec, t.use
	isZero, isBefore := true, false
	switch style {
	case intervalISO8601:
		if year == 0 && mon == 0 && mday == 0 && hour == 0 && min == 0 && sec == 0 && fsec == 0 {
			return append(dst, "PT0S"...)
		}
		dst = append(dst, 'P')
		dst = addISOPart(dst, year, 'Y')
		dst = addISOPart(dst, mon, 'M')
		dst = addISOPart(dst, mday, 'D')
		if hour != 0 || min != 0 || sec != 0 || fsec != 0 {
			dst = append(dst, 'T')
		}
		dst = addISOPart(dst, hour, 'H')
		dst = addISOPart(dst, min, 'M')
		if sec != 0 || fsec != 0 {
			if sec < 0 || fsec < 0 {
				dst = append(dst, '-')
			}
			dst = appendSeconds(dst, sec, fsec, false)
			dst = append(dst, 'S')
		}
		return dst

	case intervalSQLStandard:
		hasNeg := year < 0 || mon < 0 || mday < 0 || hour < 0 || min < 0 || sec < 0 || fsec < 0
		hasPos := year > 0 || mon > 0 || mday > 0 || hour > 0 || min > 0 || sec > 0 || fsec > 0
		hasYM := year != 0 || mon != 0
		hasDT := mday != 0 || hour != 0 || min != 0 || sec != 0 || fsec != 0
		standard := !(hasNeg && hasPos) && !(hasYM && hasDT)
		if hasNeg && standard {
			dst = append(dst, '-')
			year, mon, mday, hour, min, sec, fsec = -year, -mon, -mday, -hour, -min, -sec, -fsec
		}
		switch {
		case !hasNeg && !hasPos:
			return append(dst, '0')
		case !standard:
			ys, ds, ss := byte('+'), byte('+'), byte('+')
			if year < 0 || mon < 0 {
				ys = '-'
			}
			if mday < 0 {
				ds = '-'
			}
			if hour < 0 || min < 0 || sec < 0 || fsec < 0 {
				ss = '-'
			}
			dst = append(dst, ys)
			dst = strconv.AppendUint(dst, abs64(year), 10)
			dst = append(dst, '-')
			dst = strconv.AppendUint(dst, abs64(mon), 10)
			dst = append(dst, ' ', ds)
			dst = strconv.AppendUint(dst, abs64(mday), 10)
			dst = append(dst, ' ', ss)
			dst = strconv.AppendUint(dst, abs64(hour), 10)
			dst = append(dst, ':')
			dst = appendPad2(dst, abs64(min))
			dst = append(dst, ':')
			return appendSeconds(dst, sec, fsec, true)
		case hasYM:
			dst = strconv.AppendInt(dst, year, 10)
			dst = append(dst, '-')
			return strconv.AppendInt(dst, mon, 10)
		case mday != 0:
			dst = strconv.AppendInt(dst, mday, 10)
			dst = append(dst, ' ')
			dst = strconv.AppendInt(dst, hour, 10)
			dst = append(dst, ':')
			dst = appendPad2(dst, uint64(min))
			dst = append(dst, ':')
			return appendSeconds(dst, sec, fsec, true)
		}
		dst = strconv.AppendInt(dst, hour, 10)
		dst = append(dst, ':')
		dst = appendPad2(dst, uint64(min))
		dst = append(dst, ':')
		return appendSeconds(dst, sec, fsec, true)

	case intervalPostgresVerbose:
		dst = append(dst, '@')
		dst = addVerbosePart(dst, year, "year", &isZero, &isBefore)
		dst = addVerbosePart(dst, mon, "mon", &isZero, &isBefore)
		dst = addVerbosePart(dst, mday, "day", &isZero, &isBefore)
		dst = addVerbosePart(dst, hour, "hour", &isZero, &isBefore)
		dst = addVerbosePart(dst, min, "min", &isZero, &isBefore)
		if sec != 0 || fsec != 0 {
			dst = append(dst, ' ')
			if sec < 0 || (sec == 0 && fsec < 0) {
				if isZero {
					isBefore = true
				} else if !isBefore {
					dst = append(dst, '-')
				}
			} else if isBefore {
				dst = append(dst, '-')
			}
			dst = appendSeconds(dst, sec, fsec, false)
			dst = append(dst, " sec"...)
			if abs64(sec) != 1 || fsec != 0 {
				dst = append(dst, 's')
			}
			isZero = false
		}
		if isZero {
			dst = append(dst, " 0"...)
		}
		if isBefore {
			dst = append(dst, " ago"...)
		}
		return dst
	}
	dst = addPostgresPart(dst, year, "year", &isZero, &isBefore)
	dst = addPostgresPart(dst, mon, "mon", &isZero, &isBefore)
	dst = addPostgresPart(dst, mday, "day", &isZero, &isBefore)
	if isZero || hour != 0 || min != 0 || sec != 0 || fsec != 0 {
		minus := hour < 0 || min < 0 || sec < 0 || fsec < 0
		if !isZero {
			dst = append(dst, ' ')
		}
		if minus {
			dst = append(dst, '-')
		} else if isBefore {
			dst = append(dst, '+')
		}
		dst = appendPad2(dst, abs64(hour))
		dst = append(dst, ':')
		dst = appendPad2(dst, abs64(min))
		dst = append(dst, ':')
		dst = appendSeconds(dst, sec, fsec, true)
	}
	return dst
}

func addISOPart(dst []byte, v int64, unit byte) []byte {
	if v == 0 {
		return dst
	}
	dst = strconv.AppendInt(dst, v, 10)
	return append(dst, unit)
}

// addPostgresPart is AddPostgresIntPart: after a negative field the next
// one gets an explicit "+" so that "-1 days +02:00:00" reads back.
func addPostgresPart(dst []byte, v int64, unit string, isZero, isBefore *bool) []byte {
	if v == 0 {
		return dst
	}
	if !*isZero {
		dst = append(dst, ' ')
	}
	if *isBefore && v > 0 {
		dst = append(dst, '+')
	}
	dst = strconv.AppendInt(dst, v, 10)
	dst = append(dst, ' ')
	dst = append(dst, unit...)
	if v != 1 {
		dst = append(dst, 's')
	}
	*isBefore = v < 0
	*isZero = false
	return dst
}

// addVerbosePart is AddVerboseIntPart: the first non-zero field decides
// "ago", and later fields are printed relative to it.
func addVerbosePart(dst []byte, v int64, unit string, isZero, isBefore *bool) []byte {
	if v == 0 {
		return dst
	}
	if *isZero {
		*isBefore = v < 0
		if v < 0 {
			v = -v
		}
	} else if *isBefore {
		v = -v
	}
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, v, 10)
	dst = append(dst, ' ')
	dst = append(dst, unit...)
	if v != 1 {
		dst = append(dst, 's')
	}
	*isZero = false
	return dst
}
