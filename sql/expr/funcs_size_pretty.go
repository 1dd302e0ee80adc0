package expr

// pg_size_pretty(bigint) and pg_size_pretty(numeric), PostgreSQL 15's
// dbsize.c: a size in bytes below 10 kB prints as it is, a larger one in
// the largest unit that keeps the number below 20480, halves rounded away
// from zero. Both overloads, and pg_size_bytes, walk one table of units
// (sizeUnits), as PostgreSQL's size_pretty_units serves all three.

import (
	"math"
	"strconv"

	"github.com/cockroachdb/apd/v3"
	"github.com/stela-db/stela/sql/types"
)

// A sizeUnit is a unit pg_size_pretty may print: a number is printed in
// it when its magnitude is below limit (or no unit follows), rounded
// half away from zero when round is set. bits is the unit's power of two.
type sizeUnit struct {
	name  string
	limit int64
	round bool
	bits  uint
}

// sizeUnits are PostgreSQL 15's size_pretty_units (no "B", which came in
// 16), smallest first.
var sizeUnits = []sizeUnit{
	{"bytes", 10 * 1024, false, 0},
	{"kB", 20*1024 - 1, true, 10},
	{"MB", 20*1024 - 1, true, 20},
	{"GB", 20*1024 - 1, true, 30},
	{"TB", 20*1024 - 1, true, 40},
	{"PB", 20*1024 - 1, true, 50},
}

// shiftTo is how many bits a number kept in unit i is shifted right to
// be kept in unit i+1: one less when the next unit rounds (its number is
// kept in halves until printed), one more when unit i itself did.
func shiftTo(i int) uint {
	shift := sizeUnits[i+1].bits - sizeUnits[i].bits
	if sizeUnits[i+1].round {
		shift--
	}
	if sizeUnits[i].round {
		shift++
	}
	return shift
}

func init() {
	addFunc("pg_size_pretty", fn([]*types.T{types.Int8}, types.Text, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return sizePrettyInt(a[0].(int64)), nil
	}))
	addFunc("pg_size_pretty", fn([]*types.T{types.Numeric}, types.Text, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return sizePrettyNumeric(a[0].(*apd.Decimal))
	}))
}

func sizePrettyInt(size int64) string {
	abs := func(v int64) int64 {
		if v == math.MinInt64 {
			return math.MaxInt64 // PostgreSQL prints it in PB: its magnitude is no less than any limit
		}
		if v < 0 {
			return -v
		}
		return v
	}
	for i, u := range sizeUnits {
		if i == len(sizeUnits)-1 || abs(size) < u.limit {
			if u.round {
				size = halfRoundedInt(size)
			}
			return strconv.FormatInt(size, 10) + " " + u.name
		}
		size /= 1 << shiftTo(i) // Go's / truncates toward zero, as C's
	}
	panic("unreachable")
}

func halfRoundedInt(v int64) int64 {
	if v < 0 {
		return (v - 1) / 2
	}
	return (v + 1) / 2
}

// sizePrettyNumeric keeps a size in bytes with its scale ('1.50 bytes');
// in larger units the number is an integer. NaN and the infinities never
// compare below a limit, and stay what they are through the divisions,
// so they print in PB ('NaN PB'), as in PostgreSQL.
func sizePrettyNumeric(size *apd.Decimal) (types.Datum, error) {
	var mag apd.Decimal
	for i, u := range sizeUnits {
		mag.Abs(size)
		if i == len(sizeUnits)-1 || (size.Form == apd.Finite && mag.Cmp(apd.New(u.limit, 0)) < 0) {
			if u.round && size.Form == apd.Finite {
				half := apd.New(1, 0)
				half.Negative = size.Negative
				sum := new(apd.Decimal)
				if _, err := exact.Add(sum, size, half); err != nil {
					return nil, errNumericOverflow
				}
				d, err := numericDivTrunc(sum, apd.New(2, 0))
				if err != nil {
					return nil, err
				}
				size = d.(*apd.Decimal)
			}
			return string(types.Numeric.AppendText(nil, size, nil)) + " " + u.name, nil
		}
		if size.Form == apd.Finite {
			d, err := numericDivTrunc(size, apd.New(int64(1)<<shiftTo(i), 0))
			if err != nil {
				return nil, err
			}
			size = d.(*apd.Decimal)
		}
	}
	panic("unreachable")
}
