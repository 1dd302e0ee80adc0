package expr

import (
	"math"

	"github.com/cockroachdb/apd/v3"

	"github.com/stela-db/stela/sql/types"
)

// sum and avg, with PostgreSQL's transition states: sum of int2 and int4
// is an int8, of int8 a numeric; avg of integers and numerics is their
// exact sum divided by the count with numeric division's scale; float
// sums and averages are float8 (float4 for sum(float4)), computed as
// float8_accum does; intervals are summed with interval + and averaged
// with interval / float8.

func init() {
	ints := []*types.T{types.Int2, types.Int4}
	for _, t := range ints {
		addAgg(&Aggregate{Name: "sum", Args: []*types.T{t}, Result: types.Int8, Strict: true,
			New: func() Accumulator { return &aggSumInt{} }})
	}
	addAgg(&Aggregate{Name: "sum", Args: []*types.T{types.Int8}, Result: types.Numeric, Strict: true,
		New: func() Accumulator { return &aggIntNumeric{} }})
	addAgg(&Aggregate{Name: "sum", Args: []*types.T{types.Numeric}, Result: types.Numeric, Strict: true,
		New: func() Accumulator { return &aggNumericSum{} }})
	for _, t := range []*types.T{types.Float4, types.Float8} {
		add := floatArith('+', t)
		addAgg(&Aggregate{Name: "sum", Args: []*types.T{t}, Result: t, Strict: true,
			New: func() Accumulator { return &aggSumFloat{add: add} }})
	}
	addAgg(&Aggregate{Name: "sum", Args: []*types.T{types.IntervalType}, Result: types.IntervalType, Strict: true,
		New: func() Accumulator { return &aggSumInterval{} }})

	for _, t := range []*types.T{types.Int2, types.Int4, types.Int8} {
		addAgg(&Aggregate{Name: "avg", Args: []*types.T{t}, Result: types.Numeric, Strict: true,
			New: func() Accumulator { return &aggIntNumeric{avg: true} }})
	}
	addAgg(&Aggregate{Name: "avg", Args: []*types.T{types.Numeric}, Result: types.Numeric, Strict: true,
		New: func() Accumulator { return &aggNumericSum{avg: true} }})
	for _, t := range []*types.T{types.Float4, types.Float8} {
		addAgg(&Aggregate{Name: "avg", Args: []*types.T{t}, Result: types.Float8, Strict: true,
			New: func() Accumulator { return &aggFloatStats{kind: aggAvg} }})
	}
	addAgg(&Aggregate{Name: "avg", Args: []*types.T{types.IntervalType}, Result: types.IntervalType, Strict: true,
		New: func() Accumulator { return &aggSumInterval{avg: true} }})
}

// aggSumInt is sum(int2) and sum(int4): an int8.
type aggSumInt struct {
	sum  int64
	seen bool
}

func (a *aggSumInt) Add(_ *Context, args []types.Datum) error {
	x := args[0].(int64)
	s := a.sum + x
	if (x > 0 && s < a.sum) || (x < 0 && s > a.sum) {
		return errIntRange(types.Int8)
	}
	a.sum, a.seen = s, true
	return nil
}

func (a *aggSumInt) Result(*Context) (types.Datum, error) {
	if !a.seen {
		return nil, nil
	}
	return a.sum, nil
}

// aggIntNumeric is sum(int8) and avg of integers: an exact sum kept in
// an int64 until it would overflow, then in a big integer.
type aggIntNumeric struct {
	n   int64
	lo  int64
	big *apd.BigInt // nil until lo overflows
	avg bool
}

func (a *aggIntNumeric) Add(_ *Context, args []types.Datum) error {
	x := args[0].(int64)
	s := a.lo + x
	if (x > 0 && s < a.lo) || (x < 0 && s > a.lo) {
		if a.big == nil {
			a.big = new(apd.BigInt)
		}
		a.big.Add(a.big, apd.NewBigInt(a.lo))
		s = x
	}
	a.lo = s
	a.n++
	return nil
}

// sum returns the exact sum as a numeric with scale 0.
func (a *aggIntNumeric) sum() *apd.Decimal {
	if a.big == nil {
		return apd.New(a.lo, 0)
	}
	var c apd.BigInt
	c.Add(a.big, apd.NewBigInt(a.lo))
	return apd.NewWithBigInt(&c, 0)
}

func (a *aggIntNumeric) Result(*Context) (types.Datum, error) {
	if a.n == 0 {
		return nil, nil
	}
	if a.avg {
		return numericDiv(a.sum(), apd.New(a.n, 0))
	}
	return canon(a.sum(), 0)
}

// aggNumericState is PostgreSQL's NumericAggState: the count and exact
// sum (and, for variances, sum of squares) of the finite inputs, the
// largest input scale, and counts of NaN and infinite inputs.
type aggNumericState struct {
	n, nan, pinf, ninf int64
	maxScale           int32
	sum, sumSq         apd.Decimal
	squares            bool
}

