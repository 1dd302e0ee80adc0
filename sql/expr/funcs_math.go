package expr

import (
	crand "crypto/rand"
	"encoding/binary"
	"math"
	"math/bits"
	"sync"

	"github.com/cockroachdb/apd/v3"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Mathematical functions with PostgreSQL 15's types, scales and errors
// (float.c, numeric.c, int.c).

var (
	errOutOfRangeInput = pgerror.New(pgcode.NumericValueOutOfRange, "input is out of range")
	errLogZero         = pgerror.New(pgcode.InvalidArgumentForLogarithm, "cannot take logarithm of zero")
	errLogNegative     = pgerror.New(pgcode.InvalidArgumentForLogarithm, "cannot take logarithm of a negative number")
	errSqrtNegative    = pgerror.New(pgcode.InvalidArgumentForPowerFunction, "cannot take square root of a negative number")
	errNumericOverflow = pgerror.New(pgcode.NumericValueOutOfRange, "value overflows numeric format")
)

func init() {
	t := func(ts ...*types.T) []*types.T { return ts }
	f8, num, i4, i8 := types.Float8, types.Numeric, types.Int4, types.Int8
	f1 := func(name string, f func(float64) (types.Datum, error)) {
		addFunc(name, fn(t(f8), f8, func(_ *Context, a []types.Datum) (types.Datum, error) { return f(a[0].(float64)) }))
	}
	n1 := func(name string, f func(*apd.Decimal) (types.Datum, error)) {
		addFunc(name, fn(t(num), num, func(_ *Context, a []types.Datum) (types.Datum, error) { return f(a[0].(*apd.Decimal)) }))
	}

	// abs for every numeric type.
	for _, it := range []*types.T{types.Int2, i4, i8} {
		addFunc("abs", fn(t(it), it, intAbs(it)))
	}
	for _, ft := range []*types.T{types.Float4, f8} {
		addFunc("abs", fn(t(ft), ft, func(_ *Context, a []types.Datum) (types.Datum, error) { return math.Abs(a[0].(float64)), nil }))
	}
	addFunc("abs", fn(t(num), num, numericAbs))

	f1("sign", func(x float64) (types.Datum, error) {
		switch {
		case x > 0:
			return 1.0, nil
		case x < 0:
			return -1.0, nil
		}
		return 0.0, nil
	})
	n1("sign", func(d *apd.Decimal) (types.Datum, error) {
		switch {
		case isNaN(d):
			return nan(), nil
		case d.IsZero():
			return apd.New(0, 0), nil
		case d.Negative:
			return apd.New(-1, 0), nil
		}
		return apd.New(1, 0), nil
	})
	for _, name := range []string{"ceil", "ceiling"} {
		f1(name, func(x float64) (types.Datum, error) { return math.Ceil(x), nil })
		n1(name, func(d *apd.Decimal) (types.Datum, error) { return numericRoundMode(d, 0, apd.RoundCeiling) })
	}
	f1("floor", func(x float64) (types.Datum, error) { return math.Floor(x), nil })
	n1("floor", func(d *apd.Decimal) (types.Datum, error) { return numericRoundMode(d, 0, apd.RoundFloor) })
	f1("round", func(x float64) (types.Datum, error) { return math.RoundToEven(x), nil })
	n1("round", func(d *apd.Decimal) (types.Datum, error) { return numericRoundMode(d, 0, apd.RoundHalfUp) })
	addFunc("round", fn(t(num, i4), num, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return numericRoundMode(a[0].(*apd.Decimal), a[1].(int64), apd.RoundHalfUp)
	}))
	f1("trunc", func(x float64) (types.Datum, error) { return math.Trunc(x), nil })
	n1("trunc", func(d *apd.Decimal) (types.Datum, error) { return numericRoundMode(d, 0, apd.RoundDown) })
	addFunc("trunc", fn(t(num, i4), num, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return numericRoundMode(a[0].(*apd.Decimal), a[1].(int64), apd.RoundDown)
	}))

	for _, it := range []*types.T{types.Int2, i4, i8} {
		addFunc("mod", fn(t(it, it), it, intArith('%', it)))
	}
	addFunc("mod", fn(t(num, num), num, numericArith('%')))
	addFunc("div", fn(t(num, num), num, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return numericDivTrunc(a[0].(*apd.Decimal), a[1].(*apd.Decimal))
	}))

	f1("sqrt", func(x float64) (types.Datum, error) {
		if x < 0 {
			return nil, errSqrtNegative
		}
		return math.Sqrt(x), nil
	})
	n1("sqrt", numericSqrt)
	f1("cbrt", func(x float64) (types.Datum, error) {
		r, _ := cCbrt(x)
		return checkFloat8(r, math.IsInf(x, 0), x == 0)
	})
	f1("exp", floatExp)
	n1("exp", numericExp)
	f1("ln", func(x float64) (types.Datum, error) { return floatLog(x, cLog) })
	n1("ln", numericLn)
	for _, name := range []string{"log", "log10"} {
		f1(name, func(x float64) (types.Datum, error) { return floatLog(x, cLog10) })
		n1(name, func(d *apd.Decimal) (types.Datum, error) { return numericLog(apd.New(10, 0), d) })
	}
	addFunc("log", fn(t(num, num), num, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return numericLog(a[0].(*apd.Decimal), a[1].(*apd.Decimal))
	}))
	for _, name := range []string{"power", "pow"} {
		addFunc(name, fn(t(f8, f8), f8, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return floatPower(a[0].(float64), a[1].(float64))
		}))
		addFunc(name, fn(t(num, num), num, numericArith('^')))
	}
	addFunc("pi", fn(nil, f8, func(*Context, []types.Datum) (types.Datum, error) { return math.Pi, nil }))
	const radiansPerDegree = 0.0174532925199432957692
	f1("degrees", func(x float64) (types.Datum, error) { return checkFloat8(x/radiansPerDegree, math.IsInf(x, 0), x == 0) })
	f1("radians", func(x float64) (types.Datum, error) { return checkFloat8(x*radiansPerDegree, math.IsInf(x, 0), x == 0) })

	// Trigonometry: NaN in, NaN out; PostgreSQL checks the domain itself.
	for _, tf := range []struct {
		name string
		f    libmFunc
	}{{"sin", cSin}, {"cos", cCos}, {"tan", cTan}} {
		tf := tf
		f1(tf.name, func(x float64) (types.Datum, error) {
			if math.IsNaN(x) {
				return x, nil
			}
			r, errno := tf.f(x)
			if errno != 0 || math.IsInf(x, 0) {
				return nil, errOutOfRangeInput
			}
			if math.IsInf(r, 0) {
				return nil, errOverflow
			}
			return r, nil
		})
	}
	f1("cot", func(x float64) (types.Datum, error) {
		if math.IsNaN(x) {
			return x, nil
		}
		r, errno := cTan(x)
		if errno != 0 || math.IsInf(x, 0) {
			return nil, errOutOfRangeInput
		}
		return 1.0 / r, nil
	})
	for _, tf := range []struct {
		name string
		f    libmFunc
	}{{"asin", cAsin}, {"acos", cAcos}} {
		tf := tf
		f1(tf.name, func(x float64) (types.Datum, error) {
			if math.IsNaN(x) {
				return x, nil
			}
			if x < -1 || x > 1 {
				return nil, errOutOfRangeInput
			}
			r, _ := tf.f(x)
			if math.IsInf(r, 0) {
				return nil, errOverflow
			}
			return r, nil
		})
	}
	f1("atan", func(x float64) (types.Datum, error) {
		if math.IsNaN(x) {
			return x, nil
		}
		r, _ := cAtan(x)
		return r, nil
	})
	addFunc("atan2", fn(t(f8, f8), f8, func(_ *Context, a []types.Datum) (types.Datum, error) {
		y, x := a[0].(float64), a[1].(float64)
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.NaN(), nil
		}
		r, _ := cAtan2(y, x)
		return r, nil
	}))
	f1("sinh", func(x float64) (types.Datum, error) {
		r, errno := cSinh(x)
		if errno == errnoERANGE {
			return math.Inf(int(sign(r))), nil
		}
		return r, nil
	})
	f1("cosh", func(x float64) (types.Datum, error) {
		r, errno := cCosh(x)
		if errno == errnoERANGE {
			r = math.Inf(1)
		}
		if r == 0 {
			return nil, errUnderflow
		}
		return r, nil
	})
	f1("tanh", func(x float64) (types.Datum, error) { r, _ := cTanh(x); return r, nil })
	f1("asinh", func(x float64) (types.Datum, error) { r, _ := cAsinh(x); return r, nil })
	f1("acosh", func(x float64) (types.Datum, error) {
		if x < 1 {
			return nil, errOutOfRangeInput
		}
		r, _ := cAcosh(x)
		return r, nil
	})
	f1("atanh", func(x float64) (types.Datum, error) {
		switch {
		case x < -1 || x > 1:
			return nil, errOutOfRangeInput
		case x == -1:
			return math.Inf(-1), nil
		case x == 1:
			return math.Inf(1), nil
		}
		r, _ := cAtanh(x)
		return r, nil
	})

	// The session's random state: restricted.
	addFunc("random", readsSession(volatileFn(nil, f8, func(c *Context, _ []types.Datum) (types.Datum, error) {
		return sessionPRNG(c).double(), nil
	})))
	addFunc("setseed", readsSession(volatileFn(t(f8), types.Void, func(c *Context, a []types.Datum) (types.Datum, error) {
		seed := a[0].(float64)
		if seed < -1 || seed > 1 || math.IsNaN(seed) {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "setseed parameter %s is out of allowed range [-1,1]", formatG(seed, 6))
		}
		sessionPRNG(c).fseed(seed)
		return types.VoidValue{}, nil
	})))

	addFunc("width_bucket", fn(t(f8, f8, f8, i4), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return widthBucketFloat(a[0].(float64), a[1].(float64), a[2].(float64), a[3].(int64))
	}))
	addFunc("width_bucket", fn(t(num, num, num, i4), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return widthBucketNumeric(a[0].(*apd.Decimal), a[1].(*apd.Decimal), a[2].(*apd.Decimal), a[3].(int64))
	}))

	for _, it := range []*types.T{i4, i8} {
		it := it
		addFunc("gcd", fn(t(it, it), it, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return intGCD(a[0].(int64), a[1].(int64), it)
		}))
		addFunc("lcm", fn(t(it, it), it, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return intLCM(a[0].(int64), a[1].(int64), it)
		}))
	}
	addFunc("gcd", fn(t(num, num), num, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return numericGCD(a[0].(*apd.Decimal), a[1].(*apd.Decimal))
	}))
	addFunc("lcm", fn(t(num, num), num, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return numericLCM(a[0].(*apd.Decimal), a[1].(*apd.Decimal))
	}))
	addFunc("factorial", fn(t(i8), num, func(_ *Context, a []types.Datum) (types.Datum, error) {
		n := a[0].(int64)
		if n < 0 {
			return nil, pgerror.New(pgcode.NumericValueOutOfRange, "factorial of a negative number is undefined")
		}
		if n > 32177 {
			return nil, errNumericOverflow
		}
		r := new(apd.BigInt).SetInt64(1)
		for i := int64(2); i <= n; i++ {
			r.Mul(r, apd.NewBigInt(i))
		}
		return apd.NewWithBigInt(r, 0), nil
	}))
	addFunc("scale", fn(t(num), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		d := a[0].(*apd.Decimal)
		if d.Form != apd.Finite {
			return nil, nil
		}
		return int64(dscale(d)), nil
	}))
	addFunc("min_scale", fn(t(num), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		d := a[0].(*apd.Decimal)
		if d.Form != apd.Finite {
			return nil, nil
		}
		return int64(dscale(trimScale(d))), nil
	}))
	n1("trim_scale", func(d *apd.Decimal) (types.Datum, error) {
		if d.Form != apd.Finite {
			return d, nil
		}
		return trimScale(d), nil
	})
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

