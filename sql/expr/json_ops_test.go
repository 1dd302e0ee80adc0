package expr

import (
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

func mustJSONB(t *testing.T, s string) *types.JSONValue {
	t.Helper()
	v, err := types.ParseJSONB(s)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// Answers checked against PostgreSQL 15.
func TestJSONBContains(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{`{"a":1,"b":[1,2,{"c":3}]}`, `{"b":[{"c":3},1]}`, true},
		{`{"a":1}`, `{"a":1,"b":2}`, false},
		{`{"a":1.0}`, `{"a":1}`, true},
		{`{"a":"1"}`, `{"a":1}`, false},
		{`[1,2,[3]]`, `[[3]]`, true},
		{`[1,2,[3]]`, `[3]`, false},
		{`[1]`, `[1,1]`, true},
		{`[]`, `[]`, true},
		{`[1]`, `1`, true}, // a top-level array contains a scalar it has
		{`1`, `[1]`, false},
		{`[[1]]`, `1`, false},
		{`{"a":1}`, `1`, false},
		{`{"a":[1,2]}`, `{"a":1}`, false}, // only at the top
		{`{"a":{"b":1}}`, `{"a":{}}`, true},
		{`{"a":[1]}`, `{"a":{}}`, false},
		{`[{"a":1,"b":2}]`, `[{"a":1}]`, true},
		{`[{"a":1}]`, `{"a":1}`, false},
		{`null`, `null`, true},
		{`[null]`, `null`, true},
		{`[true]`, `[false]`, false},
	} {
		if got := jsonbContains(mustJSONB(t, c.a), mustJSONB(t, c.b)); got != c.want {
			t.Errorf("%s @> %s = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestJSONBExists(t *testing.T) {
	for _, c := range []struct {
		v, k string
		want bool
	}{
		{`{"a":1}`, "a", true},
		{`{"a":1}`, "b", false},
		{`["a",1]`, "a", true},
		{`[1]`, "1", false},
		{`"foo"`, "foo", true},
		{`{"x":{"a":1}}`, "a", false},
	} {
		if got := jsonbExists(mustJSONB(t, c.v), c.k); got != c.want {
			t.Errorf("%s ? %q = %v, want %v", c.v, c.k, got, c.want)
		}
	}
	keys := types.NewArray([]types.Datum{"a", nil})
	if !jsonbExistsKeys(mustJSONB(t, `{"a":1}`), keys, true) {
		t.Error("?& must skip NULL keys")
	}
	if jsonbExistsKeys(mustJSONB(t, `{"a":1}`), types.NewArray(nil), false) {
		t.Error("?| of no keys must be false")
	}
}

func TestJSONBSetPath(t *testing.T) {
	path := func(elems ...any) types.Datum {
		ds := make([]types.Datum, len(elems))
		for i, e := range elems {
			if e != nil {
				ds[i] = e
			}
		}
		return types.NewArray(ds)
	}
	for _, c := range []struct {
		v    string
		path types.Datum
		new  string
		op   pathOp
		want string // or the SQLSTATE of the error
	}{
		{`{"a":1,"b":[1,2]}`, path("a"), `"x"`, pathCreate, `{"a": "x", "b": [1, 2]}`},
		{`{"a":1}`, path("z"), `2`, pathCreate, `{"a": 1, "z": 2}`},
		{`{"a":1}`, path("z"), `2`, pathReplace, `{"a": 1}`},
		{`{"a":1}`, path("x", "y"), `2`, pathCreate, `{"a": 1}`},
		{`{"a":"s"}`, path("a", "b"), `1`, pathCreate, `{"a": "s"}`},
		{`[1,2,3]`, path("-1"), `9`, pathCreate, `[1, 2, 9]`},
		{`[1,2,3]`, path("10"), `9`, pathCreate, `[1, 2, 3, 9]`},
		{`[1,2,3]`, path("-10"), `9`, pathCreate, `[9, 1, 2, 3]`},
		{`[1,2,3]`, path("10"), `9`, pathReplace, `[1, 2, 3]`},
		{`[]`, path("5"), `9`, pathCreate, `[9]`},
		{`[1,2,3]`, path("1"), `9`, pathInsertBefore, `[1, 9, 2, 3]`},
		{`[1,2,3]`, path("1"), `9`, pathInsertAfter, `[1, 2, 9, 3]`},
		{`[1,2,3]`, path("-10"), `9`, pathInsertAfter, `[9, 1, 2, 3]`},
		{`{"a":1}`, path("a"), `2`, pathInsertBefore, "22023"},
		{`{"a":{"b":[1,2,3]}}`, path("a", "b", "1"), ``, pathDelete, `{"a": {"b": [1, 3]}}`},
		{`[1,2]`, path("5"), ``, pathDelete, `[1, 2]`},
		{`[1,2]`, path("a"), ``, pathDelete, "22P02"},
		{`{"a":[1]}`, path("a", nil), `2`, pathCreate, "22004"},
		{`{"a":1}`, path("b", nil), `2`, pathCreate, `{"a": 1}`}, // never reached
		{`{"a":1}`, path(), `2`, pathCreate, `{"a":1}`},          // unchanged input
	} {
		var nv *types.JSONValue
		if c.new != "" {
			nv = mustJSONB(t, c.new)
		}
		got, err := jsonbChangePath(c.v, c.path, nv, c.op, errSetPathScalar)
		if err != nil {
			pe, _ := err.(*pgerror.Error)
			if pe == nil || string(pe.Code) != c.want {
				t.Errorf("%s at %v: error %v, want %s", c.v, c.path, err, c.want)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s at %v (op %d) = %v, want %s", c.v, c.path, c.op, got, c.want)
		}
	}
	if _, err := jsonbChangePath(`1`, path("a"), mustJSONB(t, `2`), pathCreate, errSetPathScalar); err != errSetPathScalar {
		t.Errorf("scalar: %v", err)
	}
}

func TestJSONTextExtract(t *testing.T) {
	v, err := types.ParseJSONText(`{"a": {"b" : 1}, "a": {"c": [1,  2]}}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path []string
		want any
	}{
		{[]string{"a", "b"}, "1"}, // the first copy of "a" has it
		{[]string{"a"}, `{"c": [1,  2]}`},
		{[]string{"a", "c", "-1"}, "2"},
		{[]string{"a", "c", "x"}, nil},
		{nil, `{"a": {"b" : 1}, "a": {"c": [1,  2]}}`},
	} {
		got := jsonOut(false, jsonExtractPath(v, c.path, make([]bool, len(c.path))))
		if got != c.want {
			t.Errorf("#> %v = %v, want %v", c.path, got, c.want)
		}
	}
}
