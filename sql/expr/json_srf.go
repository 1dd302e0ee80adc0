package expr

import (
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The set-returning json functions: *_object_keys, *_array_elements[_text]
// and *_each[_text], for json and jsonb. The planner (sql/jsonfunc.go)
// runs them like unnest; this file says what they take and return, and
// computes their rows. json answers keep the input's text and order
// (repeated keys included); jsonb's are normalized.

// JSONSetFunc is one set-returning json function.
type JSONSetFunc struct {
	Arg   *types.T   // json or jsonb
	Names []string   // output columns
	Types []*types.T // their types
	Rows  func(d types.Datum) ([][]types.Datum, error)
}

// LookupJSONSetFunc returns the function called name, or nil.
func LookupJSONSetFunc(name string) *JSONSetFunc {
	var jt *types.T
	switch {
	case strings.HasPrefix(name, "jsonb_"):
		jt = types.JSONB
	case strings.HasPrefix(name, "json_"):
		jt = types.JSON
	default:
		return nil
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
		return &JSONSetFunc{Arg: jt, Names: []string{name}, Types: []*types.T{types.Text},
			Rows: func(d types.Datum) ([][]types.Datum, error) {
				v, err := parse(d)
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
			}}
	case "array_elements", "array_elements_text":
		return &JSONSetFunc{Arg: jt, Names: []string{"value"}, Types: []*types.T{valType},
			Rows: func(d types.Datum) ([][]types.Datum, error) {
				v, err := parse(d)
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
			}}
	case "each", "each_text":
		return &JSONSetFunc{Arg: jt, Names: []string{"key", "value"}, Types: []*types.T{types.Text, valType},
			Rows: func(d types.Datum) ([][]types.Datum, error) {
				v, err := parse(d)
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
			}}
	}
	return nil
}
