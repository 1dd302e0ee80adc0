package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Polymorphic functions and operators: PostgreSQL's anyarray,
// anyelement, anyenum, anycompatiblearray and anycompatible parameters,
// which the array and enum functions and operators use. The overload table of resolve.go
// has one type per parameter, so these have their own small resolver
// (PostgreSQL's enforce_generic_type_consistency):
//
//   - all anyarray arguments must be of one array type, and anyelement
//     arguments of its element type (anyenum is anyelement taking only
//     enums);
//   - anycompatiblearray and anycompatible arguments are unified to one
//     common element type by the rules of CASE and UNION (pickCommon),
//     and converted to it (array_append(int[], numeric) is numeric[]);
//   - untyped arguments (literals, NULL, $n) take the type the others
//     decide; when none decides, anyarray cannot be resolved and
//     anycompatible becomes text.

// polyKind is the kind of a parameter of a polymorphic function.
type polyKind uint8

const (
	polyConcrete    polyKind = iota // a fixed type (polyParam.t)
	polyArray                       // anyarray
	polyElem                        // anyelement
	polyCompatArray                 // anycompatiblearray
	polyCompat                      // anycompatible
	polyEnum                        // anyenum: anyelement, an enum
)

// polyParam is one parameter (or the result) of a polymorphic function.
type polyParam struct {
	kind polyKind
	t    *types.T
}

var (
	pArray       = polyParam{kind: polyArray}
	pElem        = polyParam{kind: polyElem}
	pCompatArray = polyParam{kind: polyCompatArray}
	pCompat      = polyParam{kind: polyCompat}
	pEnum        = polyParam{kind: polyEnum}
)

func pType(t *types.T) polyParam { return polyParam{kind: polyConcrete, t: t} }

// polyFunc is one signature of a polymorphic function.
type polyFunc struct {
	params []polyParam
	result polyParam
	strict bool
	// fn returns the implementation for the resolved types: argTypes
	// are the types the arguments were converted to.
	fn func(argTypes []*types.T) func(*Context, []types.Datum) (types.Datum, error)
}

// polyFuncs are the polymorphic functions by name.
var polyFuncs = map[string][]*polyFunc{}

func addPolyFunc(name string, f *polyFunc) { polyFuncs[name] = append(polyFuncs[name], f) }

