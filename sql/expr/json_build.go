package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The json constructors: to_json, to_jsonb, json_build_array,
// jsonb_build_array, json_build_object and jsonb_build_object. Values
// are converted as the json aggregates convert them (agg_json.go):
// numbers and booleans bare, json as is, dates and timestamps in ISO
// 8601, arrays as JSON arrays, anything else as a string of its text.

func init() {
	any1 := []*types.T{AnyType}
	addFunc("to_json", &overload{args: any1, strict: true, anyElement: true, bind: func(at []*types.T) (*types.T, evalFn, error) {
		return types.JSON, func(c *Context, a []types.Datum) (types.Datum, error) {
			return string(aggAppendJSON(nil, at[0], a[0], aggFormatSettings(c))), nil
		}, nil
	}})
	addFunc("to_jsonb", &overload{args: any1, strict: true, anyElement: true, bind: func(at []*types.T) (*types.T, evalFn, error) {
		return types.JSONB, func(c *Context, a []types.Datum) (types.Datum, error) {
			return aggJSONBValue(at[0], a[0], aggFormatSettings(c))
		}, nil
	}})

	// row_to_json(record [, pretty]): the record's fields as an object;
	// pretty puts a line feed and a space between top-level fields.
	rec := []*types.T{types.RecordType}
	addFunc("row_to_json", &overload{args: rec, strict: true, bind: func(at []*types.T) (*types.T, evalFn, error) {
		return types.JSON, func(c *Context, a []types.Datum) (types.Datum, error) {
			return string(appendRecordJSON(nil, at[0], a[0].(*types.Record), aggFormatSettings(c), "")), nil
		}, nil
	}})
	addFunc("row_to_json", &overload{args: []*types.T{types.RecordType, types.Bool}, strict: true, bind: func(at []*types.T) (*types.T, evalFn, error) {
		return types.JSON, func(c *Context, a []types.Datum) (types.Datum, error) {
			sep := ""
			if a[1].(bool) {
				sep = "\n "
			}
			return string(appendRecordJSON(nil, at[0], a[0].(*types.Record), aggFormatSettings(c), sep)), nil
		}, nil
	}})

	// array_to_json(anyarray [, pretty]): the array as nested JSON
	// arrays; pretty puts a line feed and a space between the outermost
	// dimension's elements.
	addPolyFunc("array_to_json", &polyFunc{params: []polyParam{pArray}, result: pType(types.JSON), strict: true,
		fn: func(ts []*types.T) arrayFn {
			return func(c *Context, a []types.Datum) (types.Datum, error) {
				return string(aggAppendJSONArray(nil, ts[0].Elem, a[0].(*types.Array), aggFormatSettings(c), ",")), nil
			}
		}})
	addPolyFunc("array_to_json", &polyFunc{params: []polyParam{pArray, pType(types.Bool)}, result: pType(types.JSON), strict: true,
		fn: func(ts []*types.T) arrayFn {
			return func(c *Context, a []types.Datum) (types.Datum, error) {
				sep := ","
				if a[1].(bool) {
					sep = ",\n "
				}
				return string(aggAppendJSONArray(nil, ts[0].Elem, a[0].(*types.Array), aggFormatSettings(c), sep)), nil
			}
		}})

	// The builders are not strict: NULL values become JSON null.
	addFunc("json_build_array", &overload{variadic: AnyType, bind: func(at []*types.T) (*types.T, evalFn, error) {
		return types.JSON, func(c *Context, a []types.Datum) (types.Datum, error) {
			fs := aggFormatSettings(c)
			buf := []byte{'['}
			for i, v := range a {
				if i > 0 {
					buf = append(buf, ", "...)
				}
				buf = aggAppendJSON(buf, at[i], v, fs)
			}
			return string(append(buf, ']')), nil
		}, nil
	}})
	addFunc("jsonb_build_array", &overload{variadic: AnyType, bind: func(at []*types.T) (*types.T, evalFn, error) {
		return types.JSONB, func(c *Context, a []types.Datum) (types.Datum, error) {
			fs := aggFormatSettings(c)
			buf := []byte{'['}
			for i, v := range a {
				if i > 0 {
					buf = append(buf, ", "...)
				}
				s, err := aggJSONBValue(at[i], v, fs)
				if err != nil {
					return nil, err
				}
				buf = append(buf, s...)
			}
			return string(append(buf, ']')), nil
		}, nil
	}})
	addFunc("json_build_object", &overload{variadic: AnyType, bind: func(at []*types.T) (*types.T, evalFn, error) {
		return types.JSON, func(c *Context, a []types.Datum) (types.Datum, error) {
			if err := checkBuildObjectArgs("json_build_object", a); err != nil {
				return nil, err
			}
			fs := aggFormatSettings(c)
			buf := []byte{'{'}
			for i := 0; i < len(a); i += 2 {
				k, err := buildObjectKey(at[i], a[i], i, fs)
				if err != nil {
					return nil, err
				}
				if i > 0 {
					buf = append(buf, ", "...)
				}
				buf = types.AppendJSONString(buf, k)
				buf = append(buf, " : "...)
				buf = aggAppendJSON(buf, at[i+1], a[i+1], fs)
			}
			return string(append(buf, '}')), nil
		}, nil
	}})
	addFunc("jsonb_build_object", &overload{variadic: AnyType, bind: func(at []*types.T) (*types.T, evalFn, error) {
		return types.JSONB, func(c *Context, a []types.Datum) (types.Datum, error) {
			if err := checkBuildObjectArgs("jsonb_build_object", a); err != nil {
				return nil, err
			}
			fs := aggFormatSettings(c)
			obj := &types.JSONValue{Kind: types.JSONObject}
			for i := 0; i < len(a); i += 2 {
				if a[i] == nil {
					return nil, pgerror.Newf(pgcode.InvalidParameterValue, "argument %d: key must not be null", i+1)
				}
				k, err := buildObjectKey(at[i], a[i], i, fs)
				if err != nil {
					return nil, err
				}
				s, err := aggJSONBValue(at[i+1], a[i+1], fs)
				if err != nil {
					return nil, err
				}
				v, err := types.ParseJSONB(s)
				if err != nil {
					return nil, err
				}
				obj.Keys = append(obj.Keys, k)
				obj.Vals = append(obj.Vals, v)
			}
			obj.Normalize() // the last of repeated keys wins
			return obj.JSONB(), nil
		}, nil
	}})
}

func checkBuildObjectArgs(name string, a []types.Datum) error {
	if len(a)%2 != 0 {
		return pgerror.New(pgcode.InvalidParameterValue, "argument list must have even number of elements").
			WithHint("The arguments of " + name + "() must consist of alternating keys and values.")
	}
	return nil
}

// buildObjectKey is the text of the key at argument i (0-based); a NULL
// key is json_build_object's error (jsonb_build_object words it its own
// way, before calling this).
func buildObjectKey(t *types.T, k types.Datum, i int, fs *types.FormatSettings) (string, error) {
	if k == nil {
		return "", pgerror.Newf(pgcode.InvalidParameterValue, "argument %d cannot be null", i+1).
			WithHint("Object keys should be text.")
	}
	return aggJSONKey(t, k, fs)
}
