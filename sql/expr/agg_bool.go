package expr

import "github.com/stela-db/stela/sql/types"

// bool_and (and its SQL-standard name every), bool_or, and the bitwise
// aggregates bit_and, bit_or and bit_xor of each integer width and of
// bit strings.

func init() {
	b := []*types.T{types.Bool}
	addAgg(&Aggregate{Name: "bool_and", Args: b, Result: types.Bool, Strict: true,
		New: func() Accumulator { return &aggBool{and: true} }})
	addAgg(&Aggregate{Name: "every", Args: b, Result: types.Bool, Strict: true,
		New: func() Accumulator { return &aggBool{and: true} }})
	addAgg(&Aggregate{Name: "bool_or", Args: b, Result: types.Bool, Strict: true,
		New: func() Accumulator { return &aggBool{} }})
	for _, t := range []*types.T{types.Int2, types.Int4, types.Int8} {
		for _, op := range []string{"bit_and", "bit_or", "bit_xor"} {
			op := op
			addAgg(&Aggregate{Name: op, Args: []*types.T{t}, Result: t, Strict: true,
				New: func() Accumulator { return &aggBits{op: op} }})
		}
	}
	for op, combine := range map[string]evalFn{"bit_and": bitAnd, "bit_or": bitOr, "bit_xor": bitXor} {
		addAgg(&Aggregate{Name: op, Args: []*types.T{types.Bit}, Result: types.Bit, Strict: true,
			New: func() Accumulator { return &aggBitString{combine: combine} }})
	}
}

// aggBitString folds bit strings with the operator the aggregate is
// made of (bitand, bitor, bitxor): strings of different lengths fail as
// the operator does.
type aggBitString struct {
	combine evalFn
	v       types.Datum
}

func (a *aggBitString) Add(ctx *Context, args []types.Datum) error {
	if a.v == nil {
		a.v = args[0]
		return nil
	}
	v, err := a.combine(ctx, []types.Datum{a.v, args[0]})
	if err != nil {
		return err
	}
	a.v = v
	return nil
}

func (a *aggBitString) Result(*Context) (types.Datum, error) { return a.v, nil }

type aggBool struct {
	and, seen, v bool
}

func (a *aggBool) Add(_ *Context, args []types.Datum) error {
	x := args[0].(bool)
	switch {
	case !a.seen:
		a.v, a.seen = x, true
	case a.and:
		a.v = a.v && x
	default:
		a.v = a.v || x
	}
	return nil
}

func (a *aggBool) Result(*Context) (types.Datum, error) {
	if !a.seen {
		return nil, nil
	}
	return a.v, nil
}

// aggBits works on int64 for every width: and, or and xor of values in
// range stay in range.
type aggBits struct {
	op   string
	seen bool
	v    int64
}

func (a *aggBits) Add(_ *Context, args []types.Datum) error {
	x := args[0].(int64)
	switch {
	case !a.seen:
		a.v, a.seen = x, true
	case a.op == "bit_and":
		a.v &= x
	case a.op == "bit_or":
		a.v |= x
	default:
		a.v ^= x
	}
	return nil
}

func (a *aggBits) Result(*Context) (types.Datum, error) {
	if !a.seen {
		return nil, nil
	}
	return a.v, nil
}