// checkFloat8 is PostgreSQL's check_float8_val: an infinite result from
// finite input overflows, a zero one from non-zero input underflows.
func checkFloat8(r float64, infOK, zeroOK bool) (types.Datum, error) {
	if math.IsInf(r, 0) && !infOK {
		return nil, errOverflow
	}
	if r == 0 && !zeroOK {
		return nil, errUnderflow
	}
	return r, nil
}

// floatExp is dexp.
func floatExp(x float64) (types.Datum, error) {
	switch {
	case math.IsNaN(x):
		return x, nil
	case math.IsInf(x, 1):
		return x, nil
	case math.IsInf(x, -1):
		return 0.0, nil
	}
	r, errno := cExp(x)
	switch {
	case errno == errnoERANGE && r != 0:
		return nil, errOverflow
	case errno == errnoERANGE:
		return nil, errUnderflow
	case math.IsInf(r, 0):
		return nil, errOverflow
	case r == 0:
		return nil, errUnderflow
	}
	return r, nil
}

// floatLog is dlog1 and dlog10.
func floatLog(x float64, f libmFunc) (types.Datum, error) {
	if x == 0 {
		return nil, errLogZero
	}
	if x < 0 {
		return nil, errLogNegative
	}
	r, _ := f(x)
	return checkFloat8(r, math.IsInf(x, 0), x == 1)
}

