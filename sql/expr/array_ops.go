package expr

import (
	"math"
	"strconv"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Array operators. Comparison and containment take two arrays of the
// same type (anyarray: int[] = bigint[] does not exist, as in
// PostgreSQL); || concatenates arrays of compatible element types, or
// appends or prepends an element (anycompatible). They are resolved
// here, before the overload table, whenever an operand is an array.

// arrayOperatorCall builds name(args) when an operand is an array; ok is
// false when the operator is not an array operator or no operand is an
// array, so that ordinary resolution runs (and fails with PostgreSQL's
// message).
func (b *Builder) arrayOperatorCall(name string, args []Expr, loc int32) (f *Func, ok bool, err error) {
	if len(args) != 2 || (!args[0].Type().IsArray() && !args[1].Type().IsArray()) {
		return nil, false, nil
	}
	var params []polyParam
	var result polyParam
	var impl func(elem *types.T) func(*Context, []types.Datum) (types.Datum, error)
	strict := true
	switch name {
	case "=", "<>", "<", ">", "<=", ">=":
		params, result = []polyParam{pArray, pArray}, pType(types.Bool)
		test := cmpTest(name)
		impl = func(elem *types.T) func(*Context, []types.Datum) (types.Datum, error) {
			t, _ := types.ArrayOf(elem)
			return func(_ *Context, a []types.Datum) (types.Datum, error) { return test(types.Compare(t, a[0], a[1])), nil }
		}
	case "@>", "<@", "&&":
		params, result = []polyParam{pArray, pArray}, pType(types.Bool)
		impl = func(elem *types.T) func(*Context, []types.Datum) (types.Datum, error) {
			return func(_ *Context, a []types.Datum) (types.Datum, error) {
				x, y := a[0].(*types.Array), a[1].(*types.Array)
				switch name {
				case "@>":
					return arrayContains(elem, y, x, true), nil
				case "<@":
					return arrayContains(elem, x, y, true), nil
				}
				return arrayContains(elem, x, y, false), nil
			}
		}
	case "||":
		strict = false
		lt, rt := args[0].Type(), args[1].Type()
		unknown := func(t *types.T) bool { return t.Family == types.UnknownFamily }
		switch {
		case (lt.IsArray() || unknown(lt)) && (rt.IsArray() || unknown(rt)):
			params, result = []polyParam{pCompatArray, pCompatArray}, pCompatArray
			impl = arrayCatOf
		case lt.IsArray():
			params, result = []polyParam{pCompatArray, pCompat}, pCompatArray
			impl = arrayAppendOf
		default:
			params, result = []polyParam{pCompat, pCompatArray}, pCompatArray
			impl = arrayPrependOf
		}
	default:
		return nil, false, nil
	}
	argTypes := []*types.T{args[0].Type(), args[1].Type()}
	targets, res, fits, err := bindPoly(params, result, argTypes)
	if err != nil {
		return nil, true, at(err.(*pgerror.Error), loc)
	}
	if !fits {
		return nil, true, at(errNoOperator(name, argTypes, false), loc)
	}
	var elem *types.T
	for _, t := range targets {
		if t.IsArray() {
			elem = t.Elem
		}
	}
	if name != "||" {
		if err := checkElemComparable(elem, name); err != nil {
			return nil, true, at(err, loc)
		}
	}
	out, err := b.coerceArgs(args, targets, loc)
	if err != nil {
		return nil, true, err
	}
	return &Func{Name: name, Args: out, Result: res, Strict: strict, Fn: impl(elem)}, true, nil
}

// checkElemComparable refuses array comparisons over json, which has
// neither equality nor ordering (PostgreSQL fails when it looks up the
// element's operator).
func checkElemComparable(elem *types.T, op string) *pgerror.Error {
	if elem == nil || elem.Family != types.JSONFamily {
		return nil
	}
	switch op {
	case "=", "<>", "@>", "<@", "&&":
		return pgerror.Newf(pgcode.UndefinedFunction, "could not identify an equality operator for type %s", elem)
	}
	return pgerror.Newf(pgcode.UndefinedFunction, "could not identify a comparison function for type %s", elem)
}

// arrayContains is array_contain_compare: with all, whether every
// element of sub equals an element of super (a NULL in sub never
// matches); without, whether any does. Shapes do not matter.
func arrayContains(elem *types.T, sub, super *types.Array, all bool) bool {
	for _, x := range sub.Elems {
		if x == nil {
			if all {
				return false
			}
			continue
		}
		found := false
		for _, y := range super.Elems {
			if y != nil && types.Compare(elem, x, y) == 0 {
				found = true
				break
			}
		}
		if found && !all {
			return true
		}
		if !found && all {
			return false
		}
	}
	return all
}

// arrayCatOf is array_cat over elements of type elem (||, not strict):
// a NULL or empty side gives the other side. Arrays of the same number
// of dimensions are joined along the first one (their other dimensions
// and bounds must agree); an array of one dimension less is added as a
// single slice at the start or the end.
func arrayCatOf(elem *types.T) arrayFn {
	return func(_ *Context, args []types.Datum) (types.Datum, error) { return arrayCat(elem, args) }
}

func arrayCat(elem *types.T, args []types.Datum) (types.Datum, error) {
	if args[0] == nil {
		return args[1], nil
	}
	if args[1] == nil {
		return args[0], nil
	}
	a, b := args[0].(*types.Array), args[1].(*types.Array)
	na, nb := len(a.Dims), len(b.Dims)
	if na == 0 {
		return b, nil
	}
	if nb == 0 {
		return a, nil
	}
	errCat := func(detail string) error {
		return pgerror.New(pgcode.ArraySubscriptError, "cannot concatenate incompatible arrays").WithDetail(detail)
	}
	var dims, lbs []int32
	switch na - nb {
	case 0:
		dims = append([]int32{a.Dims[0] + b.Dims[0]}, a.Dims[1:]...)
		lbs = append([]int32(nil), a.LBound...)
		for i := 1; i < na; i++ {
			if a.Dims[i] != b.Dims[i] || a.LBound[i] != b.LBound[i] {
				return nil, errCat("Arrays with differing element dimensions are not compatible for concatenation.")
			}
		}
	case -1, 1:
		outer, inner := b, a
		if na > nb {
			outer, inner = a, b
		}
		dims = append([]int32{outer.Dims[0] + 1}, outer.Dims[1:]...)
		lbs = append([]int32(nil), outer.LBound...)
		for i := range inner.Dims {
			if inner.Dims[i] != outer.Dims[i+1] || inner.LBound[i] != outer.LBound[i+1] {
				return nil, errCat("Arrays with differing dimensions are not compatible for concatenation.")
			}
		}
	default:
		return nil, errCat("Arrays of " + strconv.Itoa(na) + " and " + strconv.Itoa(nb) + " dimensions are not compatible for concatenation.")
	}
	if _, err := types.CheckArrayShape(dims, lbs); err != nil {
		return nil, err
	}
	if err := checkCatBytes(elem, len(dims), a, b); err != nil {
		return nil, err
	}
	elems := make([]types.Datum, 0, len(a.Elems)+len(b.Elems))
	elems = append(append(elems, a.Elems...), b.Elems...)
	return &types.Array{Dims: dims, LBound: lbs, Elems: elems}, nil
}

// checkCatBytes refuses joining a and b when PostgreSQL's array_cat
// could not palloc the flat result (54000 where PostgreSQL's elog says
// XX000, its size in the message), or
// stela could not hold its elements.
func checkCatBytes(elem *types.T, ndims int, a, b *types.Array) error {
	dataA, nullA, err := arrayDataBytes(elem, a.Elems)
	if err != nil {
		return err
	}
	dataB, nullB, err := arrayDataBytes(elem, b.Elems)
	if err != nil {
		return err
	}
	n := len(a.Elems) + len(b.Elems)
	if size := arrayHeaderBytes(ndims, n, nullA || nullB) + dataA + dataB; size > maxAlloc {
		return pgerror.Newf(pgcode.ProgramLimitExceeded, "invalid memory alloc request size %d", size)
	}
	return checkHeldSlots(n)
}

// arrayAppendOf is array_append over elements of type elem (not
// strict): a NULL or empty array gives a one-element array; a
// one-dimensional array keeps its lower bound.
func arrayAppendOf(elem *types.T) arrayFn {
	return func(_ *Context, args []types.Datum) (types.Datum, error) {
		return addElement(elem, args[0], args[1], false)
	}
}

// arrayPrependOf is array_prepend, which also keeps the lower bound.
func arrayPrependOf(elem *types.T) arrayFn {
	return func(_ *Context, args []types.Datum) (types.Datum, error) {
		return addElement(elem, args[1], args[0], true)
	}
}

// addElement is array_append (or, front, array_prepend) of e to av.
func addElement(elem *types.T, av, e types.Datum, front bool) (types.Datum, error) {
	if av == nil {
		return types.NewArray([]types.Datum{e}), nil
	}
	a := av.(*types.Array)
	switch len(a.Dims) {
	case 0:
		return types.NewArray([]types.Datum{e}), nil
	case 1:
	default:
		return nil, pgerror.New(pgcode.DataException, "argument must be empty or one-dimensional array")
	}
	// As PostgreSQL's array_append and array_prepend: the new element's
	// subscript (upper+1, or lower-1) must be an int4 (22003); an
	// appended array's bounds must then pass ArrayCheckBounds (54000),
	// while a prepended one keeps its lower bound, so its upper bound
	// may reach the int4 maximum, which ArrayCheckBounds never allows.
	lb, upperNext := int64(a.LBound[0]), int64(a.LBound[0])+int64(a.Dims[0])
	if (front && lb-1 < math.MinInt32) || (!front && upperNext > math.MaxInt32) {
		return nil, pgerror.New(pgcode.NumericValueOutOfRange, "integer out of range")
	}
	if !front && upperNext+1 > math.MaxInt32 {
		return nil, pgerror.Newf(pgcode.ProgramLimitExceeded, "array lower bound is too large: %d", lb)
	}
	// PostgreSQL refuses the result when it flattens it, which every
	// function taking a flat array does.
	data, hasNull, err := arrayDataBytes(elem, a.Elems)
	if err != nil {
		return nil, err
	}
	if e == nil {
		hasNull = true
	} else {
		size, err := storedElemSize(elem, e)
		if err != nil {
			return nil, err
		}
		data += int64(size)
	}
	if err := checkArrayBytes(1, len(a.Elems)+1, data, hasNull); err != nil {
		return nil, err
	}
	elems := make([]types.Datum, 0, len(a.Elems)+1)
	if front {
		elems = append(append(elems, e), a.Elems...)
	} else {
		elems = append(append(elems, a.Elems...), e)
	}
	return &types.Array{Dims: []int32{a.Dims[0] + 1}, LBound: []int32{a.LBound[0]}, Elems: elems}, nil
}
