package expr

import (
	"math"

	"github.com/cockroachdb/apd/v3"

	"github.com/stela-db/stela/sql/types"
)

// The variance and standard deviation aggregates: of integers and
// numerics in exact numeric arithmetic, as numeric_stddev_internal does
// ((N*sum(x^2) - sum(x)^2) / (N*(N-1)) with numeric division's scale,
// then its square root at that scale), of floats with float8_accum's
// Youngs-Cramer running sums.

// aggStatKind says what a statistics accumulator returns.
type aggStatKind uint8

const (
	aggAvg aggStatKind = iota
	aggVarPop
	aggVarSamp
	aggStddevPop
	aggStddevSamp
)

func (k aggStatKind) sample() bool { return k == aggVarSamp || k == aggStddevSamp }
func (k aggStatKind) stddev() bool { return k == aggStddevPop || k == aggStddevSamp }

func init() {
	kinds := []struct {
		name string
		kind aggStatKind
	}{
		{"variance", aggVarSamp}, {"var_samp", aggVarSamp}, {"var_pop", aggVarPop},
		{"stddev", aggStddevSamp}, {"stddev_samp", aggStddevSamp}, {"stddev_pop", aggStddevPop},
	}
	for _, k := range kinds {
		kind := k.kind
		for _, t := range []*types.T{types.Int2, types.Int4, types.Int8} {
			addAgg(&Aggregate{Name: k.name, Args: []*types.T{t}, Result: types.Numeric, Strict: true,
				New: func() Accumulator { return &aggNumericStats{kind: kind, ints: true} }})
		}
		addAgg(&Aggregate{Name: k.name, Args: []*types.T{types.Numeric}, Result: types.Numeric, Strict: true,
			New: func() Accumulator { return &aggNumericStats{kind: kind} }})
		for _, t := range []*types.T{types.Float4, types.Float8} {
			addAgg(&Aggregate{Name: k.name, Args: []*types.T{t}, Result: types.Float8, Strict: true,
				New: func() Accumulator { return &aggFloatStats{kind: kind} }})
		}
	}
}

// aggFloatStats is float8_accum's state: N, sum(x) and the sum of
// squared differences from the running mean.
type aggFloatStats struct {
	n, sx, sxx float64
	kind       aggStatKind
}

func (a *aggFloatStats) Add(_ *Context, args []types.Datum) error {
	x := args[0].(float64)
	n, sx, sxx := a.n+1, a.sx+x, a.sxx
	if a.n > 0 {
		tmp := x*n - sx
		sxx += tmp * tmp / (n * a.n)
		// Only finite inputs giving an infinite result overflow; an
		// infinite input makes sxx NaN.
		if math.IsInf(sx, 0) || math.IsInf(sxx, 0) {
			if !math.IsInf(a.sx, 0) && !math.IsInf(x, 0) {
				return errOverflow
			}
			sxx = math.NaN()
		}
	} else if math.IsNaN(x) || math.IsInf(x, 0) {
		sxx = math.NaN()
	}
	a.n, a.sx, a.sxx = n, sx, sxx
	return nil
}

func (a *aggFloatStats) Result(*Context) (types.Datum, error) {
	if a.n == 0 || (a.kind.sample() && a.n <= 1) {
		return nil, nil
	}
	switch a.kind {
	case aggAvg:
		return a.sx / a.n, nil
	case aggVarPop:
		return a.sxx / a.n, nil
	case aggVarSamp:
		return a.sxx / (a.n - 1), nil
	case aggStddevPop:
		return math.Sqrt(a.sxx / a.n), nil
	}
	return math.Sqrt(a.sxx / (a.n - 1)), nil
}

// aggNumericStats is the variances and standard deviations of integers
// and numerics.
type aggNumericStats struct {
	st   aggNumericState
	kind aggStatKind
	ints bool
	x    apd.Decimal
}

func (a *aggNumericStats) Add(_ *Context, args []types.Datum) error {
	a.st.squares = true
	if a.ints {
		a.x.SetFinite(args[0].(int64), 0)
		a.st.add(&a.x)
		return nil
	}
	a.st.add(args[0].(*apd.Decimal))
	return nil
}

func (a *aggNumericStats) Result(*Context) (types.Datum, error) {
	st := &a.st
	tot := st.total()
	if tot == 0 || (a.kind.sample() && tot <= 1) {
		return nil, nil
	}
	if st.nan+st.pinf+st.ninf > 0 {
		return nan(), nil
	}
	n := apd.New(st.n, 0)
	// numerator = N * sum(x^2) - sum(x)^2, exact.
	var sq, nsum2, num apd.Decimal
	exact.Mul(&sq, &st.sum, &st.sum)
	exact.Mul(&nsum2, n, &st.sumSq)
	exact.Sub(&num, &nsum2, &sq)
	if num.Sign() <= 0 {
		// All inputs equal: PostgreSQL returns a plain 0 (scale 0).
		return apd.New(0, 0), nil
	}
	numer, err := canon(&num, 2*st.maxScale)
	if err != nil {
		return nil, err
	}
	den := apd.New(st.n, 0)
	if a.kind.sample() {
		exact.Mul(den, den, apd.New(st.n-1, 0))
	} else {
		exact.Mul(den, den, den)
	}
	v, err := numericDiv(numer, den)
	if err != nil || !a.kind.stddev() {
		return v, err
	}
	return aggNumericSqrt(v.(*apd.Decimal)), nil
}

// aggNumericSqrt is the square root of a non-negative finite numeric at
// its own scale, rounded half up, as sqrt_var computes it.
func aggNumericSqrt(d *apd.Decimal) *apd.Decimal {
	s := dscale(d)
	// sqrt(d) * 10^s = sqrt(coef * 10^(exponent + 2s)).
	var c, ten apd.BigInt
	c.Set(&d.Coeff)
	e := int64(d.Exponent) + 2*int64(s)
	if e > 0 {
		ten.Exp(apd.NewBigInt(10), apd.NewBigInt(e), nil)
		c.Mul(&c, &ten)
	}
	var r apd.BigInt
	r.Sqrt(&c)
	// Round half up: r+1 when (2r+1)^2 <= 4c.
	var t, c4 apd.BigInt
	t.Mul(&r, apd.NewBigInt(2))
	t.Add(&t, apd.NewBigInt(1))
	t.Mul(&t, &t)
	c4.Mul(&c, apd.NewBigInt(4))
	if t.Cmp(&c4) <= 0 {
		r.Add(&r, apd.NewBigInt(1))
	}
	return apd.NewWithBigInt(&r, -s)
}
