package expr

import (
	"strconv"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Helpers shared by the json and jsonb operators and functions. Both
// types are text Datums; an operator parses its argument into a
// types.JSONValue (jsonb normalized, json as written), works on the
// tree and answers with text again. Answers that are a part of a json
// value are the input's own text for that part (json keeps spelling
// and whitespace); for jsonb they are printed in jsonb's normal form.

// jsonTree parses a json (isB false) or jsonb Datum.
func jsonTree(isB bool, d types.Datum) (*types.JSONValue, error) {
	if isB {
		return types.ParseJSONB(d.(string))
	}
	return types.ParseJSONText(d.(string))
}

// jsonOut is the json or jsonb Datum of a part of a value.
func jsonOut(isB bool, v *types.JSONValue) types.Datum {
	if v == nil {
		return nil
	}
	if isB {
		return v.JSONB()
	}
	return v.Raw
}

// jsonAsText is what ->> and #>> answer: a string's contents, SQL NULL
// for JSON null, other values as their JSON text.
func jsonAsText(isB bool, v *types.JSONValue) types.Datum {
	switch {
	case v == nil || v.Kind == types.JSONNull:
		return nil
	case v.Kind == types.JSONString:
		return v.Str
	}
	return jsonOut(isB, v)
}

// jsonIndex resolves an array subscript: negative ones count from the
// end (-1 is the last element); ok is false outside the array.
func jsonIndex(n int, i int64) (int, bool) {
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		return 0, false
	}
	return int(i), true
}

// parsePathIndex reads a path element used as an array subscript as C's
// strtol does for PostgreSQL (leading spaces and a sign allowed, nothing
// after the digits, within int4); ok is false when it is not one.
func parsePathIndex(s string) (int64, bool) {
	t := strings.TrimLeft(s, " \t\n\r\f\v")
	if t == "" {
		return 0, false
	}
	digits := t
	if digits[0] == '+' || digits[0] == '-' {
		digits = digits[1:]
	}
	if digits == "" || digits[0] < '0' || digits[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseInt(t, 10, 32)
	if err != nil {
		return 0, false
	}
	return n, true
}

// textPath is a text[] path as strings; nulls marks NULL elements.
func textPath(d types.Datum) (path []string, nulls []bool) {
	a := d.(*types.Array)
	path = make([]string, len(a.Elems))
	nulls = make([]bool, len(a.Elems))
	for i, e := range a.Elems {
		if e == nil {
			nulls[i] = true
			continue
		}
		path[i] = e.(string)
	}
	return path, nulls
}

// jsonField is the value of key in an object, nil if there is none.
// json objects may repeat a key: the last one counts, as PostgreSQL's
// json operators, which scan the text, answer.
func jsonField(v *types.JSONValue, key string) *types.JSONValue { return v.Get(key) }

// jsonElem is element i of an array (negative from the end), nil if
// there is none. A jsonb scalar is stored as a one-element array, and
// jsonb -> int answers from it ('1'::jsonb -> 0 is 1).
func jsonElem(isB bool, v *types.JSONValue, i int64) *types.JSONValue {
	if v.Kind != types.JSONArray {
		if isB && v.IsScalar() {
			if _, ok := jsonIndex(1, i); ok {
				return v
			}
		}
		return nil
	}
	k, ok := jsonIndex(len(v.Vals), i)
	if !ok {
		return nil
	}
	return v.Vals[k]
}

// jsonExtractPath follows a path (#>, json_extract_path): object keys
// and array subscripts; a NULL element, a subscript that is not an
// integer, or a scalar on the way gives nil. An empty path gives the
// whole value (except a jsonb scalar, which also answers itself).
//
// For json, an object with a repeated key is searched along every copy
// and the last match in the text wins, as PostgreSQL's scan does.
func jsonExtractPath(v *types.JSONValue, path []string, nulls []bool) *types.JSONValue {
	if len(path) == 0 {
		return v
	}
	if nulls[0] {
		return nil
	}
	switch v.Kind {
	case types.JSONObject:
		var found *types.JSONValue
		for i, k := range v.Keys {
			if k == path[0] {
				if r := jsonExtractPath(v.Vals[i], path[1:], nulls[1:]); r != nil {
					found = r
				}
			}
		}
		return found
	case types.JSONArray:
		i, ok := parsePathIndex(path[0])
		if !ok {
			return nil
		}
		k, ok := jsonIndex(len(v.Vals), i)
		if !ok {
			return nil
		}
		return jsonExtractPath(v.Vals[k], path[1:], nulls[1:])
	}
	return nil
}

// Errors of the jsonb modifying operators and functions.
var (
	errDeleteScalar      = pgerror.New(pgcode.InvalidParameterValue, "cannot delete from scalar")
	errDeleteObjectIndex = pgerror.New(pgcode.InvalidParameterValue, "cannot delete from object using integer index")
	errDeletePathScalar  = pgerror.New(pgcode.InvalidParameterValue, "cannot delete path in scalar")
	errSetPathScalar     = pgerror.New(pgcode.InvalidParameterValue, "cannot set path in scalar")
)

func errPathNotInteger(pos int, s string) error {
	return pgerror.Newf(pgcode.InvalidTextRepresentation, "path element at position %d is not an integer: \"%s\"", pos, s)
}

func errPathNull(pos int) error {
	return pgerror.Newf(pgcode.NullValueNotAllowed, "path element at position %d is null", pos)
}
