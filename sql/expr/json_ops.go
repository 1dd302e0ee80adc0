package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The json and jsonb operators of PostgreSQL 15. Extraction (->, ->>,
// #>, #>>) exists for both types; containment, existence,
// concatenation and deletion only for jsonb. json has no equality or
// ordering (42883, as in PostgreSQL); jsonb's are in compare.go.

var errCannotReplaceKey = pgerror.New(pgcode.InvalidParameterValue, "cannot replace existing key").
	WithHint("Try using the function jsonb_set to replace key value.")

func init() {
	textArr, _ := types.ArrayOf(types.Text)
	for _, t := range []*types.T{types.JSON, types.JSONB} {
		isB := t == types.JSONB
		t := t
		field := func(asText bool) evalFn {
			return func(_ *Context, a []types.Datum) (types.Datum, error) {
				v, err := jsonTree(isB, a[0])
				if err != nil {
					return nil, err
				}
				return jsonResult(isB, jsonField(v, a[1].(string)), asText), nil
			}
		}
		elem := func(asText bool) evalFn {
			return func(_ *Context, a []types.Datum) (types.Datum, error) {
				v, err := jsonTree(isB, a[0])
				if err != nil {
					return nil, err
				}
				return jsonResult(isB, jsonElem(isB, v, a[1].(int64)), asText), nil
			}
		}
		path := func(asText bool) evalFn {
			return func(_ *Context, a []types.Datum) (types.Datum, error) {
				v, err := jsonTree(isB, a[0])
				if err != nil {
					return nil, err
				}
				p, nulls := textPath(a[1])
				return jsonResult(isB, jsonExtractPath(v, p, nulls), asText), nil
			}
		}
		addOp("->", t, types.Text, t, field(false))
		addOp("->>", t, types.Text, types.Text, field(true))
		addOp("->", t, types.Int4, t, elem(false))
		addOp("->>", t, types.Int4, types.Text, elem(true))
		addOp("#>", t, textArr, t, path(false))
		addOp("#>>", t, textArr, types.Text, path(true))
	}

	jb := types.JSONB
	// jsonbOp wraps an operator whose left operand is a jsonb value.
	jsonbOp := func(f func(v *types.JSONValue, arg types.Datum) (types.Datum, error)) evalFn {
		return func(_ *Context, a []types.Datum) (types.Datum, error) {
			v, err := types.ParseJSONB(a[0].(string))
			if err != nil {
				return nil, err
			}
			return f(v, a[1])
		}
	}
	contains := func(sub, super types.Datum) (types.Datum, error) {
		a, err := types.ParseJSONB(super.(string))
		if err != nil {
			return nil, err
		}
		b, err := types.ParseJSONB(sub.(string))
		if err != nil {
			return nil, err
		}
		return jsonbContains(a, b), nil
	}
	addOp("@>", jb, jb, types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) { return contains(a[1], a[0]) })
	addOp("<@", jb, jb, types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) { return contains(a[0], a[1]) })
	addOp("?", jb, types.Text, types.Bool, jsonbOp(func(v *types.JSONValue, k types.Datum) (types.Datum, error) {
		return jsonbExists(v, k.(string)), nil
	}))
	addOp("?|", jb, textArr, types.Bool, jsonbOp(func(v *types.JSONValue, k types.Datum) (types.Datum, error) {
		return jsonbExistsKeys(v, k.(*types.Array), false), nil
	}))
	addOp("?&", jb, textArr, types.Bool, jsonbOp(func(v *types.JSONValue, k types.Datum) (types.Datum, error) {
		return jsonbExistsKeys(v, k.(*types.Array), true), nil
	}))
	addOp("||", jb, jb, jb, func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, err := types.ParseJSONB(a[0].(string))
		if err != nil {
			return nil, err
		}
		y, err := types.ParseJSONB(a[1].(string))
		if err != nil {
			return nil, err
		}
		return jsonbConcat(x, y).JSONB(), nil
	})
	addOp("-", jb, types.Text, jb, jsonbOp(func(v *types.JSONValue, k types.Datum) (types.Datum, error) {
		return jsonbDeleteKeys(v, []types.Datum{k})
	}))
	addOp("-", jb, textArr, jb, jsonbOp(func(v *types.JSONValue, k types.Datum) (types.Datum, error) {
		return jsonbDeleteKeys(v, k.(*types.Array).Elems)
	}))
	addOp("-", jb, types.Int4, jb, jsonbOp(func(v *types.JSONValue, i types.Datum) (types.Datum, error) {
		switch v.Kind {
		case types.JSONObject:
			return nil, errDeleteObjectIndex
		case types.JSONArray:
		default:
			return nil, errDeleteScalar
		}
		k, ok := jsonIndex(len(v.Vals), i.(int64))
		if !ok {
			return v.JSONB(), nil
		}
		out := &types.JSONValue{Kind: types.JSONArray}
		out.Vals = append(append(out.Vals, v.Vals[:k]...), v.Vals[k+1:]...)
		return out.JSONB(), nil
	}))
	addOp("#-", jb, textArr, jb, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return jsonbChangePath(a[0], a[1], nil, pathDelete, errDeletePathScalar)
	})
}

// jsonResult is the answer of an extraction operator.
func jsonResult(isB bool, v *types.JSONValue, asText bool) types.Datum {
	if asText {
		return jsonAsText(isB, v)
	}
	return jsonOut(isB, v)
}

// jsonbConcat is ||: two objects merge (the right one's keys win), two
// arrays are joined; otherwise each side that is not an array is taken
// as a one-element array ('1' || '2' is [1, 2], an object || an array
// puts the object first).
func jsonbConcat(x, y *types.JSONValue) *types.JSONValue {
	if x.Kind == types.JSONObject && y.Kind == types.JSONObject {
		out := &types.JSONValue{Kind: types.JSONObject}
		out.Keys = append(append(out.Keys, x.Keys...), y.Keys...)
		out.Vals = append(append(out.Vals, x.Vals...), y.Vals...)
		out.Normalize()
		return out
	}
	elems := func(v *types.JSONValue) []*types.JSONValue {
		if v.Kind == types.JSONArray {
			return v.Vals
		}
		return []*types.JSONValue{v}
	}
	out := &types.JSONValue{Kind: types.JSONArray}
	out.Vals = append(append(out.Vals, elems(x)...), elems(y)...)
	return out
}

// jsonbDeleteKeys is jsonb - text and jsonb - text[]: object members
// with those keys, or array elements that are those strings, are
// removed (NULL keys match nothing). A scalar is an error.
func jsonbDeleteKeys(v *types.JSONValue, keys []types.Datum) (types.Datum, error) {
	if v.IsScalar() {
		return nil, errDeleteScalar
	}
	drop := map[string]bool{}
	for _, k := range keys {
		if k != nil {
			drop[k.(string)] = true
		}
	}
	out := &types.JSONValue{Kind: v.Kind}
	for i, e := range v.Vals {
		if v.Kind == types.JSONObject {
			if !drop[v.Keys[i]] {
				out.Keys = append(out.Keys, v.Keys[i])
				out.Vals = append(out.Vals, e)
			}
			continue
		}
		if e.Kind != types.JSONString || !drop[e.Str] {
			out.Vals = append(out.Vals, e)
		}
	}
	return out.JSONB(), nil
}
