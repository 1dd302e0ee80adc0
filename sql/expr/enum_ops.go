package expr

import (
	"github.com/stela-db/stela/sql/types"
)

// Enum types are made by the database (CREATE TYPE ... AS ENUM), so
// their operators cannot be registered by Oid as the built-in types'
// are: the comparisons and min/max take any enum, as PostgreSQL's
// anyenum versions do, and compare two values of one enum by the order
// of its labels.

// enumOperatorCall builds a comparison of two values of one enum type,
// or of an enum and an untyped literal (read as that enum); ok is false
// for any other call.
func (b *Builder) enumOperatorCall(name string, args []Expr, loc int32) (f *Func, ok bool, err error) {
	isEnum := func(t *types.T) bool { return t.Family == types.EnumFamily }
	sameEnum := func(l, r *types.T) bool { return l.Oid == r.Oid }
	out, t, test, ok, err := b.comparedAs(name, args, loc, isEnum, sameEnum)
	if !ok || err != nil {
		return nil, ok, err
	}
	fn := func(_ *Context, a []types.Datum) (types.Datum, error) {
		return test(types.Compare(t, a[0], a[1])), nil
	}
	return &Func{Name: name, Args: out, Result: types.Bool, Strict: true, Fn: fn}, true, nil
}

// enumAggregate is min or max of an enum (PostgreSQL's min(anyenum) and
// max(anyenum)); nil for another call.
func enumAggregate(name string, argTypes []*types.T) *Aggregate {
	if (name != "min" && name != "max") || len(argTypes) != 1 || argTypes[0].Family != types.EnumFamily {
		return nil
	}
	t, sign := argTypes[0], 1
	if name == "min" {
		sign = -1
	}
	return &Aggregate{Name: name, Args: []*types.T{t}, Result: t, Strict: true,
		New: func() Accumulator { return &aggMinMax{t: t, sign: sign} }}
}