// bindPoly resolves the polymorphic parameters for argument types. ok is
// false when the arguments do not fit; err is set when they would, but
// the polymorphic types cannot be determined.
func bindPoly(params []polyParam, result polyParam, args []*types.T) (targets []*types.T, res *types.T, ok bool, err error) {
	if len(params) != len(args) {
		return nil, nil, false, nil
	}
	unknown := func(t *types.T) bool { return t.Family == types.UnknownFamily }
	var arr, elem *types.T
	var compat []*types.T
	usesAny := result.kind == polyArray || result.kind == polyElem || result.kind == polyEnum
	usesEnum := result.kind == polyEnum
	usesCompat := result.kind == polyCompatArray || result.kind == polyCompat
	for i, p := range params {
		a := args[i]
		switch p.kind {
		case polyConcrete:
			if !unknown(a) && a.Oid != p.t.Oid && !canCoerce(a, p.t) {
				return nil, nil, false, nil
			}
		case polyArray:
			usesAny = true
			if unknown(a) {
				continue
			}
			if !a.IsArray() || (arr != nil && arr.Oid != a.Oid) {
				return nil, nil, false, nil
			}
			arr = a.Base()
		case polyElem, polyEnum:
			usesAny = true
			usesEnum = usesEnum || p.kind == polyEnum
			if unknown(a) {
				continue
			}
			if (p.kind == polyEnum && a.Family != types.EnumFamily) || (elem != nil && elem.Oid != a.Oid) {
				return nil, nil, false, nil
			}
			elem = a.Base()
		case polyCompatArray:
			usesCompat = true
			if unknown(a) {
				continue
			}
			if !a.IsArray() {
				return nil, nil, false, nil
			}
			compat = append(compat, a.Elem)
		case polyCompat:
			usesCompat = true
			if !unknown(a) {
				compat = append(compat, a)
			}
		}
	}
	if usesAny {
		// As PostgreSQL's check_generic_type_consistency, anyenum
		// needs the arguments to decide on an enum: an untyped one
		// alone is no match (42883), not an unknown type (42804).
		if usesEnum && (elem == nil || elem.Family != types.EnumFamily) && (arr == nil || arr.Elem.Family != types.EnumFamily) {
			return nil, nil, false, nil
		}
		switch {
		case arr != nil && elem != nil && arr.Elem.Oid != elem.Oid:
			return nil, nil, false, nil
		case arr == nil && elem != nil:
			a, isArr := types.ArrayOf(elem)
			if !isArr && !hasPolyArrayParam(params) {
				// anyarray only as the result (array_fill(int[], ...)):
				// the arguments match, the result type does not exist,
				// as PostgreSQL's enforce_generic_type_consistency.
				return nil, nil, true, pgerror.Newf(pgcode.UndefinedObject, "could not find array type for data type %s", elem)
			}
			if !isArr {
				return nil, nil, false, nil
			}
			arr = a
		case arr != nil && elem == nil:
			elem = arr.Elem.Base()
		case arr == nil:
			return nil, nil, true, pgerror.New(pgcode.DatatypeMismatch, "could not determine polymorphic type because input has type unknown")
		}
	}
	var common, commonArr *types.T
	if usesCompat {
		var bad int
		if common, bad = pickCommon(compat); bad >= 0 {
			return nil, nil, false, nil
		}
		common = common.Base()
		var isArr bool
		if commonArr, isArr = types.ArrayOf(common); !isArr {
			return nil, nil, false, nil
		}
	}
	pick := func(p polyParam) *types.T {
		switch p.kind {
		case polyArray:
			return arr
		case polyElem, polyEnum:
			return elem
		case polyCompatArray:
			return commonArr
		case polyCompat:
			return common
		}
		return p.t
	}
	targets = make([]*types.T, len(params))
	for i, p := range params {
		targets[i] = pick(p)
		// A typed argument must reach its target implicitly.
		if a := args[i]; !unknown(a) && a.Oid != targets[i].Oid && !canCoerce(a, targets[i]) {
			return nil, nil, false, nil
		}
	}
	return targets, pick(result), true, nil
}

// hasPolyArrayParam is whether a parameter is anyarray: whether the
// arguments can name the array type, rather than only the result using
// it (as array_fill's anyelement argument and anyarray result).
func hasPolyArrayParam(params []polyParam) bool {
	for _, p := range params {
		if p.kind == polyArray {
			return true
		}
	}
	return false
}

// polyCall resolves and builds a call of a polymorphic function.
func (b *Builder) polyCall(name string, cands []*polyFunc, args []Expr, loc int32) (*Func, error) {
	argTypes := make([]*types.T, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	for _, f := range cands {
		targets, result, ok, err := bindPoly(f.params, f.result, argTypes)
		if err != nil {
			return nil, at(err.(*pgerror.Error), loc)
		}
		if !ok {
			continue
		}
		out, err := b.coerceArgs(args, targets, loc)
		if err != nil {
			return nil, err
		}
		return &Func{Name: name, Args: out, Result: result, Strict: f.strict, Fn: f.fn(targets)}, nil
	}
	return nil, at(errNoFunction(name, argTypes, false), loc)
}

// coerceArgs converts arguments to resolved parameter types implicitly.
func (b *Builder) coerceArgs(args []Expr, targets []*types.T, loc int32) ([]Expr, error) {
	out := make([]Expr, len(args))
	for i, a := range args {
		c, err := b.coerce(a, targets[i], castImplicit, loc)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}
