package expr

import (
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The set-returning json functions: *_object_keys, *_array_elements[_text]
// and *_each[_text], for json and jsonb. They are registered as
// set-returning functions (setfunc.go); this file says what they take and
// return, and computes their rows. json answers keep the input's text and
// order (repeated keys included); jsonb's are normalized.

func init() {
	for _, prefix := range []string{"json_", "jsonb_"} {
		for _, base := range []string{"object_keys", "array_elements", "array_elements_text", "each", "each_text"} {
			name := prefix + base
			f, arg := jsonSetFunc(name)
			// Only the function's own type, or an untyped literal:
			// there is no implicit cast between json and jsonb.
			addSetFunc(name, []*types.T{arg}, true, f)
		}
	}
}

// jsonSetFunc returns the function called name and its argument's type.
func jsonSetFunc(name string) (*SetFunc, *types.T) {
	jt := types.JSON
	if strings.HasPrefix(name, "jsonb_") {
		jt = types.JSONB
	}
	isB := jt == types.JSONB
	base := strings.TrimPrefix(strings.TrimPrefix(name, "jsonb_"), "json_")
	asText := strings.HasSuffix(base, "_text")
	valType := jt
	if asText {
		valType = types.Text
	}
	value := func(v *types.JSONValue) types.Datum { return jsonResult(isB, v, asText) }
	errf := func(format string, args ...any) error {
		return pgerror.Newf(pgcode.InvalidParameterValue, format, args...)
	}
	parse := func(d types.Datum) (*types.JSONValue, error) { return jsonTree(isB, d) }
	switch base {
	case "object_keys":
		return &SetFunc{Names: []string{name}, Types: []*types.T{types.Text},
			Rows: func(args []types.Datum) ([][]types.Datum, error) {
				v, err := parse(args[0])
				if err != nil {
					return nil, err
				}
				switch v.Kind {
				case types.JSONObject:
				case types.JSONArray:
					return nil, errf("cannot call %s on an array", name)
				default:
					return nil, errf("cannot call %s on a scalar", name)
				}
				rows := make([][]types.Datum, len(v.Keys))
				for i, k := range v.Keys {
					rows[i] = []types.Datum{k}
				}
				return rows, nil
			}}, jt
	case "array_elements", "array_elements_text":
		return &SetFunc{Names: []string{"value"}, Types: []*types.T{valType},
			Rows: func(args []types.Datum) ([][]types.Datum, error) {
				v, err := parse(args[0])
				if err != nil {
					return nil, err
				}
				switch {
				case v.Kind == types.JSONArray:
				case isB && v.IsScalar():
					return nil, errf("cannot extract elements from a scalar")
				case isB:
					return nil, errf("cannot extract elements from an object")
				case v.IsScalar():
					return nil, errf("cannot call %s on a scalar", name)
				default:
					return nil, errf("cannot call %s on a non-array", name)
				}
				rows := make([][]types.Datum, len(v.Vals))
				for i, e := range v.Vals {
					rows[i] = []types.Datum{value(e)}
				}
				return rows, nil
			}}, jt
	case "each", "each_text":
		return &SetFunc{Names: []string{"key", "value"}, Types: []*types.T{types.Text, valType},
			Rows: func(args []types.Datum) ([][]types.Datum, error) {
				v, err := parse(args[0])
				if err != nil {
					return nil, err
				}
				switch {
				case v.Kind == types.JSONObject:
				case isB:
					return nil, errf("cannot call %s on a non-object", name)
				case v.Kind == types.JSONArray:
					return nil, errf("cannot deconstruct an array as an object")
				default:
					return nil, errf("cannot deconstruct a scalar")
				}
				rows := make([][]types.Datum, len(v.Keys))
				for i, k := range v.Keys {
					rows[i] = []types.Datum{k, value(v.Vals[i])}
				}
				return rows, nil
			}}, jt
	}
	panic("expr: no json set-returning function " + name)
}
