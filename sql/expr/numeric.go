package expr

import (
	"math"

	"github.com/cockroachdb/apd/v3"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Numeric arithmetic with PostgreSQL's result scales (numeric.c): + and -
// keep the larger input scale, * adds them, / and ^ choose a scale that
// gives at least 16 significant digits. Values are kept canonical for
// package types: exponent = -display scale, no negative zero.

const (
	numericMinSigDigits  = 16
	numericMaxDispScale  = 1000
	numericMaxResultDigs = 2000
)

// exact has room for every exact sum and product stela's numerics reach;
// traps are off so that infinities and NaN flow as PostgreSQL's do.
var exact = apd.Context{Precision: numericMaxResultDigs * 2, MaxExponent: apd.MaxExponent, MinExponent: apd.MinExponent, Rounding: apd.RoundHalfUp}

func isNaN(d *apd.Decimal) bool { return d.Form == apd.NaN || d.Form == apd.NaNSignaling }

func dscale(d *apd.Decimal) int32 {
	if d.Form == apd.Finite && d.Exponent < 0 {
		return -d.Exponent
	}
	return 0
}

// canon rounds a finite result half away from zero to scale and makes it
// canonical.
func canon(d *apd.Decimal, scale int32) (*apd.Decimal, error) {
	if d.Form != apd.Finite {
		if d.Form == apd.NaNSignaling {
			d.Form = apd.NaN
		}
		if isNaN(d) {
			d.Negative = false
		}
		return d, nil
	}
	out := new(apd.Decimal)
	if _, err := exact.Quantize(out, d, -scale); err != nil {
		return nil, pgerror.New(pgcode.NumericValueOutOfRange, "value overflows numeric format")
	}
	if out.IsZero() {
		out.Negative = false
	}
	return out, nil
}

func nan() *apd.Decimal { return &apd.Decimal{Form: apd.NaN} }

func numericArith(op rune) func(*Context, []types.Datum) (types.Datum, error) {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].(*apd.Decimal), a[1].(*apd.Decimal)
		if isNaN(x) || isNaN(y) {
			if (op == '/' || op == '%') && y.IsZero() && !isNaN(x) {
				return nil, errDivByZero
			}
			return nan(), nil
		}
		r := new(apd.Decimal)
		switch op {
		case '+':
			exact.Add(r, x, y)
			return canon(r, max(dscale(x), dscale(y)))
		case '-':
			exact.Sub(r, x, y)
			return canon(r, max(dscale(x), dscale(y)))
		case '*':
			if x.Form == apd.Infinite || y.Form == apd.Infinite {
				if x.IsZero() || y.IsZero() {
					return nan(), nil
				}
				return &apd.Decimal{Form: apd.Infinite, Negative: x.Negative != y.Negative}, nil
			}
			exact.Mul(r, x, y)
			return canon(r, min(dscale(x)+dscale(y), numericMaxDispScale))
		case '/':
			return numericDiv(x, y)
		case '%':
			return numericMod(x, y)
		case '^':
			return numericPow(x, y)
		}
		return nil, errCannotCast(types.Numeric, types.Numeric)
	}
}

