package expr

import (
	"math"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

var (
	errDivByZero = pgerror.New(pgcode.DivisionByZero, "division by zero")
	errOverflow  = pgerror.New(pgcode.NumericValueOutOfRange, "value out of range: overflow")
	errUnderflow = pgerror.New(pgcode.NumericValueOutOfRange, "value out of range: underflow")
)

func init() {
	ints := []*types.T{types.Int2, types.Int4, types.Int8}
	wider := func(a, b *types.T) *types.T {
		if a.Len >= b.Len {
			return a
		}
		return b
	}
	for _, l := range ints {
		for _, r := range ints {
			res := wider(l, r)
			for _, op := range "+-*/" {
				addOp(string(op), l, r, res, intArith(op, res))
			}
			addCompare(l, r, cmpInts)
		}
		// % and the unary operators exist for each width alone.
		addOp("%", l, l, l, intArith('%', l))
		addOp("-", nil, l, l, intNeg(l))
		addOp("+", nil, l, l, identity)
		addOp("@", nil, l, l, intAbs(l))
	}
	floats := []*types.T{types.Float4, types.Float8}
	for _, l := range floats {
		for _, r := range floats {
			res := wider(l, r)
			for _, op := range "+-*/" {
				addOp(string(op), l, r, res, floatArith(op, res))
			}
			addCompare(l, r, cmpFloats)
		}
		addOp("-", nil, l, l, func(_ *Context, a []types.Datum) (types.Datum, error) { return -a[0].(float64), nil })
		addOp("+", nil, l, l, identity)
		addOp("@", nil, l, l, func(_ *Context, a []types.Datum) (types.Datum, error) { return math.Abs(a[0].(float64)), nil })
	}
	addOp("^", types.Float8, types.Float8, types.Float8, floatPow)
	for _, op := range "+-*/%^" {
		addOp(string(op), types.Numeric, types.Numeric, types.Numeric, numericArith(op))
	}
	addOp("-", nil, types.Numeric, types.Numeric, numericNeg)
	addOp("+", nil, types.Numeric, types.Numeric, identity)
	addOp("@", nil, types.Numeric, types.Numeric, numericAbs)
}

func identity(_ *Context, a []types.Datum) (types.Datum, error) { return a[0], nil }

// intArith returns the function of an integer operator whose result has
// type res; overflow is an error naming res, as in PostgreSQL.
func intArith(op rune, res *types.T) func(*Context, []types.Datum) (types.Datum, error) {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].(int64), a[1].(int64)
		var r int64
		switch op {
		case '+':
			r = x + y
			if (x > 0 && y > 0 && r < 0) || (x < 0 && y < 0 && r >= 0) {
				return nil, errIntRange(res)
			}
		case '-':
			r = x - y
			if (x >= 0 && y < 0 && r < 0) || (x < 0 && y > 0 && r >= 0) {
				return nil, errIntRange(res)
			}
		case '*':
			r = x * y
			if x != 0 && (r/x != y || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64)) {
				return nil, errIntRange(res)
			}
		case '/':
			if y == 0 {
				return nil, errDivByZero
			}
			if y == -1 {
				if x == math.MinInt64 {
					return nil, errIntRange(res)
				}
				r = -x
			} else {
				r = x / y // truncates toward zero, as in C
			}
		case '%':
			if y == 0 {
				return nil, errDivByZero
			}
			if y == -1 {
				return int64(0), nil
			}
			r = x % y
		}
		return checkInt(r, res)
	}
}

func intNeg(t *types.T) func(*Context, []types.Datum) (types.Datum, error) {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		x := a[0].(int64)
		if x == math.MinInt64 {
			return nil, errIntRange(t)
		}
		return checkInt(-x, t)
	}
}

func intAbs(t *types.T) func(*Context, []types.Datum) (types.Datum, error) {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		x := a[0].(int64)
		if x == math.MinInt64 {
			return nil, errIntRange(t)
		}
		if x < 0 {
			x = -x
		}
		return checkInt(x, t)
	}
}

// floatArith computes in the result's precision and reports overflow and
// underflow of finite inputs, as PostgreSQL's float4/float8 operators do.
func floatArith(op rune, res *types.T) func(*Context, []types.Datum) (types.Datum, error) {
	single := res.Oid == types.Float4.Oid
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].(float64), a[1].(float64)
		var r float64
		switch op {
		case '+':
			r = x + y
		case '-':
			r = x - y
		case '*':
			r = x * y
		case '/':
			if y == 0 {
				return nil, errDivByZero
			}
			r = x / y
		}
		if single {
			r = float64(float32(r))
		}
		if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
			return nil, errOverflow
		}
		if r == 0 && x != 0 && (op == '*' && y != 0 || op == '/' && !math.IsInf(y, 0)) {
			return nil, errUnderflow
		}
		return r, nil
	}
}

// floatPow is PostgreSQL's dpow, with its errors.
func floatPow(_ *Context, a []types.Datum) (types.Datum, error) {
	x, y := a[0].(float64), a[1].(float64)
	if x == 0 && y < 0 {
		return nil, pgerror.New(pgcode.InvalidArgumentForPowerFunction, "zero raised to a negative power is undefined")
	}
	if x < 0 && y != math.Trunc(y) && !math.IsInf(y, 0) {
		return nil, pgerror.New(pgcode.InvalidArgumentForPowerFunction, "a negative number raised to a non-integer power yields a complex result")
	}
	r := math.Pow(x, y)
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return nil, errOverflow
	}
	if r == 0 && x != 0 && !math.IsInf(y, 0) && !math.IsInf(x, 0) {
		return nil, errUnderflow
	}
	return r, nil
}
