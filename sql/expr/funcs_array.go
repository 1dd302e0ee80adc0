package expr

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Array functions, with PostgreSQL 15's signatures (anyarray or
// anycompatible, see poly.go), strictness and answers. Dimensions are
// numbered from 1; asking about one the array lacks gives NULL.

type arrayFn = func(*Context, []types.Datum) (types.Datum, error)

// fixed wraps an implementation that does not depend on the types.
func fixed(f arrayFn) func([]*types.T) arrayFn { return func([]*types.T) arrayFn { return f } }

// dimInfo is array_length, array_lower and array_upper.
func dimInfo(get func(a *types.Array, d int) int32) arrayFn {
	return func(_ *Context, args []types.Datum) (types.Datum, error) {
		a, d := args[0].(*types.Array), args[1].(int64)
		if d < 1 || d > int64(len(a.Dims)) {
			return nil, nil
		}
		return int64(get(a, int(d-1))), nil
	}
}

func init() {
	i4 := types.Int4
	text := types.Text
	textArr, _ := types.ArrayOf(types.Text)
	int4Arr, _ := types.ArrayOf(types.Int4)

	addPolyFunc("array_length", &polyFunc{params: []polyParam{pArray, pType(i4)}, result: pType(i4), strict: true,
		fn: fixed(dimInfo(func(a *types.Array, d int) int32 { return a.Dims[d] }))})
	addPolyFunc("array_lower", &polyFunc{params: []polyParam{pArray, pType(i4)}, result: pType(i4), strict: true,
		fn: fixed(dimInfo(func(a *types.Array, d int) int32 { return a.LBound[d] }))})
	addPolyFunc("array_upper", &polyFunc{params: []polyParam{pArray, pType(i4)}, result: pType(i4), strict: true,
		fn: fixed(dimInfo(func(a *types.Array, d int) int32 { return a.Upper(d) }))})
	addPolyFunc("array_ndims", &polyFunc{params: []polyParam{pArray}, result: pType(i4), strict: true,
		fn: fixed(func(_ *Context, args []types.Datum) (types.Datum, error) {
			if n := len(args[0].(*types.Array).Dims); n > 0 {
				return int64(n), nil
			}
			return nil, nil
		})})
	addPolyFunc("array_dims", &polyFunc{params: []polyParam{pArray}, result: pType(text), strict: true,
		fn: fixed(func(_ *Context, args []types.Datum) (types.Datum, error) {
			a := args[0].(*types.Array)
			if len(a.Dims) == 0 {
				return nil, nil
			}
			var sb strings.Builder
			for i := range a.Dims {
				sb.WriteString("[" + strconv.Itoa(int(a.LBound[i])) + ":" + strconv.Itoa(int(a.Upper(i))) + "]")
			}
			return sb.String(), nil
		})})
	addPolyFunc("cardinality", &polyFunc{params: []polyParam{pArray}, result: pType(i4), strict: true,
		fn: fixed(func(_ *Context, args []types.Datum) (types.Datum, error) {
			return int64(len(args[0].(*types.Array).Elems)), nil
		})})

	// array_to_string(a, delimiter [, null_string]): the elements' text
	// in storage order; NULLs are skipped unless null_string is given
	// (and not NULL: the three-argument form is not strict).
	toString := func(ts []*types.T) arrayFn {
		elem := ts[0].Elem
		return func(c *Context, args []types.Datum) (types.Datum, error) {
			if args[0] == nil || args[1] == nil {
				return nil, nil
			}
			a, delim := args[0].(*types.Array), args[1].(string)
			var nullStr *string
			if len(args) > 2 && args[2] != nil {
				s := args[2].(string)
				nullStr = &s
			}
			fs := c.formatSettings()
			// The text of the elements stored as strings is counted
			// before anything is written, so that repeating one long
			// value fails before its buffer grows; any other element's
			// text is checked when it is formatted.
			literal := isLiteralText(elem)
			if err := checkStringGrow(0, arrayTextLowerBound(a, delim, nullStr, literal)); err != nil {
				return nil, err
			}
			var out []byte
			first := true
			for _, e := range a.Elems {
				if e == nil && nullStr == nil {
					continue
				}
				if !first {
					if err := checkStringGrow(len(out), len(delim)); err != nil {
						return nil, err
					}
					out = append(out, delim...)
				}
				first = false
				var piece string
				switch s, isStr := e.(string); {
				case e == nil:
					piece = *nullStr
				case isStr && literal:
					piece = s
				default:
					// Formatted in place; a text too long is
					// refused as the buffer would have refused it.
					before := len(out)
					out = elem.AppendText(out, e, fs)
					if err := checkStringGrow(before, len(out)-before); err != nil {
						return nil, err
					}
					continue
				}
				if err := checkStringGrow(len(out), len(piece)); err != nil {
					return nil, err
				}
				out = append(out, piece...)
			}
			if err := checkVarlenaAlloc(len(out)); err != nil {
				return nil, err
			}
			return string(out), nil
		}
	}
	addPolyFunc("array_to_string", &polyFunc{params: []polyParam{pArray, pType(text)}, result: pType(text), strict: true, fn: toString})
	addPolyFunc("array_to_string", &polyFunc{params: []polyParam{pArray, pType(text), pType(text)}, result: pType(text), fn: toString})

	// string_to_array(s, delimiter [, null_string]) is not strict: a NULL
	// delimiter splits into characters, an empty one gives s whole, and
	// elements equal to a non-NULL null_string are NULL.
	toArray := &overload{args: []*types.T{text, text}, result: textArr, fn: stringToArray}
	addFunc("string_to_array", toArray)
	addFunc("string_to_array", &overload{args: []*types.T{text, text, text}, result: textArr, fn: stringToArray})

	addPolyFunc("array_append", &polyFunc{params: []polyParam{pCompatArray, pCompat}, result: pCompatArray, fn: func(ts []*types.T) arrayFn { return arrayAppendOf(ts[0].Elem) }})
	addPolyFunc("array_prepend", &polyFunc{params: []polyParam{pCompat, pCompatArray}, result: pCompatArray, fn: func(ts []*types.T) arrayFn { return arrayPrependOf(ts[1].Elem) }})
	addPolyFunc("array_cat", &polyFunc{params: []polyParam{pCompatArray, pCompatArray}, result: pCompatArray, fn: func(ts []*types.T) arrayFn { return arrayCatOf(ts[0].Elem) }})

	// Searching functions compare with IS NOT DISTINCT FROM: NULL finds
	// NULL.
	addPolyFunc("array_position", &polyFunc{params: []polyParam{pCompatArray, pCompat}, result: pType(i4),
		fn: func(ts []*types.T) arrayFn { return arrayPosition(ts[0].Elem) }})
	addPolyFunc("array_position", &polyFunc{params: []polyParam{pCompatArray, pCompat, pType(i4)}, result: pType(i4),
		fn: func(ts []*types.T) arrayFn { return arrayPosition(ts[0].Elem) }})
	addPolyFunc("array_positions", &polyFunc{params: []polyParam{pCompatArray, pCompat}, result: pType(int4Arr),
		fn: func(ts []*types.T) arrayFn { return arrayPositions(ts[0].Elem) }})
	addPolyFunc("array_remove", &polyFunc{params: []polyParam{pCompatArray, pCompat}, result: pCompatArray,
		fn: func(ts []*types.T) arrayFn { return arrayReplace(ts[0].Elem, true) }})
	addPolyFunc("array_replace", &polyFunc{params: []polyParam{pCompatArray, pCompat, pCompat}, result: pCompatArray,
		fn: func(ts []*types.T) arrayFn { return arrayReplace(ts[0].Elem, false) }})
}

