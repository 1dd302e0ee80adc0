package keyenc

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/stela-db/stela/sql/types"
)

// Interval keys. PostgreSQL orders intervals by interval_cmp_value: the
// span in microseconds with a month counted as 30 days and a day as 24
// hours, a 128-bit quantity. The key is that span as a 128-bit two's
// complement integer, big-endian with the sign bit flipped (16 bytes).
const (
	usPerDay   = 24 * 3600 * 1000000
	usPerMonth = 30 * usPerDay
)

// i128 is a signed 128-bit integer in two's complement.
type i128 struct {
	hi int64
	lo uint64
}

func mul64(a, b int64) i128 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if a < 0 {
		hi -= uint64(b)
	}
	if b < 0 {
		hi -= uint64(a)
	}
	return i128{int64(hi), lo}
}

func (x i128) add(y i128) i128 {
	lo, c := bits.Add64(x.lo, y.lo, 0)
	return i128{x.hi + y.hi + int64(c), lo}
}

func (x i128) sub(y i128) i128 {
	lo, b := bits.Sub64(x.lo, y.lo, 0)
	return i128{x.hi - y.hi - int64(b), lo}
}

func (x i128) neg() i128 { return i128{}.sub(x) }

func (x i128) cmp(y i128) int {
	switch {
	case x.hi < y.hi:
		return -1
	case x.hi > y.hi:
		return 1
	case x.lo < y.lo:
		return -1
	case x.lo > y.lo:
		return 1
	}
	return 0
}

func fromInt64(v int64) i128 { return i128{v >> 63, uint64(v)} }

// int64 returns x when it fits in an int64.
func (x i128) int64() (int64, bool) {
	return int64(x.lo), x.hi == int64(x.lo)>>63
}

// floorDivDay divides x by the microseconds of a day, rounding toward
// minus infinity; |x| must be below 2^100 (spans are below 2^75).
func (x i128) floorDivDay() (q int64, r int64) {
	neg := x.hi < 0
	a := x
	if neg {
		a = x.neg()
	}
	q1, r1 := bits.Div64(uint64(a.hi), a.lo, usPerDay)
	q, r = int64(q1), int64(r1)
	if neg {
		q = -q
		if r != 0 {
			q--
			r = usPerDay - r
		}
	}
	return q, r
}

func intervalSpan(iv types.Interval) i128 {
	return mul64(int64(iv.Months), usPerMonth).add(mul64(int64(iv.Days), usPerDay)).add(fromInt64(iv.Micros))
}

var (
	minSpan = intervalSpan(types.Interval{Months: math.MinInt32, Days: math.MinInt32, Micros: math.MinInt64})
	maxSpan = intervalSpan(types.Interval{Months: math.MaxInt32, Days: math.MaxInt32, Micros: math.MaxInt64})
)

func appendIntervalKey(dst []byte, iv types.Interval) []byte {
	s := intervalSpan(iv)
	dst = binary.BigEndian.AppendUint64(dst, uint64(s.hi)^signBit64)
	return binary.BigEndian.AppendUint64(dst, s.lo)
}

func decodeIntervalKey(r *reader, t *types.T) (types.Datum, error) {
	hi, ok := r.uint64()
	if !ok {
		return nil, errTruncated(t)
	}
	lo, ok := r.uint64()
	if !ok {
		return nil, errTruncated(t)
	}
	s := i128{int64(hi ^ signBit64), lo}
	if s.cmp(minSpan) < 0 || s.cmp(maxSpan) > 0 {
		return nil, errCorrupt(t, "interval span out of range")
	}
	return spanInterval(s), nil
}

// spanInterval returns the canonical interval of a span: whole days and
// microseconds 0 <= µs < 24 h when the days fit an int32; otherwise the
// days are carried into months of 30 days, the fields being filled in
// the order months, days, microseconds, each as far as it can hold.
func spanInterval(s i128) types.Interval {
	days, us := s.floorDivDay()
	if days >= math.MinInt32 && days <= math.MaxInt32 {
		return types.Interval{Days: int32(days), Micros: us}
	}
	months := clamp32(days / 30)
	rem := s.sub(mul64(months, usPerMonth))
	days, _ = rem.floorDivDay()
	days = clamp32(days)
	rem = rem.sub(mul64(days, usPerDay))
	micros, _ := rem.int64() // fits for any span between minSpan and maxSpan
	return types.Interval{Months: int32(months), Days: int32(days), Micros: micros}
}

func clamp32(v int64) int64 {
	return max(math.MinInt32, min(math.MaxInt32, v))
}
