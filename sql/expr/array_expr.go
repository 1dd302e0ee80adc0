package expr

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// ArrayExpr is the ARRAY[...] constructor. Its elements share one type
// (PostgreSQL's transformArrayExpr): the element type of T, or, when
// Multi, T itself: ARRAY[ARRAY[1,2], ARRAY[3,4]] (or any elements of
// array type) stacks sub-arrays into an array with one more dimension.
type ArrayExpr struct {
	Elems []Expr
	T     *types.T
	Multi bool
}

func (a *ArrayExpr) Type() *types.T { return a.T }

func (a *ArrayExpr) Eval(ctx *Context) (types.Datum, error) {
	vals := make([]types.Datum, len(a.Elems))
	for i, e := range a.Elems {
		v, err := e.Eval(ctx)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	if !a.Multi {
		return types.NewArray(vals), nil
	}
	return stackArrays(vals)
}

// stackArrays is ExecEvalArrayExpr for sub-arrays: they must all have
// the same dimensions and bounds, which become the inner ones of the
// result (its outer dimension starts at 1). NULL and empty sub-arrays
// are allowed only if all are, which gives an empty array.
func stackArrays(vals []types.Datum) (types.Datum, error) {
	var first *types.Array
	haveEmpty := false
	var elems []types.Datum
	for _, v := range vals {
		if v == nil {
			haveEmpty = true
			continue
		}
		sub := v.(*types.Array)
		if len(sub.Dims) == 0 {
			haveEmpty = true
			continue
		}
		if first == nil {
			first = sub
			if len(sub.Dims)+1 > types.MaxArrayDims {
				return nil, types.ErrTooManyDims(len(sub.Dims) + 1)
			}
		} else if !sameShape(first, sub) {
			return nil, errMismatchedSubarrays()
		}
		elems = append(elems, sub.Elems...)
	}
	if first == nil {
		return &types.Array{}, nil
	}
	if haveEmpty {
		return nil, errMismatchedSubarrays()
	}
	out := &types.Array{
		Dims:   append([]int32{int32(len(vals))}, first.Dims...),
		LBound: append([]int32{1}, first.LBound...),
		Elems:  elems,
	}
	if _, err := types.CheckArrayShape(out.Dims, out.LBound); err != nil {
		return nil, err
	}
	return out, nil
}

// sameShape reports whether two arrays have the same dimensions and
// lower bounds.
func sameShape(a, b *types.Array) bool {
	if len(a.Dims) != len(b.Dims) {
		return false
	}
	for i := range a.Dims {
		if a.Dims[i] != b.Dims[i] || a.LBound[i] != b.LBound[i] {
			return false
		}
	}
	return true
}

func errMismatchedSubarrays() error {
	return pgerror.New(pgcode.ArraySubscriptError, "multidimensional arrays must have array expressions with matching dimensions")
}

// arrayExpr builds ARRAY[...]. target is the array type of a cast
// around it (ARRAY[]::int[]), nil when there is none: PostgreSQL then
// casts the elements directly to its element type, which also gives an
// empty ARRAY[] its type.
func (b *Builder) arrayExpr(a *pg_query.A_ArrayExpr, target *types.T) (Expr, error) {
	elems := make([]Expr, len(a.Elements))
	locs := make([]int32, len(a.Elements))
	multi := false
	for i, n := range a.Elements {
		var e Expr
		var err error
		if sub := n.GetAArrayExpr(); sub != nil {
			e, err = b.arrayExpr(sub, target)
			multi = true
		} else {
			e, err = b.Build(n)
			if err == nil && e.Type().IsArray() {
				multi = true
			}
		}
		if err != nil {
			return nil, err
		}
		elems[i], locs[i] = e, location(n)
	}
	if target != nil {
		want := target.Elem
		if multi {
			want = target
		}
		for i, e := range elems {
			c, err := b.coerce(e, want, castExplicit, locs[i])
			if err != nil {
				return nil, err
			}
			elems[i] = c
		}
		return &ArrayExpr{Elems: elems, T: target, Multi: multi}, nil
	}
	if len(elems) == 0 {
		return nil, at(pgerror.New(pgcode.IndeterminateDatatype, "cannot determine type of empty array").
			WithHint("Explicitly cast to the desired type, for example ARRAY[]::integer[]."), a.Location)
	}
	elems, t, err := b.CommonType(elems, locs, "ARRAY")
	if err != nil {
		return nil, err
	}
	if multi {
		if !t.IsArray() {
			return nil, at(pgerror.Newf(pgcode.UndefinedObject, "could not find element type for data type %s", t), a.Location)
		}
		return &ArrayExpr{Elems: elems, T: t.Base(), Multi: true}, nil
	}
	at2, ok := types.ArrayOf(t.Base())
	if !ok {
		return nil, at(pgerror.Newf(pgcode.UndefinedObject, "could not find array type for data type %s", t), a.Location)
	}
	return &ArrayExpr{Elems: elems, T: at2}, nil
}
