package expr

import "github.com/stela-db/stela/sql/types"

// jsonb containment (@>, <@) and existence (?, ?|, ?&), as PostgreSQL's
// JsonbDeepContains and jsonb_exists define them.

// jsonbContains reports whether a contains b:
//   - scalars contain equal scalars;
//   - an object contains an object whose every key it has, with a value
//     that contains that key's value in b;
//   - an array contains an array whose every element it contains: a
//     scalar must equal one of its elements, a container must be
//     contained in one of its containers. Order and repetition do not
//     matter ('[1]' @> '[1,1]').
//
// At the top, a scalar is stored as a one-element array, so an array
// contains a scalar it has as an element ('[1]' @> '1'); the reverse
// does not hold.
func jsonbContains(a, b *types.JSONValue) bool {
	if a.Kind == types.JSONArray && b.IsScalar() {
		return arrayContainsValue(a, b)
	}
	return jsonbContainsValue(a, b)
}

func jsonbContainsValue(a, b *types.JSONValue) bool {
	switch {
	case a.IsScalar() || b.IsScalar():
		return a.IsScalar() && b.IsScalar() && types.ScalarEqual(a, b)
	case a.Kind != b.Kind:
		return false
	case a.Kind == types.JSONObject:
		for i, k := range b.Keys {
			v := a.Get(k)
			if v == nil || !jsonbContainsValue(v, b.Vals[i]) {
				return false
			}
		}
		return true
	}
	for _, e := range b.Vals {
		if !arrayContainsValue(a, e) {
			return false
		}
	}
	return true
}

// arrayContainsValue reports whether one of the array a's elements
// contains e (equals it, for a scalar e).
func arrayContainsValue(a, e *types.JSONValue) bool {
	for _, x := range a.Vals {
		if e.IsScalar() {
			if x.IsScalar() && types.ScalarEqual(x, e) {
				return true
			}
			continue
		}
		if !x.IsScalar() && jsonbContainsValue(x, e) {
			return true
		}
	}
	return false
}

// jsonbExists is ?: whether key is a key of the top-level object, or a
// string element of the top-level array (or the string itself, for a
// scalar, stored as a one-element array).
func jsonbExists(v *types.JSONValue, key string) bool {
	switch v.Kind {
	case types.JSONObject:
		return v.Get(key) != nil
	case types.JSONArray:
		for _, e := range v.Vals {
			if e.Kind == types.JSONString && e.Str == key {
				return true
			}
		}
		return false
	}
	return v.Kind == types.JSONString && v.Str == key
}

// jsonbExistsKeys is ?| (any) and ?& (all) over a text[]; NULL keys are
// skipped, so ?& of no keys is true and ?| of none false.
func jsonbExistsKeys(v *types.JSONValue, keys *types.Array, all bool) bool {
	for _, k := range keys.Elems {
		if k == nil {
			continue
		}
		if jsonbExists(v, k.(string)) != all {
			return !all
		}
	}
	return all
}