func (s *aggNumericState) add(x *apd.Decimal) {
	switch {
	case isNaN(x):
		s.nan++
		return
	case x.Form == apd.Infinite && x.Negative:
		s.ninf++
		return
	case x.Form == apd.Infinite:
		s.pinf++
		return
	}
	s.maxScale = max(s.maxScale, dscale(x))
	s.n++
	exact.Add(&s.sum, &s.sum, x)
	if s.squares {
		var sq apd.Decimal
		exact.Mul(&sq, x, x)
		exact.Add(&s.sumSq, &s.sumSq, &sq)
	}
}

func (s *aggNumericState) total() int64 { return s.n + s.nan + s.pinf + s.ninf }

// special returns the sum of the special inputs when there are any: NaN,
// or an infinity (NaN when both signs were seen).
func (s *aggNumericState) special() (*apd.Decimal, bool) {
	switch {
	case s.nan > 0 || (s.pinf > 0 && s.ninf > 0):
		return nan(), true
	case s.pinf > 0:
		return &apd.Decimal{Form: apd.Infinite}, true
	case s.ninf > 0:
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, true
	}
	return nil, false
}

// finiteSum returns a copy of the sum of the finite inputs with the
// largest input scale.
func (s *aggNumericState) finiteSum() (*apd.Decimal, error) {
	return canon(new(apd.Decimal).Set(&s.sum), s.maxScale)
}

// aggNumericSum is sum(numeric) and avg(numeric).
type aggNumericSum struct {
	st  aggNumericState
	avg bool
}

func (a *aggNumericSum) Add(_ *Context, args []types.Datum) error {
	a.st.add(args[0].(*apd.Decimal))
	return nil
}

func (a *aggNumericSum) Result(*Context) (types.Datum, error) {
	if a.st.total() == 0 {
		return nil, nil
	}
	if d, ok := a.st.special(); ok {
		return d, nil
	}
	sum, err := a.st.finiteSum()
	if err != nil || !a.avg {
		return sum, err
	}
	return numericDiv(sum, apd.New(a.st.n, 0))
}

// aggSumFloat is sum(float4) and sum(float8): the first input, then the
// type's + operator (with its overflow error).
type aggSumFloat struct {
	sum  types.Datum
	add  func(*Context, []types.Datum) (types.Datum, error)
	args [2]types.Datum
}

func (a *aggSumFloat) Add(ctx *Context, args []types.Datum) error {
	if a.sum == nil {
		a.sum = args[0]
		return nil
	}
	a.args = [2]types.Datum{a.sum, args[0]}
	s, err := a.add(ctx, a.args[:])
	if err != nil {
		return err
	}
	a.sum = s
	return nil
}

func (a *aggSumFloat) Result(*Context) (types.Datum, error) { return a.sum, nil }

// aggSumInterval is sum(interval) and avg(interval).
type aggSumInterval struct {
	n   int64
	sum types.Interval
	avg bool
}

func (a *aggSumInterval) Add(_ *Context, args []types.Datum) error {
	if a.n == 0 {
		a.sum = args[0].(types.Interval)
	} else {
		s, err := intervalAdd(1)(nil, []types.Datum{a.sum, args[0]})
		if err != nil {
			return err
		}
		a.sum = s.(types.Interval)
	}
	a.n++
	return nil
}

func (a *aggSumInterval) Result(*Context) (types.Datum, error) {
	if a.n == 0 {
		return nil, nil
	}
	if a.avg {
		return aggIntervalDiv(a.sum, float64(a.n)), nil
	}
	return a.sum, nil
}

// aggIntervalDiv is PostgreSQL 15's interval_div for a positive factor:
// months and days are divided apart, their fractions cascading down to
// days and then microseconds (a month being 30 days), each rounded to
// microseconds.
func aggIntervalDiv(iv types.Interval, factor float64) types.Interval {
	const daysPerMonth, secsPerDay = 30.0, 86400.0
	tsRound := func(f float64) float64 { return math.RoundToEven(f*1e6) / 1e6 }
	var r types.Interval
	r.Months = int32(float64(iv.Months) / factor)
	r.Days = int32(float64(iv.Days) / factor)
	monthRemainderDays := tsRound((float64(iv.Months)/factor - float64(r.Months)) * daysPerMonth)
	secRemainder := tsRound((float64(iv.Days)/factor - float64(r.Days) +
		monthRemainderDays - float64(int32(monthRemainderDays))) * secsPerDay)
	if math.Abs(secRemainder) >= secsPerDay {
		r.Days += int32(secRemainder / secsPerDay)
		secRemainder -= float64(int32(secRemainder/secsPerDay)) * secsPerDay
	}
	r.Days += int32(monthRemainderDays)
	r.Micros = int64(math.RoundToEven(float64(iv.Micros)/factor + secRemainder*1e6))
	return r
}
