package expr

import (
	"testing"

	"github.com/stela-db/stela/sql/types"
)

// aggJSONPair runs json_agg and jsonb_agg over one column and returns
// both results separated by "|", as psql -At prints them.
func aggJSONPair(t *testing.T, ctx *Context, names [2]string, ty []*types.T, rows [][]string) string {
	t.Helper()
	var out [2]string
	for i, n := range names {
		s, err := runAgg(t, ctx, aggCase{name: n, types: ty, rows: rows})
		if err != nil {
			s = "error: " + err.Error()
		}
		out[i] = s
	}
	return out[0] + "|" + out[1]
}

func TestAggJSONAgg(t *testing.T) {
	arr := [2]string{"json_agg", "jsonb_agg"}
	one := func(t *types.T) []*types.T { return []*types.T{t} }
	for _, c := range []struct {
		t    *types.T
		rows []string
		want string
	}{
		{types.Int4, []string{"1", "2", aggNull, "3"}, "[1, 2, null, 3]|[1, 2, null, 3]"},
		{types.Int4, nil, "<NULL>|<NULL>"},
		{types.Int4, []string{aggNull}, "[null]|[null]"},
		{types.Text, []string{"a\"b\\c\n\x01é/"}, `["a\"b\\c\n\u0001é/"]|["a\"b\\c\n\u0001é/"]`},
		{types.Text, []string{"\x1f\x7f"}, `["\u001f` + "\x7f" + `"]|["\u001f` + "\x7f" + `"]`},
		{types.Numeric, []string{"1.50", "1e20", "NaN", "Infinity"},
			`[1.50, 100000000000000000000, "NaN", "Infinity"]|[1.50, 100000000000000000000, "NaN", "Infinity"]`},
		{types.Float8, []string{"1.5", "1e20", "1e-7", "NaN", "-Infinity", "0.1"},
			`[1.5, 1e+20, 1e-07, "NaN", "-Infinity", 0.1]|[1.5, 100000000000000000000, 0.0000001, "NaN", "-Infinity", 0.1]`},
		{types.Float4, []string{"1.5", "0.1"}, "[1.5, 0.1]|[1.5, 0.1]"},
		{types.Bool, []string{"true", "false"}, "[true, false]|[true, false]"},
		{types.DateType, []string{"2020-01-02", "infinity", "0044-03-15 BC"},
			`["2020-01-02", "infinity", "0044-03-15 BC"]|["2020-01-02", "infinity", "0044-03-15 BC"]`},
		{types.TimestampType, []string{"2020-01-02 03:04:05.5", "infinity", "0044-03-15 10:00 BC"},
			`["2020-01-02T03:04:05.5", "infinity", "0044-03-15T10:00:00 BC"]|["2020-01-02T03:04:05.5", "infinity", "0044-03-15T10:00:00 BC"]`},
		{types.TimestampTZType, []string{"2020-01-02 03:04:05.5+00"},
			`["2020-01-02T03:04:05.5+00:00"]|["2020-01-02T03:04:05.5+00:00"]`},
		{types.Time, []string{"10:00:01.5"}, `["10:00:01.5"]|["10:00:01.5"]`},
		{types.IntervalType, []string{"1 day 2 hours"}, `["1 day 02:00:00"]|["1 day 02:00:00"]`},
		{types.Bytea, []string{"\\x01ff"}, `["\\x01ff"]|["\\x01ff"]`},
		{types.UUIDType, []string{"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
			`["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"]|["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"]`},
		{types.JSON, []string{`{"b": 1,  "a":[1,2]}`, "null", aggNull},
			`[{"b": 1,  "a":[1,2]}, null, null]|[{"a": [1, 2], "b": 1}, null, null]`},
		{types.JSONB, []string{`{"b": 1,  "a":[1,2]}`, `"x"`}, `[{"a": [1, 2], "b": 1}, "x"]|[{"a": [1, 2], "b": 1}, "x"]`},
		{types.OidType, []string{"1"}, `["1"]|["1"]`},
		{types.Bpchar.WithTypmod(8), []string{"ab"}, `["ab  "]|["ab  "]`},
		{types.Name, []string{"ab"}, `["ab"]|["ab"]`},
		{types.Numeric, []string{"1e-7", "-0.000"}, "[0.0000001, 0.000]|[0.0000001, 0.000]"},
		{types.Int2, []string{"1"}, "[1]|[1]"},
		{types.Int8, []string{"-5"}, "[-5]|[-5]"},
	} {
		if got := aggJSONPair(t, &Context{}, arr, one(c.t), aggCol(c.rows...)); got != c.want {
			t.Errorf("json_agg(%s) of %q:\n got %s\nwant %s", c.t, c.rows, got, c.want)
		}
	}

	// Time zones and output settings come from the session.
	kolkata, ok := types.LoadTimeZone("Asia/Kolkata")
	if !ok {
		t.Skip("no Asia/Kolkata time zone")
	}
	amsterdam, _ := types.LoadTimeZone("Europe/Amsterdam")
	fs := types.DefaultFormatSettings()
	fs.TimeZone = kolkata
	fs.DateStyle = "SQL, DMY" // no effect on JSON dates
	ctx := &Context{Session: &aggTestSession{fs: fs}}
	tz := one(types.TimestampTZType)
	if got, want := aggJSONPair(t, ctx, arr, tz, aggCol("2020-01-02 03:04:05.5+00", "-infinity")),
		`["2020-01-02T08:34:05.5+05:30", "-infinity"]|["2020-01-02T08:34:05.5+05:30", "-infinity"]`; got != want {
		t.Errorf("timestamptz in Asia/Kolkata:\n got %s\nwant %s", got, want)
	}
	if got, want := aggJSONPair(t, ctx, arr, one(types.DateType), aggCol("2020-01-02")),
		`["2020-01-02"]|["2020-01-02"]`; got != want {
		t.Errorf("date with DateStyle SQL:\n got %s\nwant %s", got, want)
	}
	fs.TimeZone = amsterdam
	ctx = &Context{Session: &aggTestSession{fs: fs}}
	if got, want := aggJSONPair(t, ctx, arr, tz, aggCol("1900-01-02 03:04:05.5+00")),
		`["1900-01-02T03:23:37.5+00:19:32"]|["1900-01-02T03:23:37.5+00:19:32"]`; got != want {
		t.Errorf("timestamptz in Europe/Amsterdam:\n got %s\nwant %s", got, want)
	}
}

func TestAggJSONObjectAgg(t *testing.T) {
	obj := [2]string{"json_object_agg", "jsonb_object_agg"}
	two := func(k, v *types.T) []*types.T { return []*types.T{k, v} }
	for _, c := range []struct {
		types []*types.T
		rows  [][]string
		want  string
	}{
		{two(types.Text, types.Int4), [][]string{{"b", "1"}, {"a", aggNull}, {"b", "3"}},
			`{ "b" : 1, "a" : null, "b" : 3 }|{"a": null, "b": 3}`},
		{two(types.Int4, types.Text), [][]string{{"1", "x"}, {"2", "y"}}, `{ "1" : "x", "2" : "y" }|{"1": "x", "2": "y"}`},
		{two(types.Float8, types.Bool), [][]string{{"1.5", "true"}, {"2e20", "false"}},
			`{ "1.5" : true, "2e+20" : false }|{"1.5": true, "2e+20": false}`},
		{two(types.Bool, types.JSON), [][]string{{"true", `{"a":1}`}}, `{ "true" : {"a":1} }|{"true": {"a": 1}}`},
		{two(types.DateType, types.TimestampType), [][]string{{"2020-01-01", "2020-01-01 10:00"}},
			`{ "2020-01-01" : "2020-01-01T10:00:00" }|{"2020-01-01": "2020-01-01T10:00:00"}`},
		{two(types.TimestampType, types.Int4), [][]string{{"2020-01-01 10:00", "1"}},
			`{ "2020-01-01T10:00:00" : 1 }|{"2020-01-01T10:00:00": 1}`},
		{two(types.Text, types.Int4), [][]string{{aggNull, "1"}},
			"error: field name must not be null|error: field name must not be null"},
		{two(types.JSON, types.Int4), [][]string{{"{}", "1"}},
			"error: key value must be scalar, not array, composite, or json|error: key value must be scalar, not array, composite, or json"},
		{two(types.JSONB, types.Int4), [][]string{{"{}", "1"}},
			"error: key value must be scalar, not array, composite, or json|error: key value must be scalar, not array, composite, or json"},
		{two(types.JSON, types.Int4), nil, "<NULL>|<NULL>"},
		{two(types.Text, types.Int4), [][]string{{`a"`, "1"}, {"", "2"}, {"aa", "3"}, {"b", "4"}},
			`{ "a\"" : 1, "" : 2, "aa" : 3, "b" : 4 }|{"": 2, "b": 4, "a\"": 1, "aa": 3}`},
		{two(types.Bytea, types.Int4), [][]string{{"a", "1"}}, `{ "\\x61" : 1 }|{"\\x61": 1}`},
		{two(types.Numeric, types.Numeric), [][]string{{"NaN", "NaN"}}, `{ "NaN" : "NaN" }|{"NaN": "NaN"}`},
		{two(types.Text, types.Numeric), [][]string{{"a", "1e3"}, {"b", "1.50"}}, `{ "a" : 1000, "b" : 1.50 }|{"a": 1000, "b": 1.50}`},
	} {
		if got := aggJSONPair(t, &Context{}, obj, c.types, c.rows); got != c.want {
			t.Errorf("json_object_agg(%s) of %q:\n got %s\nwant %s", typeList(c.types), c.rows, got, c.want)
		}
	}

	// Unknown literals are taken as text: json_object_agg('a', 'b').
	b := &Builder{}
	u := &Const{T: types.Unknown, V: "a", Loc: -1}
	agg, args, err := b.ResolveAggregate("json_object_agg", []Expr{u, u}, -1)
	if err != nil || agg.Result != types.JSON || args[0].Type() != types.Text {
		t.Fatalf("json_object_agg(unknown, unknown): %v", err)
	}
	acc := agg.New()
	if err := acc.Add(&Context{}, []types.Datum{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if v, _ := acc.Result(&Context{}); v != `{ "a" : "b" }` {
		t.Errorf("json_object_agg('a', 'b') = %v", v)
	}
}