// floatPower is dpow.
func floatPower(x, y float64) (types.Datum, error) {
	if math.IsNaN(x) {
		if math.IsNaN(y) || y != 0 {
			return math.NaN(), nil
		}
		return 1.0, nil
	}
	if math.IsNaN(y) {
		if x != 1 {
			return math.NaN(), nil
		}
		return 1.0, nil
	}
	if x == 0 && y < 0 {
		return nil, pgerror.New(pgcode.InvalidArgumentForPowerFunction, "zero raised to a negative power is undefined")
	}
	if x < 0 && math.Floor(y) != y {
		return nil, pgerror.New(pgcode.InvalidArgumentForPowerFunction, "a negative number raised to a non-integer power yields a complex result")
	}
	switch {
	case math.IsInf(y, 0):
		ax := math.Abs(x)
		switch {
		case ax == 1:
			return 1.0, nil
		case y > 0 && ax > 1, y < 0 && ax < 1:
			return math.Inf(1), nil
		}
		return 0.0, nil
	case math.IsInf(x, 0):
		switch {
		case y == 0:
			return 1.0, nil
		case x > 0 && y > 0:
			return x, nil
		case x > 0:
			return 0.0, nil
		}
		odd := math.Floor(y/2) != y/2
		if y > 0 {
			if odd {
				return x, nil
			}
			return -x, nil
		}
		if odd {
			return math.Copysign(0, -1), nil
		}
		return 0.0, nil
	}
	r, errno := cPow(x, y)
	switch {
	case errno == errnoEDOM || math.IsNaN(r):
		if x == 0 {
			return 0.0, nil
		}
		ax := math.Abs(x)
		if ax == 1 {
			return 1.0, nil
		}
		if (y >= 0 && ax > 1) || (y < 0 && ax < 1) {
			return nil, errOverflow
		}
		return nil, errUnderflow
	case errno == errnoERANGE:
		if r != 0 {
			return nil, errOverflow
		}
		return nil, errUnderflow
	case math.IsInf(r, 0):
		return nil, errOverflow
	case r == 0 && x != 0:
		return nil, errUnderflow
	}
	return r, nil
}

