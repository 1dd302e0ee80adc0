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
	if len(args) != 2 {
		return nil, false, nil
	}
	lt, rt := args[0].Type(), args[1].Type()
	isEnum := func(t *types.T) bool { return t.Family == types.EnumFamily }
	untyped := func(t *types.T) bool { return t.Family == types.UnknownFamily }
	switch {
	case isEnum(lt) && isEnum(rt) && lt.Oid == rt.Oid:
	case isEnum(lt) && untyped(rt):
	case untyped(lt) && isEnum(rt):
	default:
		return nil, false, nil
	}
	test := cmpTest(name)
	if test == nil {
		return nil, false, nil
	}
	t := lt
	if untyped(lt) {
		t = rt
	}
	out, err := b.coerceArgs(args, []*types.T{t, t}, loc)
	if err != nil {
		return nil, true, err
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
