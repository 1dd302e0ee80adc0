package expr

import (
	"fmt"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// json_to_record, json_to_recordset and their jsonb twins turn JSON
// objects into rows whose columns the caller declares in FROM with a
// column definition list (AS x(a int, b text)): each column takes the
// object's key of its name, converted as PostgreSQL's populate_record
// does. A string's contents, and any other value's JSON text, go
// through the column type's input function; a json or jsonb column takes
// the value itself; an array column takes a JSON array element by
// element (or a string in array syntax). A missing key and JSON null
// are NULL.

// JSONRecordFunc is one of the four functions.
type JSONRecordFunc struct {
	Name string
	isB  bool // jsonb_*: the argument is jsonb
	set  bool // *_recordset: an array of objects, a row each
}

// RecordColumn is a column of a column definition list.
type RecordColumn struct {
	Name string
	Type *types.T
}

// RecordFunction returns the function of that name that returns
// records, if it is one.
func RecordFunction(name string) (*JSONRecordFunc, bool) {
	switch name {
	case "json_to_record", "json_to_recordset", "jsonb_to_record", "jsonb_to_recordset":
		return &JSONRecordFunc{Name: name, isB: strings.HasPrefix(name, "jsonb_"), set: strings.HasSuffix(name, "set")}, true
	}
	return nil, false
}

// errRecordType is PostgreSQL's answer to one of these functions called
// where no column definition list can say what its records hold.
func errRecordType(name string) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "could not determine row type for result of %s", name).
		WithHint("Provide a non-null record argument, or call the function in the FROM clause using a column definition list.")
}

