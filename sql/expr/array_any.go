package expr

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// ScalarArrayOp is x op ANY (array) and x op ALL (array) (PostgreSQL's
// ScalarArrayOpExpr): the operator is applied to x and each element.
// ANY is true when one application is, ALL false when one is; otherwise
// NULL if one gave NULL, else false for ANY and true for ALL. A NULL
// array gives NULL, an empty one false (ANY) or true (ALL) even for a
// NULL x.
type ScalarArrayOp struct {
	Left  Expr
	Array Expr
	Any   bool
	// Op names the operator, for the planner's estimates and index bounds.
	Op string
	// Elem computes the operator's right input from the current element,
	// which slot holds (it may cast it); Fn is the operator.
	Elem   Expr
	slot   *slotExpr
	Fn     func(*Context, []types.Datum) (types.Datum, error)
	Strict bool
}

// slotExpr stands for a value the enclosing node sets before
// evaluating a subexpression over it (an array element).
type slotExpr struct {
	T *types.T
	v types.Datum
}

func (s *slotExpr) Type() *types.T                     { return s.T }
func (s *slotExpr) Eval(*Context) (types.Datum, error) { return s.v, nil }

func (s *ScalarArrayOp) Type() *types.T { return types.Bool }

// IsElem reports whether e is the array element itself, as Elem reads
// it: when Elem is (a cast the caller deems a no-op of) the element, the
// operator compares Left with the elements as they are.
func (s *ScalarArrayOp) IsElem(e Expr) bool {
	slot, ok := e.(*slotExpr)
	return ok && slot == s.slot
}

func (s *ScalarArrayOp) Eval(ctx *Context) (types.Datum, error) {
	av, err := s.Array.Eval(ctx)
	if err != nil || av == nil {
		return nil, err
	}
	a := av.(*types.Array)
	if len(a.Elems) == 0 {
		return !s.Any, nil
	}
	lv, err := s.Left.Eval(ctx)
	if err != nil {
		return nil, err
	}
	if lv == nil && s.Strict {
		return nil, nil
	}
	sawNull := false
	for _, e := range a.Elems {
		s.slot.v = e
		ev, err := s.Elem.Eval(ctx)
		if err != nil {
			return nil, err
		}
		var r types.Datum
		if ev != nil || !s.Strict {
			if r, err = s.Fn(ctx, []types.Datum{lv, ev}); err != nil {
				return nil, err
			}
		}
		switch {
		case r == nil:
			sawNull = true
		case s.Any && r.(bool):
			return true, nil
		case !s.Any && !r.(bool):
			return false, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return !s.Any, nil
}

// scalarArrayOp builds x op ANY/ALL (array) (make_scalar_array_op): the
// operator is resolved for x and the array's element type; an untyped
// right side ('{1,2}', $1) takes the array type of the operator's right
// input.
func (b *Builder) scalarArrayOp(e *pg_query.A_Expr, name string, anyOp bool) (Expr, error) {
	left, err := b.Build(e.Lexpr)
	if err != nil {
		return nil, err
	}
	right, err := b.Build(e.Rexpr)
	if err != nil {
		return nil, err
	}
	rt := right.Type()
	var elemT *types.T
	switch {
	case rt.Family == types.UnknownFamily:
		lt := left.Type()
		o, amb := resolve(operators[opKey(name, 2)], []*types.T{lt, types.Unknown})
		if o == nil {
			return nil, at(errNoOperator(name, []*types.T{lt, types.Unknown}, amb), e.Location)
		}
		elemT = o.args[1]
		if elemT == AnyType {
			elemT = types.Text
		}
		arrT, ok := types.ArrayOf(elemT)
		if !ok {
			return nil, at(pgerror.Newf(pgcode.UndefinedObject, "could not find array type for data type %s", elemT), e.Location)
		}
		if right, err = b.coerce(right, arrT, castImplicit, location(e.Rexpr)); err != nil {
			return nil, err
		}
	case rt.IsArray():
		elemT = rt.Elem
	default:
		return nil, at(pgerror.New(pgcode.WrongObjectType, "op ANY/ALL (array) requires array on right side"), e.Location)
	}
	slot := &slotExpr{T: elemT}
	f, err := b.operatorCall(name, []Expr{left, slot}, e.Location)
	if err != nil {
		return nil, err
	}
	if f.Result.Oid != types.Bool.Oid {
		return nil, at(pgerror.New(pgcode.WrongObjectType, "op ANY/ALL (array) requires operator to yield boolean"), e.Location)
	}
	return &ScalarArrayOp{Left: f.Args[0], Array: right, Any: anyOp, Op: name, Elem: f.Args[1], slot: slot, Fn: f.Fn, Strict: f.Strict}, nil
}
