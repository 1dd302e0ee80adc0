package expr

import (
	"sync"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// A call that marks its last argument VARIADIC (concat(VARIADIC arr),
// json_extract_path(j, VARIADIC path)) passes an array to a variadic
// function's repeating parameter as a whole, as PostgreSQL does: the
// array's elements are the arguments that parameter takes. Their number
// is known only when the array is, so the call binds the function
// (overload.bind) for each element count it meets at run time.

// variadicArrayCall builds name(fixed..., VARIADIC arr).
func (b *Builder) variadicArrayCall(f *pg_query.FuncCall, name string) (Expr, error) {
	args, err := b.FuncArgs(f)
	if err != nil {
		return nil, err
	}
	fixed, arr := args[:len(args)-1], args[len(args)-1]
	argTypes := make([]*types.T, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	// Candidates: the variadic functions whose parameters before the
	// repeating one are the fixed arguments. stela declares a repeating
	// parameter that takes one argument at least as that one and the
	// repeats (num_nulls' "any", then "any"...); PostgreSQL's fixed
	// parameters are those before it.
	var cands []*overload
	anyVariadic := false
	for _, o := range functions[name] {
		if o.variadic == nil {
			continue
		}
		n := len(o.args)
		for n > 0 && o.args[n-1] == o.variadic {
			n--
		}
		if n != len(fixed) {
			continue
		}
		e := *o
		e.args = o.args[:n:n]
		cands = append(cands, &e)
		anyVariadic = anyVariadic || o.variadic == AnyType
	}
	noFunction := func(ambiguous bool) error {
		return at(errNoFunction(name, argTypes, ambiguous), f.Location)
	}
	if len(cands) == 0 {
		return nil, noFunction(false)
	}
	at0 := arr.Type()
	elem := at0.Elem
	switch {
	case at0.Family == types.UnknownFamily && !anyVariadic:
		// An untyped literal is taken as the parameter's array type.
		elem = types.Unknown
	case elem == nil:
		return nil, at(pgerror.New(pgcode.DatatypeMismatch, "VARIADIC argument must be an array"), location(f.Args[len(f.Args)-1]))
	}
	probe := append(argTypes[:len(fixed):len(fixed)], elem)
	o, ok := resolve(cands, probe)
	if o == nil {
		return nil, noFunction(ok)
	}
	out := make([]Expr, len(args))
	for i, a := range fixed {
		if out[i], err = b.coerceArg(a, o.args[i], o, f.Location); err != nil {
			return nil, err
		}
	}
	if o.variadic != AnyType {
		arrT, ok := types.ArrayOf(o.variadic)
		if !ok {
			return nil, noFunction(false)
		}
		if arr, err = b.coerce(arr, arrT, castImplicit, f.Location); err != nil {
			return nil, err
		}
		elem = o.variadic
	}
	out[len(fixed)] = arr
	fixedTypes := make([]*types.T, len(fixed))
	for i, a := range out[:len(fixed)] {
		fixedTypes[i] = a.Type()
	}
	vc := &variadicArray{o: o, fixed: fixedTypes, elem: elem, nullIsEmpty: name == "format"}
	result := o.result
	if o.bind != nil {
		// The result type does not depend on how many elements come;
		// binding for one tells it, and reports argument types the
		// function refuses at plan time.
		r, _, err := o.bind(append(fixedTypes[:len(fixedTypes):len(fixedTypes)], elem))
		if err != nil {
			return nil, atErr(err, f.Location)
		}
		result = r
	}
	return foldNullInput(&Func{Name: name, Args: out, Result: result, Strict: o.strict, Fn: vc.eval, Volatile: o.volatile, Restricted: o.restricted}), nil
}

// variadicArray runs a variadic function on its fixed arguments and the
// elements of its VARIADIC array.
type variadicArray struct {
	o     *overload
	fixed []*types.T
	elem  *types.T
	// nullIsEmpty makes a NULL array no arguments (format), where the
	// other functions taking "any" return NULL, as in PostgreSQL.
	nullIsEmpty bool
	bound       sync.Map // element count -> evalFn
}

func (v *variadicArray) eval(c *Context, a []types.Datum) (types.Datum, error) {
	n := len(a) - 1
	var elems []types.Datum
	switch arr := a[n].(type) {
	case nil:
		if !v.nullIsEmpty {
			return nil, nil
		}
	case *types.Array:
		// Every element of a multi-dimensional array, in storage
		// order, as PostgreSQL passes them.
		elems = arr.Elems
	}
	fn, err := v.fn(len(elems))
	if err != nil {
		return nil, err
	}
	call := make([]types.Datum, 0, n+len(elems))
	call = append(append(call, a[:n]...), elems...)
	return fn(c, call)
}

// fn is the function bound for k elements.
func (v *variadicArray) fn(k int) (evalFn, error) {
	if v.o.bind == nil {
		return v.o.fn, nil
	}
	if f, ok := v.bound.Load(k); ok {
		return f.(evalFn), nil
	}
	at := append(v.fixed[:len(v.fixed):len(v.fixed)], repeatType(v.elem, k)...)
	_, f, err := v.o.bind(at)
	if err != nil && k == 0 {
		// A function that takes one argument at least when called
		// with a list (concat()) takes an empty array: bound for one,
		// it runs on none.
		_, f, err = v.o.bind(append(at, v.elem))
	}
	if err != nil {
		return nil, err
	}
	v.bound.Store(k, f)
	return f, nil
}