// numericRoundMode rounds to scale digits after the point (negative:
// before it) with the given rounding; the result's scale is max(scale, 0).
func numericRoundMode(d *apd.Decimal, scale int64, mode apd.Rounder) (types.Datum, error) {
	if d.Form != apd.Finite {
		return d, nil
	}
	scale = min(max(scale, -2000), 2000)
	ctx := exact
	ctx.Rounding = mode
	r := new(apd.Decimal)
	if _, err := ctx.Quantize(r, d, int32(-scale)); err != nil {
		return nil, errNumericOverflow
	}
	if scale < 0 {
		// Quantize left a positive exponent: bring it back to scale 0.
		if _, err := exact.Quantize(r, r, 0); err != nil {
			return nil, errNumericOverflow
		}
	}
	if r.IsZero() {
		r.Negative = false
	}
	return r, nil
}

// numericDivTrunc is div(): the quotient truncated to an integer.
func numericDivTrunc(x, y *apd.Decimal) (types.Datum, error) {
	if x.Form != apd.Finite || y.Form != apd.Finite {
		switch {
		case isNaN(x) || isNaN(y):
			return nan(), nil
		case x.Form == apd.Infinite:
			if y.Form != apd.Finite {
				return nan(), nil
			}
			if y.IsZero() {
				return nil, errDivByZero
			}
			return &apd.Decimal{Form: apd.Infinite, Negative: x.Negative != y.Negative}, nil
		}
		return apd.New(0, 0), nil
	}
	if y.IsZero() {
		return nil, errDivByZero
	}
	r := new(apd.Decimal)
	if _, err := exact.QuoInteger(r, x, y); err != nil {
		return nil, errNumericOverflow
	}
	return canon(r, 0)
}

