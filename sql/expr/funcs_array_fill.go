package expr

// array_fill(value, dims [, lbounds]) and trim_array(a, n), PostgreSQL
// 15's arrayfuncs.c. array_fill builds an array of any shape stela's
// arrays hold (up to six dimensions, any lower bounds), every element
// the value; trim_array drops the last n entries of the first dimension
// (the outermost), as the slice a[:upper-n] does: the result's lower
// bounds are 1.

import (
	"strconv"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

func init() {
	int4Arr, _ := types.ArrayOf(types.Int4)
	// Not strict: a NULL value fills the array with NULLs, while a
	// NULL dims or lbounds is an error.
	addPolyFunc("array_fill", &polyFunc{params: []polyParam{pElem, pType(int4Arr)}, result: pArray, fn: arrayFillOf})
	addPolyFunc("array_fill", &polyFunc{params: []polyParam{pElem, pType(int4Arr), pType(int4Arr)}, result: pArray, fn: arrayFillOf})
	addPolyFunc("trim_array", &polyFunc{params: []polyParam{pArray, pType(types.Int4)}, result: pArray, strict: true, fn: fixed(trimArray)})
}

// arrayFillOf is array_fill for a value of type argTypes[0], which
// the result's size limits depend on.
func arrayFillOf(argTypes []*types.T) arrayFn {
	return func(_ *Context, args []types.Datum) (types.Datum, error) { return arrayFill(argTypes[0], args) }
}

// arrayFill is array_fill(value, dims [, lbounds]) for a value of type
// elem: NULL dims or lbounds, or one with a NULL or more than one
// dimension, is an error; the shape is checked (CheckArrayShape) and the size
// (checkFillBytes) before the elements are made, all of them the value.
func arrayFill(elem *types.T, args []types.Datum) (types.Datum, error) {
	for _, a := range args[1:] {
		if a == nil {
			return nil, pgerror.New(pgcode.NullValueNotAllowed, "dimension array or low bound array cannot be null")
		}
	}
	// dimValues checks a dims or lbounds argument: one dimension, no
	// NULL.
	dimValues := func(d types.Datum) ([]int32, error) {
		a := d.(*types.Array)
		if len(a.Dims) > 1 {
			return nil, pgerror.New(pgcode.ArraySubscriptError, "wrong number of array subscripts").
				WithDetail("Dimension array must be one dimensional.")
		}
		out := make([]int32, len(a.Elems))
		for i, e := range a.Elems {
			if e == nil {
				return nil, pgerror.New(pgcode.NullValueNotAllowed, "dimension values cannot be null")
			}
			out[i] = int32(e.(int64))
		}
		return out, nil
	}
	dims, err := dimValues(args[1])
	if err != nil {
		return nil, err
	}
	if len(dims) > types.MaxArrayDims {
		return nil, types.ErrTooManyDims(len(dims))
	}
	lbs := make([]int32, len(dims))
	for i := range lbs {
		lbs[i] = 1
	}
	if len(args) > 2 {
		if lbs, err = dimValues(args[2]); err != nil {
			return nil, err
		}
		if len(lbs) != len(dims) {
			return nil, pgerror.New(pgcode.ArraySubscriptError, "wrong number of array subscripts").
				WithDetail("Low bound array has different size than dimensions array.")
		}
	}
	n, err := types.CheckArrayShape(dims, lbs)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return &types.Array{}, nil
	}
	if err := checkFillBytes(elem, args[0], n); err != nil {
		return nil, err
	}
	elems := make([]types.Datum, n)
	for i := range elems {
		elems[i] = args[0]
	}
	return &types.Array{Dims: dims, LBound: lbs, Elems: elems}, nil
}

// trimArray is trim_array(a, n): a without the last n entries of its
// first dimension; n must be between 0 and that dimension's length
// (2202E), and the result's lower bounds are 1.
func trimArray(_ *Context, args []types.Datum) (types.Datum, error) {
	a, n := args[0].(*types.Array), args[1].(int64)
	length := int64(0)
	if len(a.Dims) > 0 {
		length = int64(a.Dims[0])
	}
	if n < 0 || n > length {
		return nil, pgerror.New(pgcode.ArraySubscriptError, "number of elements to trim must be between 0 and "+strconv.FormatInt(length, 10))
	}
	if n == length {
		return &types.Array{}, nil
	}
	// Row-major order: the first dimension's last n entries are the
	// elements' tail.
	inner := len(a.Elems) / int(length)
	keep := int(length-n) * inner
	dims := append([]int32{int32(length - n)}, a.Dims[1:]...)
	lbs := make([]int32, len(dims))
	for i := range lbs {
		lbs[i] = 1
	}
	return &types.Array{Dims: dims, LBound: lbs, Elems: a.Elems[:keep:keep]}, nil
}
