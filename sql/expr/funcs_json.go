package expr

import (
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The json and jsonb functions that look at or change one value
// (PostgreSQL 15's jsonfuncs.c): path extraction, type and length,
// jsonb_set and jsonb_insert, pretty printing and stripping nulls. The
// constructors are in json_build.go, the set-returning ones in
// sql/jsonfunc.go.

func init() {
	t := func(ts ...*types.T) []*types.T { return ts }
	textArr, _ := types.ArrayOf(types.Text)
	for _, jt := range []*types.T{types.JSON, types.JSONB} {
		isB := jt == types.JSONB
		prefix := jt.Name // "json" or "jsonb"

		// json_extract_path(from_json, VARIADIC path_elems text[]) is
		// #>, with the path given as arguments.
		extract := func(asText bool) evalFn {
			return func(_ *Context, a []types.Datum) (types.Datum, error) {
				v, err := jsonTree(isB, a[0])
				if err != nil {
					return nil, err
				}
				path := make([]string, len(a)-1)
				nulls := make([]bool, len(a)-1)
				for i, p := range a[1:] {
					if p == nil {
						nulls[i] = true
					} else {
						path[i] = p.(string)
					}
				}
				return jsonResult(isB, jsonExtractPath(v, path, nulls), asText), nil
			}
		}
		// Not strict in the path (a NULL element gives NULL, as #> does
		// with a NULL in its array), but strict in the value. The
		// VARIADIC array must have an element: the first is a parameter
		// of its own here, since a variadic parameter may take none.
		addFunc(prefix+"_extract_path", &overload{args: t(jt, types.Text), variadic: types.Text, result: jt, fn: strictFirst(extract(false))})
		addFunc(prefix+"_extract_path_text", &overload{args: t(jt, types.Text), variadic: types.Text, result: types.Text, fn: strictFirst(extract(true))})

		addFunc(prefix+"_typeof", fn(t(jt), types.Text, func(_ *Context, a []types.Datum) (types.Datum, error) {
			v, err := jsonTree(isB, a[0])
			if err != nil {
				return nil, err
			}
			return v.TypeName(), nil
		}))
		addFunc(prefix+"_array_length", fn(t(jt), types.Int4, func(_ *Context, a []types.Datum) (types.Datum, error) {
			v, err := jsonTree(isB, a[0])
			if err != nil {
				return nil, err
			}
			switch {
			case v.Kind == types.JSONArray:
				return int64(len(v.Vals)), nil
			case v.IsScalar():
				return nil, pgerror.New(pgcode.InvalidParameterValue, "cannot get array length of a scalar")
			}
			return nil, pgerror.New(pgcode.InvalidParameterValue, "cannot get array length of a non-array")
		}))
		addFunc(prefix+"_strip_nulls", fn(t(jt), jt, func(_ *Context, a []types.Datum) (types.Datum, error) {
			v, err := jsonTree(isB, a[0])
			if err != nil {
				return nil, err
			}
			if isB {
				return stripNulls(v).JSONB(), nil
			}
			return string(appendStrippedJSON(nil, v)), nil
		}))
	}

	jb := types.JSONB
	// jsonb_set(target, path, new_value [, create_missing => true]) and
	// jsonb_insert(target, path, new_value [, insert_after => false]).
	set := func(_ *Context, a []types.Datum) (types.Datum, error) {
		newVal, err := types.ParseJSONB(a[2].(string))
		if err != nil {
			return nil, err
		}
		op := pathCreate
		if len(a) > 3 && !a[3].(bool) {
			op = pathReplace
		}
		return jsonbChangePath(a[0], a[1], newVal, op, errSetPathScalar)
	}
	addFunc("jsonb_set", fn(t(jb, textArr, jb), jb, set))
	addFunc("jsonb_set", fn(t(jb, textArr, jb, types.Bool), jb, set))
	insert := func(_ *Context, a []types.Datum) (types.Datum, error) {
		newVal, err := types.ParseJSONB(a[2].(string))
		if err != nil {
			return nil, err
		}
		op := pathInsertBefore
		if len(a) > 3 && a[3].(bool) {
			op = pathInsertAfter
		}
		return jsonbChangePath(a[0], a[1], newVal, op, errSetPathScalar)
	}
	addFunc("jsonb_insert", fn(t(jb, textArr, jb), jb, insert))
	addFunc("jsonb_insert", fn(t(jb, textArr, jb, types.Bool), jb, insert))

	addFunc("jsonb_pretty", fn(t(jb), types.Text, func(_ *Context, a []types.Datum) (types.Datum, error) {
		v, err := types.ParseJSONB(a[0].(string))
		if err != nil {
			return nil, err
		}
		var sb strings.Builder
		jsonbPretty(&sb, v, 0)
		return sb.String(), nil
	}))
}

// strictFirst makes a function return NULL when its first argument is
// NULL, whatever the others are.
func strictFirst(f evalFn) evalFn {
	return func(c *Context, a []types.Datum) (types.Datum, error) {
		if a[0] == nil {
			return nil, nil
		}
		return f(c, a)
	}
}

// jsonbPretty is jsonb_pretty: one member or element per line, indented
// by four spaces a level; an empty container still opens and closes on
// two lines, as PostgreSQL prints it.
func jsonbPretty(sb *strings.Builder, v *types.JSONValue, level int) {
	if v.IsScalar() {
		sb.Write(v.AppendJSONB(nil))
		return
	}
	open, close := "[", "]"
	if v.Kind == types.JSONObject {
		open, close = "{", "}"
	}
	sb.WriteString(open)
	for i, e := range v.Vals {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('\n')
		sb.WriteString(strings.Repeat("    ", level+1))
		if v.Kind == types.JSONObject {
			sb.Write(types.AppendJSONString(nil, v.Keys[i]))
			sb.WriteString(": ")
		}
		jsonbPretty(sb, e, level+1)
	}
	sb.WriteByte('\n')
	sb.WriteString(strings.Repeat("    ", level))
	sb.WriteString(close)
}

// stripNulls is jsonb_strip_nulls: object members whose value is null
// are dropped, at every depth; nulls in arrays stay.
func stripNulls(v *types.JSONValue) *types.JSONValue {
	if v.IsScalar() {
		return v
	}
	out := &types.JSONValue{Kind: v.Kind}
	for i, e := range v.Vals {
		if v.Kind == types.JSONObject {
			if e.Kind == types.JSONNull {
				continue
			}
			out.Keys = append(out.Keys, v.Keys[i])
		}
		out.Vals = append(out.Vals, stripNulls(e))
	}
	return out
}

// appendStrippedJSON is json_strip_nulls, which rewrites the text as it
// reads it: no whitespace, strings re-escaped, numbers as written, keys
// in their order (duplicates kept), members with a null value dropped.
func appendStrippedJSON(dst []byte, v *types.JSONValue) []byte {
	switch v.Kind {
	case types.JSONString:
		return types.AppendJSONString(dst, v.Str)
	case types.JSONObject, types.JSONArray:
	default:
		return append(dst, v.Raw...)
	}
	obj := v.Kind == types.JSONObject
	if obj {
		dst = append(dst, '{')
	} else {
		dst = append(dst, '[')
	}
	first := true
	for i, e := range v.Vals {
		if obj && e.Kind == types.JSONNull {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		if obj {
			dst = types.AppendJSONString(dst, v.Keys[i])
			dst = append(dst, ':')
		}
		dst = appendStrippedJSON(dst, e)
	}
	if obj {
		return append(dst, '}')
	}
	return append(dst, ']')
}