// numericScaleFor clamps a result scale as PostgreSQL does.
func numericScaleFor(rscale int64, scales ...int32) int32 {
	for _, s := range scales {
		rscale = max(rscale, int64(s))
	}
	return int32(min(max(rscale, 0), numericMaxDispScale))
}

// decExp10 is the power of ten of d's first significant digit.
func decExp10(d *apd.Decimal) int64 { return int64(d.Exponent) + int64(d.NumDigits()) - 1 }

// highPrec returns a context with p significant digits.
func highPrec(p int64) *apd.Context {
	c := exact
	c.Precision = uint32(max(p, 20))
	return &c
}

func numericSqrt(d *apd.Decimal) (types.Datum, error) {
	switch {
	case isNaN(d):
		return nan(), nil
	case d.Form == apd.Infinite && !d.Negative:
		return d, nil
	case d.Negative && !d.IsZero():
		return nil, errSqrtNegative
	}
	// sweight is the weight of the result in decimal digits: PostgreSQL
	// estimates it from the base-10000 weight.
	w, _ := nbaseWeight(d)
	sweight := (w+1)*4/2 - 1
	rscale := numericScaleFor(int64(numericMinSigDigits)-sweight, dscale(d))
	if d.IsZero() {
		return canon(apd.New(0, 0), rscale)
	}
	r := new(apd.Decimal)
	intDigits := max(decExp10(d)/2+2, 1)
	if _, err := highPrec(intDigits+int64(rscale)+10).Sqrt(r, d); err != nil {
		return nil, errNumericOverflow
	}
	return canon(r, rscale)
}

func numericExp(d *apd.Decimal) (types.Datum, error) {
	switch {
	case isNaN(d):
		return nan(), nil
	case d.Form == apd.Infinite:
		if d.Negative {
			return apd.New(0, 0), nil
		}
		return d, nil
	}
	xf, _ := d.Float64()
	val := xf * 0.434294481903252
	val = min(max(val, -2000), 2000)
	rscale := numericScaleFor(int64(numericMinSigDigits)-int64(val), dscale(d))
	if math.Abs(xf) >= 6000 {
		if xf > 0 {
			return nil, errNumericOverflow
		}
		return canon(apd.New(0, 0), rscale)
	}
	r := new(apd.Decimal)
	if _, err := highPrec(max(int64(val), 0)+int64(rscale)+10).Exp(r, d); err != nil {
		return nil, errNumericOverflow
	}
	return canon(r, rscale)
}

