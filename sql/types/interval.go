package types

import (
	"encoding/binary"
	"strconv"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Interval typmods pack a field range (a mask of the fields written, as
// in INTERVAL DAY TO SECOND) and a fractional-second precision:
// (range << 16) | precision, with 0x7FFF and 0xFFFF meaning "all".
const (
	intervalFullRange     = 0x7fff
	intervalFullPrecision = 0xffff
	maxIntervalPrecision  = 6
)

func intervalMask(t int) int { return 1 << t }

func intervalRange(typmod int32) int {
	if typmod < 0 {
		return intervalFullRange
	}
	return int(typmod>>16) & 0x7fff
}

// intervalRangeNames are the valid field ranges and how format_type
// prints them.
var intervalRangeNames = map[int]string{
	intervalMask(tkYear):                         " year",
	intervalMask(tkMonth):                        " month",
	intervalMask(tkDay):                          " day",
	intervalMask(tkHour):                         " hour",
	intervalMask(tkMinute):                       " minute",
	intervalMask(tkSecond):                       " second",
	intervalMask(tkYear) | intervalMask(tkMonth): " year to month",
	intervalMask(tkDay) | intervalMask(tkHour):   " day to hour",
	intervalMask(tkDay) | intervalMask(tkHour) | intervalMask(tkMinute):                          " day to minute",
	intervalMask(tkDay) | intervalMask(tkHour) | intervalMask(tkMinute) | intervalMask(tkSecond): " day to second",
	intervalMask(tkHour) | intervalMask(tkMinute):                                                " hour to minute",
	intervalMask(tkHour) | intervalMask(tkMinute) | intervalMask(tkSecond):                       " hour to second",
	intervalMask(tkMinute) | intervalMask(tkSecond):                                              " minute to second",
	intervalFullRange: "",
}

// intervalTypmodString is intervaltypmodout.
func intervalTypmodString(typmod int32) string {
	if typmod < 0 {
		return ""
	}
	s := intervalRangeNames[intervalRange(typmod)]
	if p := int(typmod & 0xffff); p != intervalFullPrecision {
		s += "(" + strconv.Itoa(p) + ")"
	}
	return s
}

var (
	intervalScales  = [7]int64{1000000, 100000, 10000, 1000, 100, 10, 1}
	intervalOffsets = [7]int64{500000, 50000, 5000, 500, 50, 5, 0}
)

// adjustIntervalForTypmod is AdjustIntervalForTypmod: fields right of
// the range's last one are zeroed (those left of it are kept), then the
// microseconds are rounded to the precision.
func adjustIntervalForTypmod(iv Interval, typmod int32) (Datum, error) {
	if typmod < 0 {
		return iv, nil
	}
	r := intervalRange(typmod)
	prec := int(typmod & 0xffff)
	y, mo, d, h, mi := intervalMask(tkYear), intervalMask(tkMonth), intervalMask(tkDay), intervalMask(tkHour), intervalMask(tkMinute)
	switch r {
	case y:
		iv.Months = iv.Months / 12 * 12
		iv.Days, iv.Micros = 0, 0
	case mo, y | mo:
		iv.Days, iv.Micros = 0, 0
	case d:
		iv.Micros = 0
	case h, d | h:
		iv.Micros = iv.Micros / usPerHour * usPerHour
	case mi, d | h | mi, h | mi:
		iv.Micros = iv.Micros / usPerMinute * usPerMinute
	}
	if prec != intervalFullPrecision {
		if prec < 0 || prec > maxIntervalPrecision {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "interval(%d) precision must be between %d and %d", prec, 0, maxIntervalPrecision)
		}
		var ok bool
		if iv.Micros >= 0 {
			iv.Micros, ok = addInt64(iv.Micros, intervalOffsets[prec])
		} else {
			iv.Micros, ok = addInt64(iv.Micros, -intervalOffsets[prec])
		}
		if !ok {
			return nil, pgerror.New(pgcode.DatetimeFieldOverflow, "interval out of range")
		}
		iv.Micros -= iv.Micros % intervalScales[prec]
	}
	return iv, nil
}

func decodeInterval16(b []byte) (Interval, error) {
	if len(b) < 16 {
		return Interval{}, errInsufficientData()
	}
	if len(b) > 16 {
		return Interval{}, errBinaryFormat()
	}
	return Interval{
		Micros: int64(binary.BigEndian.Uint64(b)),
		Days:   int32(binary.BigEndian.Uint32(b[8:])),
		Months: int32(binary.BigEndian.Uint32(b[12:])),
	}, nil
}

func appendIntervalBinary(dst []byte, iv Interval) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(iv.Micros))
	dst = binary.BigEndian.AppendUint32(dst, uint32(iv.Days))
	return binary.BigEndian.AppendUint32(dst, uint32(iv.Months))
}

// compareInterval orders intervals by their length with months counted
// as 30 days and days as 24 hours, as interval_cmp does (so '1 month'
// equals '30 days'). The sum needs more than 64 bits; it is compared as
// whole days plus a non-negative remainder.
func compareInterval(a, b Interval) int {
	da, fa := intervalSpan(a)
	db, fb := intervalSpan(b)
	if da != db {
		return cmpInt(da, db)
	}
	return cmpInt(fa, fb)
}

func intervalSpan(iv Interval) (days, frac int64) {
	days = int64(iv.Months)*30 + int64(iv.Days) + iv.Micros/usPerDay
	frac = iv.Micros % usPerDay
	if frac < 0 {
		frac += usPerDay
		days--
	}
	return days, frac
}
