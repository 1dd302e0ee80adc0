package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// array_agg(x): the group's values in input order (ORDER BY inside the
// call orders them), NULLs included, so it is not strict; NULL for a
// group with no rows. Over arrays (array_agg(anyarray)) it stacks them
// into an array of one more dimension; those must not be NULL or empty
// and must all have the same dimensions and bounds.

func init() {
	addAgg(&Aggregate{Name: "array_agg", Args: []*types.T{AnyType}, Result: types.Unknown,
		bind: func(args []*types.T) (*types.T, func() Accumulator, error) {
			return arrayAccumulator(args[0])
		}})
	// max(anyarray) and min(anyarray), by the arrays' btree order; json
	// has no order, so neither has json[].
	for _, e := range types.All {
		t, ok := types.ArrayOf(e)
		if !ok || e.Family == types.JSONFamily {
			continue
		}
		addAgg(&Aggregate{Name: "max", Args: []*types.T{t}, Result: t, Strict: true,
			New: func() Accumulator { return &aggMinMax{t: t, sign: 1} }})
		addAgg(&Aggregate{Name: "min", Args: []*types.T{t}, Result: t, Strict: true,
			New: func() Accumulator { return &aggMinMax{t: t, sign: -1} }})
	}
}

// arrayAccumulator returns the result type and accumulator of
// array_agg over values of type t.
func arrayAccumulator(t *types.T) (*types.T, func() Accumulator, error) {
	if t.IsArray() {
		return t.Base(), func() Accumulator { return &aggArrayOfArrays{} }, nil
	}
	a, ok := types.ArrayOf(t.Base())
	if !ok {
		return nil, nil, pgerror.Newf(pgcode.UndefinedObject, "could not find array type for data type %s", t)
	}
	return a, func() Accumulator { return &aggArray{} }, nil
}

// NewArrayAccumulator is array_agg's accumulator for values of type t,
// with the type of the array it builds. ARRAY(subquery) collects its
// rows with it, as PostgreSQL does (a subquery of no rows gives NULL
// here, which the caller turns into an empty array).
func NewArrayAccumulator(t *types.T) (Accumulator, *types.T, error) {
	res, newAcc, err := arrayAccumulator(t)
	if err != nil {
		return nil, nil, err
	}
	return newAcc(), res, nil
}

// aggArray collects scalar values. The arrays Result returns share the
// collected slice up to their length only, so later Adds (a growing
// window frame) do not change them.
type aggArray struct {
	elems []types.Datum
	seen  bool
}

func (a *aggArray) Add(_ *Context, args []types.Datum) error {
	a.elems = append(a.elems, args[0])
	a.seen = true
	return nil
}

func (a *aggArray) Result(*Context) (types.Datum, error) {
	if !a.seen {
		return nil, nil
	}
	n := len(a.elems)
	return types.NewArray(a.elems[:n:n]), nil
}

// aggArrayOfArrays is array_agg(anyarray).
type aggArrayOfArrays struct {
	first *types.Array
	n     int32
	elems []types.Datum
}

func (a *aggArrayOfArrays) Add(_ *Context, args []types.Datum) error {
	if args[0] == nil {
		return pgerror.New(pgcode.NullValueNotAllowed, "cannot accumulate null arrays")
	}
	v := args[0].(*types.Array)
	if len(v.Dims) == 0 {
		return pgerror.New(pgcode.ArraySubscriptError, "cannot accumulate empty arrays")
	}
	if a.first == nil {
		if len(v.Dims)+1 > types.MaxArrayDims {
			return types.ErrTooManyDims(len(v.Dims) + 1)
		}
		a.first = v
	} else if !sameShape(a.first, v) {
		return pgerror.New(pgcode.ArraySubscriptError, "cannot accumulate arrays of different dimensionality")
	}
	a.elems = append(a.elems, v.Elems...)
	a.n++
	return nil
}

func (a *aggArrayOfArrays) Result(*Context) (types.Datum, error) {
	if a.first == nil {
		return nil, nil
	}
	n := len(a.elems)
	out := &types.Array{
		Dims:   append([]int32{a.n}, a.first.Dims...),
		LBound: append([]int32{1}, a.first.LBound...),
		Elems:  a.elems[:n:n],
	}
	if _, err := types.CheckArrayShape(out.Dims, out.LBound); err != nil {
		return nil, err
	}
	return out, nil
}