// estimateLnDweight is PostgreSQL's estimate_ln_dweight: the decimal
// weight of ln(d).
func estimateLnDweight(d *apd.Decimal) int64 {
	if d.Negative || d.IsZero() {
		return 0
	}
	if d.Cmp(apd.New(9, -1)) >= 0 && d.Cmp(apd.New(11, -1)) <= 0 {
		x := new(apd.Decimal)
		exact.Sub(x, d, apd.New(1, 0))
		if x.IsZero() {
			return 0
		}
		return decExp10(x)
	}
	// The first one or two base-10000 digits, as PostgreSQL reads them.
	w, _ := nbaseWeight(d)
	t := trimScale(d)
	shift := int64(t.Exponent) - 4*(w-1)
	v := new(apd.BigInt).Set(&t.Coeff)
	if shift >= 0 {
		v.Mul(v, new(apd.BigInt).Exp(apd.NewBigInt(10), apd.NewBigInt(shift), nil))
	} else {
		v.Quo(v, new(apd.BigInt).Exp(apd.NewBigInt(10), apd.NewBigInt(-shift), nil))
	}
	two := v.Int64() // digits[0]*10000 + digits[1]
	digits, dweight := two/10000, w*4
	if int64(t.Exponent) < 4*w { // more than one base-10000 digit
		digits, dweight = two, dweight-4
	}
	lnVar := math.Log(float64(digits)) + float64(dweight)*2.302585092994046
	return int64(math.Log10(math.Abs(lnVar)))
}

func numericLn(d *apd.Decimal) (types.Datum, error) {
	switch {
	case isNaN(d):
		return nan(), nil
	case d.Form == apd.Infinite:
		if d.Negative {
			return nil, errLogNegative
		}
		return d, nil
	case d.IsZero():
		return nil, errLogZero
	case d.Negative:
		return nil, errLogNegative
	}
	rscale := numericScaleFor(int64(numericMinSigDigits)-estimateLnDweight(d), dscale(d))
	return lnAt(d, rscale)
}

func lnAt(d *apd.Decimal, rscale int32) (types.Datum, error) {
	r := new(apd.Decimal)
	if _, err := highPrec(int64(rscale)+int64(math.Abs(float64(decExp10(d))))+20).Ln(r, d); err != nil {
		return nil, errNumericOverflow
	}
	return canon(r, rscale)
}

// numericLog is log(base, x).
func numericLog(base, x *apd.Decimal) (types.Datum, error) {
	if base.Form != apd.Finite || x.Form != apd.Finite {
		if isNaN(base) || isNaN(x) {
			return nan(), nil
		}
		if base.Negative || x.Negative {
			return nil, errLogNegative
		}
		if base.IsZero() || x.IsZero() {
			return nil, errLogZero
		}
		if base.Form == apd.Infinite {
			if x.Form == apd.Infinite {
				return nan(), nil
			}
			return apd.New(0, 0), nil
		}
		return &apd.Decimal{Form: apd.Infinite}, nil
	}
	for _, d := range []*apd.Decimal{base, x} {
		if d.IsZero() {
			return nil, errLogZero
		}
		if d.Negative {
			return nil, errLogNegative
		}
	}
	resultDweight := estimateLnDweight(x) - estimateLnDweight(base)
	rscale := numericScaleFor(int64(numericMinSigDigits)-resultDweight, dscale(base), dscale(x))
	prec := highPrec(int64(rscale) + int64(math.Abs(float64(decExp10(x)))) + int64(math.Abs(float64(decExp10(base)))) + 30)
	lb, lx := new(apd.Decimal), new(apd.Decimal)
	if _, err := prec.Ln(lb, base); err != nil {
		return nil, errNumericOverflow
	}
	if _, err := prec.Ln(lx, x); err != nil {
		return nil, errNumericOverflow
	}
	if lb.IsZero() {
		return nil, errDivByZero
	}
	r := new(apd.Decimal)
	prec.Quo(r, lx, lb)
	return canon(r, rscale)
}

func trimScale(d *apd.Decimal) *apd.Decimal {
	r := new(apd.Decimal).Set(d)
	if r.IsZero() {
		return apd.New(0, 0)
	}
	ten := apd.NewBigInt(10)
	for r.Exponent < 0 {
		q, m := new(apd.BigInt), new(apd.BigInt)
		q.QuoRem(&r.Coeff, ten, m)
		if m.Sign() != 0 {
			break
		}
		r.Coeff.Set(q)
		r.Exponent++
	}
	return r
}

