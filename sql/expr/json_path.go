package expr

import (
	"math"

	"github.com/stela-db/stela/sql/types"
)

// Changing a jsonb value at a path: jsonb_set, jsonb_insert and #-, as
// PostgreSQL's setPath does it. The path is followed through object keys
// and array subscripts; only its last element may be created, and a
// path that leads nowhere (a missing key on the way, a scalar) leaves
// the value as it is.

// pathOp is what happens at the end of the path.
type pathOp uint8

const (
	pathReplace      pathOp = iota // jsonb_set(..., create_missing => false)
	pathCreate                     // jsonb_set: replace, or add when missing
	pathInsertBefore               // jsonb_insert
	pathInsertAfter                // jsonb_insert(..., insert_after => true)
	pathDelete                     // #-
)

func (op pathOp) creates() bool {
	return op == pathCreate || op == pathInsertBefore || op == pathInsertAfter
}

// jsonbSetPath returns v changed at path[level:] (v itself when nothing
// changes). A NULL path element reached is an error (22004), and so is
// one that must be an array subscript and is not an integer (22P02).
func jsonbSetPath(v *types.JSONValue, path []string, nulls []bool, level int, newVal *types.JSONValue, op pathOp) (*types.JSONValue, error) {
	if nulls[level] {
		return nil, errPathNull(level + 1)
	}
	switch v.Kind {
	case types.JSONObject:
		return setPathObject(v, path, nulls, level, newVal, op)
	case types.JSONArray:
		return setPathArray(v, path, nulls, level, newVal, op)
	}
	return v, nil // a scalar on the way: nothing to follow
}

func setPathObject(v *types.JSONValue, path []string, nulls []bool, level int, newVal *types.JSONValue, op pathOp) (*types.JSONValue, error) {
	last := level == len(path)-1
	key := path[level]
	out := &types.JSONValue{Kind: types.JSONObject}
	found := false
	for i, k := range v.Keys {
		val := v.Vals[i]
		if k == key {
			found = true
			if last {
				switch op {
				case pathInsertBefore, pathInsertAfter:
					return nil, errCannotReplaceKey
				case pathDelete:
					continue
				}
				val = newVal
			} else {
				var err error
				if val, err = jsonbSetPath(val, path, nulls, level+1, newVal, op); err != nil {
					return nil, err
				}
			}
		}
		out.Keys = append(out.Keys, k)
		out.Vals = append(out.Vals, val)
	}
	if !found && last && op.creates() {
		out.Keys = append(out.Keys, key)
		out.Vals = append(out.Vals, newVal)
		out.Normalize()
	}
	return out, nil
}

func setPathArray(v *types.JSONValue, path []string, nulls []bool, level int, newVal *types.JSONValue, op pathOp) (*types.JSONValue, error) {
	last := level == len(path)-1
	n := len(v.Vals)
	i64, ok := parsePathIndex(path[level])
	if !ok {
		return nil, errPathNotInteger(level+1, path[level])
	}
	idx := int(i64)
	if idx < 0 {
		if -idx > n {
			idx = math.MinInt // before the start: new values are prepended
		} else {
			idx += n
		}
	}
	if idx > n {
		idx = n
	}
	out := &types.JSONValue{Kind: types.JSONArray}
	done := false
	if (idx == math.MinInt || n == 0) && last && op.creates() {
		out.Vals = append(out.Vals, newVal)
		done = true
	}
	for i, e := range v.Vals {
		if i != idx {
			out.Vals = append(out.Vals, e)
			continue
		}
		if !last {
			e, err := jsonbSetPath(e, path, nulls, level+1, newVal, op)
			if err != nil {
				return nil, err
			}
			out.Vals = append(out.Vals, e)
			continue
		}
		switch op {
		case pathReplace, pathCreate:
			out.Vals = append(out.Vals, newVal)
		case pathInsertBefore:
			out.Vals = append(out.Vals, newVal, e)
		case pathInsertAfter:
			out.Vals = append(out.Vals, e, newVal)
		}
		done = true
	}
	if !done && last && op.creates() {
		out.Vals = append(out.Vals, newVal)
	}
	return out, nil
}

// jsonbChangePath is jsonb_set, jsonb_insert and #- on a whole value: a
// scalar cannot be changed (errScalar), an empty path changes nothing.
func jsonbChangePath(d types.Datum, pathD types.Datum, newVal *types.JSONValue, op pathOp, errScalar error) (types.Datum, error) {
	v, err := types.ParseJSONB(d.(string))
	if err != nil {
		return nil, err
	}
	if v.IsScalar() {
		return nil, errScalar
	}
	path, nulls := textPath(pathD)
	if len(path) == 0 {
		return d, nil
	}
	out, err := jsonbSetPath(v, path, nulls, 0, newVal, op)
	if err != nil {
		return nil, err
	}
	return out.JSONB(), nil
}
