package expr

import (
	"github.com/stela-db/stela/sql/types"
)

// And is a AND b AND ... with three-valued logic: false wins over NULL.
type And struct{ Args []Expr }

func (e *And) Type() *types.T { return types.Bool }

func (e *And) Eval(ctx *Context) (types.Datum, error) {
	sawNull := false
	for _, a := range e.Args {
		v, err := a.Eval(ctx)
		if err != nil {
			return nil, err
		}
		if v == nil {
			sawNull = true
		} else if !v.(bool) {
			return false, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return true, nil
}

// Or is a OR b OR ...: true wins over NULL.
type Or struct{ Args []Expr }

func (e *Or) Type() *types.T { return types.Bool }

func (e *Or) Eval(ctx *Context) (types.Datum, error) {
	sawNull := false
	for _, a := range e.Args {
		v, err := a.Eval(ctx)
		if err != nil {
			return nil, err
		}
		if v == nil {
			sawNull = true
		} else if v.(bool) {
			return true, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return false, nil
}

// Not is NOT a.
type Not struct{ Arg Expr }

func (e *Not) Type() *types.T { return types.Bool }

func (e *Not) Eval(ctx *Context) (types.Datum, error) {
	v, err := e.Arg.Eval(ctx)
	if err != nil || v == nil {
		return nil, err
	}
	return !v.(bool), nil
}

// IsNull is a IS [NOT] NULL. Of a record, as in PostgreSQL, IS NULL
// means every field is NULL and IS NOT NULL that none is: (1,) is
// neither.
type IsNull struct {
	Arg Expr
	Not bool
}

func (e *IsNull) Type() *types.T { return types.Bool }

func (e *IsNull) Eval(ctx *Context) (types.Datum, error) {
	v, err := e.Arg.Eval(ctx)
	if err != nil {
		return nil, err
	}
	if r, ok := v.(*types.Record); ok {
		for _, f := range r.Values {
			if (f == nil) == e.Not {
				return false, nil
			}
		}
		return true, nil
	}
	return (v == nil) != e.Not, nil
}

// BoolTest is a IS [NOT] TRUE / FALSE / UNKNOWN: never NULL.
type BoolTest struct {
	Arg  Expr
	Want *bool // nil: UNKNOWN
	Not  bool
}

func (e *BoolTest) Type() *types.T { return types.Bool }

func (e *BoolTest) Eval(ctx *Context) (types.Datum, error) {
	v, err := e.Arg.Eval(ctx)
	if err != nil {
		return nil, err
	}
	var r bool
	if e.Want == nil {
		r = v == nil
	} else {
		r = v != nil && v.(bool) == *e.Want
	}
	return r != e.Not, nil
}

// Case is CASE WHEN c THEN v ... ELSE d END (the simple form is built as
// equality tests).
type Case struct {
	Whens []Expr
	Thens []Expr
	Else  Expr // nil: NULL
	T     *types.T
}

func (e *Case) Type() *types.T { return e.T }

func (e *Case) Eval(ctx *Context) (types.Datum, error) {
	for i, w := range e.Whens {
		c, err := w.Eval(ctx)
		if err != nil {
			return nil, err
		}
		if c != nil && c.(bool) {
			return e.Thens[i].Eval(ctx)
		}
	}
	if e.Else == nil {
		return nil, nil
	}
	return e.Else.Eval(ctx)
}

// Coalesce returns its first non-NULL argument, evaluating no further.
type Coalesce struct {
	Args []Expr
	T    *types.T
}

func (e *Coalesce) Type() *types.T { return e.T }

func (e *Coalesce) Eval(ctx *Context) (types.Datum, error) {
	for _, a := range e.Args {
		v, err := a.Eval(ctx)
		if err != nil || v != nil {
			return v, err
		}
	}
	return nil, nil
}

// NullIf is NULLIF(a, b): NULL when a = b, else a. A and B are coerced to
// the resolved equality operator's argument types.
type NullIf struct {
	A, B Expr
	Eq   func(*Context, []types.Datum) (types.Datum, error)
}

func (e *NullIf) Type() *types.T { return e.A.Type() }

func (e *NullIf) Eval(ctx *Context) (types.Datum, error) {
	a, err := e.A.Eval(ctx)
	if err != nil || a == nil {
		return nil, err
	}
	b, err := e.B.Eval(ctx)
	if err != nil {
		return nil, err
	}
	if b != nil {
		eq, err := e.Eq(ctx, []types.Datum{a, b})
		if err != nil {
			return nil, err
		}
		if eq.(bool) {
			return nil, nil
		}
	}
	return a, nil
}

// Distinct is a IS [NOT] DISTINCT FROM b: NULLs compare as values.
type Distinct struct {
	A, B Expr
	Eq   func(*Context, []types.Datum) (types.Datum, error)
	Not  bool
}

func (e *Distinct) Type() *types.T { return types.Bool }

func (e *Distinct) Eval(ctx *Context) (types.Datum, error) {
	a, err := e.A.Eval(ctx)
	if err != nil {
		return nil, err
	}
	b, err := e.B.Eval(ctx)
	if err != nil {
		return nil, err
	}
	var distinct bool
	switch {
	case a == nil && b == nil:
		distinct = false
	case a == nil || b == nil:
		distinct = true
	default:
		eq, err := e.Eq(ctx, []types.Datum{a, b})
		if err != nil {
			return nil, err
		}
		distinct = !eq.(bool)
	}
	return distinct != e.Not, nil
}