func widthBucketErrors(count int64) error {
	if count <= 0 {
		return pgerror.New(pgcode.InvalidArgumentForWidthBucketFunction, "count must be greater than zero")
	}
	return nil
}

func widthBucketFloat(op, b1, b2 float64, count int64) (types.Datum, error) {
	if err := widthBucketErrors(count); err != nil {
		return nil, err
	}
	if math.IsNaN(op) || math.IsNaN(b1) || math.IsNaN(b2) {
		return nil, pgerror.New(pgcode.InvalidArgumentForWidthBucketFunction, "operand, lower bound, and upper bound cannot be NaN")
	}
	if math.IsInf(b1, 0) || math.IsInf(b2, 0) {
		return nil, pgerror.New(pgcode.InvalidArgumentForWidthBucketFunction, "lower and upper bounds must be finite")
	}
	over := func() (types.Datum, error) {
		if count+1 > math.MaxInt32 {
			return nil, errIntRange(types.Int4)
		}
		return count + 1, nil
	}
	switch {
	case b1 < b2:
		if op < b1 {
			return int64(0), nil
		}
		if op >= b2 {
			return over()
		}
		return int64(int32(float64(count)*(op-b1)/(b2-b1) + 1)), nil
	case b1 > b2:
		if op > b1 {
			return int64(0), nil
		}
		if op <= b2 {
			return over()
		}
		return int64(int32(float64(count)*(b1-op)/(b1-b2) + 1)), nil
	}
	return nil, pgerror.New(pgcode.InvalidArgumentForWidthBucketFunction, "lower bound cannot equal upper bound")
}

func widthBucketNumeric(op, b1, b2 *apd.Decimal, count int64) (types.Datum, error) {
	if err := widthBucketErrors(count); err != nil {
		return nil, err
	}
	if isNaN(op) || isNaN(b1) || isNaN(b2) {
		return nil, pgerror.New(pgcode.InvalidArgumentForWidthBucketFunction, "operand, lower bound, and upper bound cannot be NaN")
	}
	if b1.Form != apd.Finite || b2.Form != apd.Finite {
		return nil, pgerror.New(pgcode.InvalidArgumentForWidthBucketFunction, "lower and upper bounds must be finite")
	}
	over := func() (types.Datum, error) {
		if count+1 > math.MaxInt32 {
			return nil, errIntRange(types.Int4)
		}
		return count + 1, nil
	}
	bucket := func(num, den *apd.Decimal) (types.Datum, error) {
		prod := new(apd.Decimal)
		exact.Mul(prod, num, apd.New(count, 0))
		q, err := numericDiv(prod, den)
		if err != nil {
			return nil, err
		}
		r := new(apd.Decimal)
		exact.Add(r, q.(*apd.Decimal), apd.New(1, 0))
		f := new(apd.Decimal)
		ctx := exact
		ctx.Rounding = apd.RoundFloor
		ctx.Quantize(f, r, 0)
		n, err := f.Int64()
		if err != nil || n > math.MaxInt32 {
			return nil, errIntRange(types.Int4)
		}
		return n, nil
	}
	sub := func(a, b *apd.Decimal) *apd.Decimal {
		r := new(apd.Decimal)
		exact.Sub(r, a, b)
		return r
	}
	switch c := b1.Cmp(b2); {
	case c < 0:
		if op.Cmp(b1) < 0 {
			return int64(0), nil
		}
		if op.Cmp(b2) >= 0 {
			return over()
		}
		return bucket(sub(op, b1), sub(b2, b1))
	case c > 0:
		if op.Cmp(b1) > 0 {
			return int64(0), nil
		}
		if op.Cmp(b2) <= 0 {
			return over()
		}
		return bucket(sub(b1, op), sub(b1, b2))
	}
	return nil, pgerror.New(pgcode.InvalidArgumentForWidthBucketFunction, "lower bound cannot equal upper bound")
}

func intGCD(a, b int64, t *types.T) (types.Datum, error) {
	lo, _, _ := intRange(t)
	if (a == lo && (b == 0 || b == lo)) || (b == lo && a == 0) {
		return nil, errIntRange(t)
	}
	for b != 0 {
		a, b = b, a%b
	}
	if a < 0 {
		a = -a
	}
	return a, nil
}