func stringToArray(_ *Context, args []types.Datum) (types.Datum, error) {
	if args[0] == nil {
		return nil, nil
	}
	s := args[0].(string)
	var nullStr *string
	if len(args) > 2 && args[2] != nil {
		n := args[2].(string)
		nullStr = &n
	}
	if s == "" {
		return &types.Array{}, nil
	}
	var parts []string
	switch {
	case args[1] == nil:
		for len(s) > 0 {
			_, n := utf8.DecodeRuneInString(s)
			parts = append(parts, s[:n])
			s = s[n:]
		}
	case args[1].(string) == "":
		parts = []string{s}
	default:
		parts = strings.Split(s, args[1].(string))
	}
	elems := make([]types.Datum, len(parts))
	for i, p := range parts {
		if nullStr == nil || p != *nullStr {
			elems[i] = p
		}
	}
	return types.NewArray(elems), nil
}

// notDistinct is IS NOT DISTINCT FROM on two elements.
func notDistinct(elem *types.T, x, y types.Datum) bool {
	if x == nil || y == nil {
		return x == nil && y == nil
	}
	return types.Compare(elem, x, y) == 0
}

func errSearchMultiDim() error {
	return pgerror.New(pgcode.FeatureNotSupported, "searching for elements in multidimensional arrays is not supported")
}