// Arg resolves the call's argument list to its one json (jsonb)
// argument, coerced as a call's argument is (an untyped literal or a
// parameter becomes json).
func (f *JSONRecordFunc) Arg(b *Builder, args []Expr, loc int32) (Expr, error) {
	jt := types.JSON
	if f.isB {
		jt = types.JSONB
	}
	argTypes := make([]*types.T, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	o, ambiguous := resolve([]*overload{{args: []*types.T{jt}, result: types.RecordType}}, argTypes)
	if o == nil {
		return nil, at(errNoFunction(f.Name, argTypes, ambiguous), loc)
	}
	call, err := b.call(f.Name, o, args, loc)
	if err != nil {
		return nil, err
	}
	return call.Args[0], nil
}

// Rows returns the rows of the call for its argument d (NULL: one row of
// NULLs from *_to_record, none from *_to_recordset).
func (f *JSONRecordFunc) Rows(d types.Datum, cols []RecordColumn, fs *types.FormatSettings) ([][]types.Datum, error) {
	if d == nil {
		if f.set {
			return nil, nil
		}
		return [][]types.Datum{make([]types.Datum, len(cols))}, nil
	}
	return f.rows(d, cols, nil, fs)
}

// rows converts the non-NULL JSON value d: an object for *_record, an
// array of objects for *_recordset. A key an object lacks takes its
// column's value in defaults (json_populate_record's base), NULL when
// there are none.
func (f *JSONRecordFunc) rows(d types.Datum, cols []RecordColumn, defaults []types.Datum, fs *types.FormatSettings) ([][]types.Datum, error) {
	v, err := jsonTree(f.isB, d)
	if err != nil {
		return nil, err
	}
	if !f.set {
		switch {
		case v.Kind == types.JSONArray:
			return nil, pgerror.New(pgcode.InvalidParameterValue, "cannot call populate_composite on an array")
		case v.Kind != types.JSONObject:
			return nil, pgerror.New(pgcode.InvalidParameterValue, "cannot call populate_composite on a scalar")
		}
		row, err := f.row(v, cols, defaults, fs)
		if err != nil {
			return nil, err
		}
		return [][]types.Datum{row}, nil
	}
	if v.Kind != types.JSONArray {
		// jsonb says non-array for both; json tells the two apart.
		what := "an object"
		switch {
		case f.isB:
			what = "a non-array"
		case v.Kind != types.JSONObject:
			what = "a scalar"
		}
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "cannot call %s on %s", f.Name, what)
	}
	rows := make([][]types.Datum, 0, len(v.Vals))
	for _, e := range v.Vals {
		if e.Kind != types.JSONObject {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "argument of %s must be an array of objects", f.Name)
		}
		row, err := f.row(e, cols, defaults, fs)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// row converts one object.
func (f *JSONRecordFunc) row(obj *types.JSONValue, cols []RecordColumn, defaults []types.Datum, fs *types.FormatSettings) ([]types.Datum, error) {
	row := make([]types.Datum, len(cols))
	for i, c := range cols {
		v := obj.Get(c.Name)
		if v == nil {
			if i < len(defaults) {
				row[i] = defaults[i]
			}
			continue
		}
		var err error
		if row[i], err = f.value(v, c.Type, c.Name, fs); err != nil {
			return nil, err
		}
	}
	return row, nil
}

// value converts a key's value (nil when the key is missing) to t.
func (f *JSONRecordFunc) value(v *types.JSONValue, t *types.T, key string, fs *types.FormatSettings) (types.Datum, error) {
	if v == nil || v.Kind == types.JSONNull {
		return nil, nil
	}
	switch {
	case t.Oid == types.JSON.Oid:
		if f.isB {
			return v.JSONB(), nil
		}
		return v.Raw, nil
	case t.Oid == types.JSONB.Oid:
		if f.isB {
			return v.JSONB(), nil
		}
		tv, err := types.ParseJSONB(v.Raw)
		if err != nil {
			return nil, err
		}
		return tv.JSONB(), nil
	case t.Elem != nil && v.Kind != types.JSONString:
		return f.array(v, t, key, fs)
	case t.Family == types.RecordFamily && t.Row != nil && v.Kind != types.JSONString:
		// A column of a row type takes an object, populated as the
		// record is (populate_composite), or a string, read by
		// record_in.
		switch v.Kind {
		case types.JSONObject:
		case types.JSONArray:
			return nil, pgerror.New(pgcode.InvalidParameterValue, "cannot call populate_composite on an array")
		default:
			return nil, pgerror.New(pgcode.InvalidParameterValue, "cannot call populate_composite on a scalar")
		}
		row, err := f.row(v, FieldColumns(t), nil, fs)
		if err != nil {
			return nil, err
		}
		return &types.Record{Values: row, T: t}, nil
	}
	return t.ParseText(jsonAsText(f.isB, v).(string), fs)
}

// array converts a JSON array to an array of t, its number of
// dimensions set by the first path to a non-array element, as
// PostgreSQL's populate_array does: an array deeper than that is an
// element (whose text the element type then refuses), a scalar less
// deep an error.
func (f *JSONRecordFunc) array(v *types.JSONValue, t *types.T, key string, fs *types.FormatSettings) (types.Datum, error) {
	if v.Kind != types.JSONArray {
		return nil, pgerror.New(pgcode.InvalidTextRepresentation, "expected JSON array").
			WithHint(fmt.Sprintf("See the value of key \"%s\".", key))
	}
	ndims := 0
	for e := v; e.Kind == types.JSONArray; e = e.Vals[0] {
		ndims++
		if len(e.Vals) == 0 {
			break
		}
	}
	a := &types.Array{}
	dims := make([]int32, ndims)
	seen := make([]bool, ndims)
	var walk func(e *types.JSONValue, depth int, path []int) error
	walk = func(e *types.JSONValue, depth int, path []int) error {
		if depth < ndims {
			if e.Kind != types.JSONArray {
				return pgerror.New(pgcode.InvalidTextRepresentation, "expected JSON array").
					WithHint(fmt.Sprintf("See the array element %s of key \"%s\".", elementPath(path), key))
			}
			n := int32(len(e.Vals))
			if !seen[depth] {
				dims[depth], seen[depth] = n, true
			} else if dims[depth] != n {
				return pgerror.New(pgcode.InvalidTextRepresentation, "malformed JSON array").
					WithDetail("Multidimensional arrays must have sub-arrays with matching dimensions.")
			}
			for i, c := range e.Vals {
				if err := walk(c, depth+1, append(path, i)); err != nil {
					return err
				}
			}
			return nil
		}
		d, err := f.value(e, t.Elem, key, fs)
		if err != nil {
			return err
		}
		a.Elems = append(a.Elems, d)
		return nil
	}
	if err := walk(v, 0, nil); err != nil {
		return nil, err
	}
	if len(a.Elems) == 0 {
		return &types.Array{}, nil // '{}': PostgreSQL keeps no empty dimension
	}
	a.Dims = dims
	a.LBound = make([]int32, ndims)
	for i := range a.LBound {
		a.LBound[i] = 1
	}
	return a, nil
}

// elementPath prints an element's subscripts as PostgreSQL's hint does:
// [1][0].
func elementPath(path []int) string {
	var sb strings.Builder
	for _, i := range path {
		fmt.Fprintf(&sb, "[%d]", i)
	}
	return sb.String()
}