func intLCM(a, b int64, t *types.T) (types.Datum, error) {
	if a == 0 || b == 0 {
		return int64(0), nil
	}
	g, err := intGCD(a, b, t)
	if err != nil {
		return nil, err
	}
	q := a / g.(int64)
	hi, lo := bits.Mul64(uint64(abs64(q)), uint64(abs64(b)))
	_, max, _ := intRange(t)
	if hi != 0 || lo > uint64(max) || q == math.MinInt64 || b == math.MinInt64 {
		return nil, errIntRange(t)
	}
	return int64(lo), nil
}

func numericGCD(a, b *apd.Decimal) (types.Datum, error) {
	if a.Form != apd.Finite || b.Form != apd.Finite {
		return nan(), nil
	}
	scale := max(dscale(a), dscale(b))
	x, y := new(apd.Decimal).Set(a), new(apd.Decimal).Set(b)
	x.Negative, y.Negative = false, false
	for !y.IsZero() {
		m := new(apd.Decimal)
		exact.Rem(m, x, y)
		x, y = y, m
	}
	return canon(x, scale)
}

func numericLCM(a, b *apd.Decimal) (types.Datum, error) {
	if a.Form != apd.Finite || b.Form != apd.Finite {
		return nan(), nil
	}
	scale := max(dscale(a), dscale(b))
	if a.IsZero() || b.IsZero() {
		return canon(apd.New(0, 0), scale)
	}
	g, _ := numericGCD(a, b)
	q := new(apd.Decimal)
	exact.QuoInteger(q, a, g.(*apd.Decimal))
	r := new(apd.Decimal)
	exact.Mul(r, q, b)
	r.Negative = false
	return canon(r, scale)
}

// PostgreSQL's pg_prng: xoroshiro128** seeded through splitmix64, which
// random() and setseed() use.
type prng struct {
	mu     sync.Mutex
	s0, s1 uint64
}

func splitmix64(state *uint64) uint64 {
	*state += 0x9E3779B97f4A7C15
	v := *state
	v = (v ^ (v >> 30)) * 0xBF58476D1CE4E5B9
	v = (v ^ (v >> 27)) * 0x94D049BB133111EB
	return v ^ (v >> 31)
}

func (p *prng) seed(seed uint64) {
	p.s0 = splitmix64(&seed)
	p.s1 = splitmix64(&seed)
	if p.s0 == 0 && p.s1 == 0 {
		p.s0 = 0x5851F42D4C957F2D
		p.s1 = 0x14057B7EF767814F
	}
}

func (p *prng) fseed(f float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seed(uint64(int64(float64((uint64(1)<<52)-1) * f)))
}

func (p *prng) next() uint64 {
	s0 := p.s0
	sx := p.s1 ^ s0
	val := bits.RotateLeft64(s0*5, 7) * 9
	p.s0 = bits.RotateLeft64(s0, 24) ^ sx ^ (sx << 16)
	p.s1 = bits.RotateLeft64(sx, 37)
	return val
}

func (p *prng) double() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return math.Ldexp(float64(p.next()>>(64-52)), -52)
}

// Session random states. PostgreSQL keeps one per backend, seeded
// randomly unless setseed() was called; stela keeps one per session,
// created at its first use. (Session has no place for it yet: states of
// ended sessions are dropped when the table grows large.)
var prngs = struct {
	sync.Mutex
	m map[Session]*prng
}{m: map[Session]*prng{}}

func sessionPRNG(c *Context) *prng {
	prngs.Lock()
	defer prngs.Unlock()
	if p, ok := prngs.m[c.Session]; ok {
		return p
	}
	if len(prngs.m) >= 10000 {
		prngs.m = map[Session]*prng{}
	}
	p := &prng{}
	var b [8]byte
	_, _ = crand.Read(b[:])
	p.seed(binary.LittleEndian.Uint64(b[:]))
	prngs.m[c.Session] = p
	return p
}