// arrayPosition is array_position(a, x [, start]): the subscript of the
// first element not distinct from x, at or after start.
func arrayPosition(elem *types.T) arrayFn {
	return func(_ *Context, args []types.Datum) (types.Datum, error) {
		if args[0] == nil {
			return nil, nil
		}
		a := args[0].(*types.Array)
		if len(a.Dims) > 1 {
			return nil, errSearchMultiDim()
		}
		if len(a.Dims) == 0 {
			return nil, nil
		}
		from := int64(a.LBound[0])
		if len(args) > 2 {
			if args[2] == nil {
				return nil, pgerror.New(pgcode.NullValueNotAllowed, "initial position must not be null")
			}
			from = max(from, args[2].(int64))
		}
		for i, e := range a.Elems {
			if sub := int64(a.LBound[0]) + int64(i); sub >= from && notDistinct(elem, e, args[1]) {
				return sub, nil
			}
		}
		return nil, nil
	}
}

// arrayPositions is array_positions(a, x): every such subscript.
func arrayPositions(elem *types.T) arrayFn {
	return func(_ *Context, args []types.Datum) (types.Datum, error) {
		if args[0] == nil {
			return nil, nil
		}
		a := args[0].(*types.Array)
		if len(a.Dims) > 1 {
			return nil, errSearchMultiDim()
		}
		var out []types.Datum
		for i, e := range a.Elems {
			if notDistinct(elem, e, args[1]) {
				out = append(out, int64(a.LBound[0])+int64(i))
			}
		}
		return types.NewArray(out), nil
	}
}

// arrayReplace is array_replace(a, x, y), or array_remove(a, x) when
// remove is set: elements not distinct from x are replaced or dropped.
// Removing works on one dimension only; what is left keeps the lower
// bound.
func arrayReplace(elem *types.T, remove bool) arrayFn {
	return func(_ *Context, args []types.Datum) (types.Datum, error) {
		if args[0] == nil {
			return nil, nil
		}
		a := args[0].(*types.Array)
		if remove && len(a.Dims) > 1 {
			return nil, pgerror.New(pgcode.FeatureNotSupported, "removing elements from multidimensional arrays is not supported")
		}
		var repl types.Datum
		if !remove {
			repl = args[2]
		}
		out := make([]types.Datum, 0, len(a.Elems))
		changed := false
		for _, e := range a.Elems {
			if !notDistinct(elem, e, args[1]) {
				out = append(out, e)
				continue
			}
			changed = true
			if !remove {
				out = append(out, repl)
			}
		}
		switch {
		case !changed:
			return a, nil
		case len(out) == 0:
			return &types.Array{}, nil
		case remove:
			return &types.Array{Dims: []int32{int32(len(out))}, LBound: a.LBound, Elems: out}, nil
		}
		return &types.Array{Dims: a.Dims, LBound: a.LBound, Elems: out}, nil
	}
}

// isLiteralText is whether an element of type t, held as a string, is
// its own text form.
func isLiteralText(t *types.T) bool {
	t = t.Base()
	if t.Family == types.EnumFamily {
		return true
	}
	switch t.Oid {
	case types.Text.Oid, types.Varchar.Oid, types.Bpchar.Oid, types.Name.Oid, types.JSON.Oid, types.JSONB.Oid:
		return true
	}
	return false
}

// arrayTextLowerBound is at least the length of array_to_string(a,
// delim, nullStr): exactly it when the elements are literal text, else
// the delimiters and NULLs only. It saturates at the int32 range, past
// any limit.
func arrayTextLowerBound(a *types.Array, delim string, nullStr *string, literal bool) int {
	n, count := int64(0), 0
	for _, e := range a.Elems {
		switch s, isStr := e.(string); {
		case e == nil && nullStr == nil:
			continue
		case e == nil:
			n += int64(len(*nullStr))
		case isStr && literal:
			n += int64(len(s))
		}
		count++
		if n > math.MaxInt32 {
			return math.MaxInt32
		}
	}
	if count > 1 {
		n += int64(count-1) * int64(len(delim))
	}
	return int(min(n, math.MaxInt32))
}