// nbaseWeight returns PostgreSQL's weight (in base-10000 digits) of a
// finite non-zero value and its first base-10000 digit.
func nbaseWeight(d *apd.Decimal) (weight int64, first int64) {
	if d.IsZero() {
		return 0, 0
	}
	digits := int64(d.NumDigits())
	e10 := int64(d.Exponent) + digits - 1 // power of ten of the first digit
	weight = floorDiv64(e10, 4)
	// The first base-10000 digit is |d| / 10000^weight, truncated: the
	// leading (e10 - 4*weight + 1) decimal digits.
	lead := e10 - 4*weight + 1
	coef := new(apd.BigInt).Set(&d.Coeff)
	drop := digits - lead
	if drop > 0 {
		div := new(apd.BigInt).Exp(apd.NewBigInt(10), apd.NewBigInt(drop), nil)
		coef.Quo(coef, div)
	} else if drop < 0 {
		mul := new(apd.BigInt).Exp(apd.NewBigInt(10), apd.NewBigInt(-drop), nil)
		coef.Mul(coef, mul)
	}
	return weight, coef.Int64()
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// divScale is PostgreSQL's select_div_scale.
func divScale(x, y *apd.Decimal) int32 {
	w1, f1 := nbaseWeight(x)
	w2, f2 := nbaseWeight(y)
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	rscale := int64(numericMinSigDigits) - qweight*4
	rscale = max(rscale, int64(dscale(x)), int64(dscale(y)), 0)
	return int32(min(rscale, numericMaxDispScale))
}

func numericDiv(x, y *apd.Decimal) (types.Datum, error) {
	if y.Form == apd.Finite && y.IsZero() {
		return nil, errDivByZero
	}
	switch {
	case x.Form == apd.Infinite && y.Form == apd.Infinite:
		return nan(), nil
	case x.Form == apd.Infinite:
		return &apd.Decimal{Form: apd.Infinite, Negative: x.Negative != y.Negative}, nil
	case y.Form == apd.Infinite:
		return new(apd.Decimal), nil
	}
	scale := divScale(x, y)
	r := new(apd.Decimal)
	ctx := exact
	// Enough digits for the integer part plus the scale plus a guard.
	ctx.Precision = uint32(max(int64(x.NumDigits())+int64(x.Exponent)-int64(y.Exponent), 1)) + uint32(scale) + 10
	ctx.Quo(r, x, y)
	return canon(r, scale)
}

// numericMod is a - trunc(a/b)*b with the larger input scale.
func numericMod(x, y *apd.Decimal) (types.Datum, error) {
	if y.Form == apd.Finite && y.IsZero() {
		return nil, errDivByZero
	}
	if x.Form == apd.Infinite {
		return nan(), nil
	}
	if y.Form == apd.Infinite {
		return canon(new(apd.Decimal).Set(x), dscale(x))
	}
	r := new(apd.Decimal)
	exact.Rem(r, x, y)
	return canon(r, max(dscale(x), dscale(y)))
}

// numericPow is numeric ^ numeric: exact for integer exponents (with the
// base's scale times the exponent, as PostgreSQL's power_var_int), else
// through apd's Pow with PostgreSQL's result scale.
func numericPow(x, y *apd.Decimal) (types.Datum, error) {
	if x.IsZero() && y.Negative && y.Form == apd.Finite {
		return nil, pgerror.New(pgcode.InvalidArgumentForPowerFunction, "zero raised to a negative power is undefined")
	}
	if x.Negative && x.Form == apd.Finite && !isInteger(y) {
		return nil, pgerror.New(pgcode.InvalidArgumentForPowerFunction, "a negative number raised to a non-integer power yields a complex result")
	}
	if x.Form != apd.Finite || y.Form != apd.Finite {
		xf, _ := x.Float64()
		yf, _ := y.Float64()
		r := math.Pow(xf, yf)
		switch {
		case math.IsInf(r, 0):
			return &apd.Decimal{Form: apd.Infinite, Negative: r < 0}, nil
		case math.IsNaN(r):
			return nan(), nil
		}
		return canon(apd.New(int64(r), 0), 0)
	}
	// Result scale: 16 significant digits, at least the inputs' scales.
	xf, _ := x.Float64()
	yf, _ := y.Float64()
	// PostgreSQL estimates the result's decimal weight as
	// ln(base) * exp * log10(e), in that order: the rounding of that
	// product decides the scale at exact powers of ten.
	val := 0.0
	if xf != 0 {
		val = math.Log(math.Abs(xf)) * yf * 0.434294481903252
	}
	if math.IsInf(val, 0) || val > 1e6 {
		return nil, pgerror.New(pgcode.NumericValueOutOfRange, "value overflows numeric format")
	}
	rscale := int64(numericMinSigDigits) - int64(val) // truncated, as C's (int) cast
	rscale = max(rscale, int64(dscale(x)), int64(dscale(y)), 0)
	rscale = min(rscale, numericMaxDispScale)
	if isInteger(y) {
		n, err := y.Int64()
		if err == nil && n >= math.MinInt32 && n <= math.MaxInt32 {
			// An integer exponent keeps 16 digits after the point (or the
			// inputs' scales), whatever the result's magnitude.
			rscale = max(int64(numericMinSigDigits), int64(dscale(x)), int64(dscale(y)))
			r := new(apd.Decimal)
			ctx := exact
			ctx.Precision = uint32(max(int64(x.NumDigits())*abs64(n)+int64(rscale)+10, 40))
			if _, err := ctx.Pow(r, x, y); err != nil {
				return nil, pgerror.New(pgcode.NumericValueOutOfRange, "value overflows numeric format")
			}
			return canon(r, int32(rscale))
		}
	}
	r := new(apd.Decimal)
	ctx := exact
	ctx.Precision = uint32(max(int64(val), 0)) + uint32(rscale) + 20
	if _, err := ctx.Pow(r, x, y); err != nil {
		return nil, pgerror.New(pgcode.NumericValueOutOfRange, "value overflows numeric format")
	}
	return canon(r, int32(rscale))
}

func isInteger(d *apd.Decimal) bool {
	if d.Form != apd.Finite {
		return false
	}
	var i apd.Decimal
	_, _ = exact.RoundToIntegralValue(&i, d)
	return i.Cmp(d) == 0
}

func numericNeg(_ *Context, a []types.Datum) (types.Datum, error) {
	x := a[0].(*apd.Decimal)
	r := new(apd.Decimal).Set(x)
	if !isNaN(r) && !r.IsZero() {
		r.Negative = !r.Negative
	}
	return r, nil
}

func numericAbs(_ *Context, a []types.Datum) (types.Datum, error) {
	r := new(apd.Decimal).Set(a[0].(*apd.Decimal))
	r.Negative = false
	return r, nil
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
