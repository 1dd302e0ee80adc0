package expr

import (
	"math/bits"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Assorted functions of PostgreSQL 15: num_nulls and num_nonnulls
// (misc.c), string_to_table (varlena.c, the set-returning sibling of
// string_to_array) and date_bin (timestamp.c).

func init() {
	// num_nulls(VARIADIC "any") and num_nonnulls: not strict, and
	// taking one argument at least.
	for _, f := range []struct {
		name  string
		nulls bool
	}{{"num_nulls", true}, {"num_nonnulls", false}} {
		f := f
		addFunc(f.name, &overload{args: []*types.T{AnyType}, variadic: AnyType, result: types.Int4,
			fn: func(_ *Context, a []types.Datum) (types.Datum, error) {
				n := int64(0)
				for _, v := range a {
					if (v == nil) == f.nulls {
						n++
					}
				}
				return n, nil
			}})
	}

	// string_to_table(s, delimiter [, null_string]) returns
	// string_to_array's elements as rows; like it, it is not strict.
	txt := types.Text
	toTable := oneColumn("string_to_table", txt, func(a []types.Datum) ([]types.Datum, error) {
		arr, err := stringToArray(nil, a)
		if arr == nil || err != nil {
			return nil, err
		}
		return arr.(*types.Array).Elems, nil
	})
	addSetFunc("string_to_table", []*types.T{txt, txt}, false, toTable)
	addSetFunc("string_to_table", []*types.T{txt, txt, txt}, false, toTable)

	// date_bin(stride, source, origin): source truncated to the start of
	// its bin of stride's width, bins being aligned on origin.
	ts, tz, iv := types.TimestampType, types.TimestampTZType, types.IntervalType
	addFunc("date_bin", fn([]*types.T{iv, ts, ts}, ts, func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, err := dateBin(a[0].(types.Interval), int64(a[1].(types.Timestamp)), int64(a[2].(types.Timestamp)))
		return types.Timestamp(r), err
	}))
	addFunc("date_bin", fn([]*types.T{iv, tz, tz}, tz, func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, err := dateBin(a[0].(types.Interval), int64(a[1].(types.TimestampTZ)), int64(a[2].(types.TimestampTZ)))
		return types.TimestampTZ(r), err
	}))
}

const usecsPerDay = 86400 * 1000000

// dateBin is timestamp_bin (and timestamptz_bin) on microseconds: bins
// are exact durations, so a stride with months is refused.
func dateBin(stride types.Interval, source, origin int64) (int64, error) {
	if !types.Timestamp(source).IsFinite() {
		return source, nil
	}
	if !types.Timestamp(origin).IsFinite() {
		return 0, pgerror.New(pgcode.DatetimeFieldOverflow, "origin out of range")
	}
	if stride.Months != 0 {
		return 0, pgerror.New(pgcode.FeatureNotSupported, "timestamps cannot be binned into intervals containing months or years")
	}
	width, ok := mulAdd(int64(stride.Days), usecsPerDay, stride.Micros)
	if !ok {
		return 0, errIntervalRange
	}
	if width <= 0 {
		return 0, pgerror.New(pgcode.DatetimeFieldOverflow, "stride must be greater than zero")
	}
	diff := source - origin
	if (source >= 0) != (origin >= 0) && (diff >= 0) != (source >= 0) {
		return 0, errIntervalRange // the subtraction overflowed
	}
	mod := diff % width
	result := origin + diff - mod
	if mod < 0 {
		// Round towards minus infinity: the bin starts before source.
		if result -= width; result > origin+diff || !types.ValidTimestamp(result) {
			return 0, errTimestampRange
		}
	}
	return result, nil
}

// mulAdd is a*b+c, and whether it fits in an int64.
func mulAdd(a, b, c int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(abs64(a)), uint64(b))
	if hi != 0 || lo > 1<<63-1 {
		return 0, false
	}
	p := int64(lo)
	if a < 0 {
		p = -p
	}
	s := p + c
	if (c > 0 && s < p) || (c < 0 && s > p) {
		return 0, false
	}
	return s, true
}
