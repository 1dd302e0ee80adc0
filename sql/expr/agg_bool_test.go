package expr

import (
	"testing"

	"github.com/stela-db/stela/sql/types"
)

func TestAggBoolBits(t *testing.T) {
	b := []*types.T{types.Bool}
	i2, i4, i8 := []*types.T{types.Int2}, []*types.T{types.Int4}, []*types.T{types.Int8}
	checkAggCases(t, &Context{}, []aggCase{
		{name: "bool_and", types: b, rows: aggCol("true", aggNull, "false"), want: "f"},
		{name: "bool_or", types: b, rows: aggCol("true", aggNull, "false"), want: "t"},
		{name: "every", types: b, rows: aggCol("true", aggNull, "false"), want: "f"},
		{name: "bool_and", types: b, rows: aggCol("true", aggNull), want: "t"},
		{name: "bool_or", types: b, rows: aggCol("true", aggNull), want: "t"},
		{name: "every", types: b, rows: aggCol("true", aggNull), want: "t"},
		{name: "bool_or", types: b, rows: aggCol("false", "false"), want: "f"},
		{name: "bool_and", types: b, rows: aggCol(aggNull), want: "<NULL>"},
		{name: "bool_or", types: b, rows: nil, want: "<NULL>"},
		{name: "every", types: b, rows: aggCol(aggNull), want: "<NULL>"},

		{name: "bit_and", types: i2, rows: aggCol("12", "10", aggNull, "7"), want: "0"},
		{name: "bit_or", types: i2, rows: aggCol("12", "10", aggNull, "7"), want: "15"},
		{name: "bit_xor", types: i2, rows: aggCol("12", "10", aggNull, "7"), want: "1"},
		{name: "bit_and", types: i4, rows: aggCol("-1", "5"), want: "5"},
		{name: "bit_or", types: i4, rows: aggCol("-1", "5"), want: "-1"},
		{name: "bit_xor", types: i4, rows: aggCol("-1", "5"), want: "-6"},
		{name: "bit_and", types: i8, rows: aggCol("-9223372036854775808", "5"), want: "0"},
		{name: "bit_or", types: i8, rows: aggCol("-9223372036854775808", "5"), want: "-9223372036854775803"},
		{name: "bit_xor", types: i8, rows: aggCol("-9223372036854775808", "5"), want: "-9223372036854775803"},
		{name: "bit_and", types: i4, rows: aggCol(aggNull), want: "<NULL>"},
	})
	// The result has the argument's type.
	bl := &Builder{}
	for _, ty := range []*types.T{types.Int2, types.Int4, types.Int8} {
		for _, name := range []string{"bit_and", "bit_or", "bit_xor"} {
			agg, _, err := bl.ResolveAggregate(name, []Expr{&Const{T: ty, Loc: -1}}, -1)
			if err != nil || agg.Result != ty {
				t.Errorf("%s(%s): %v", name, ty, err)
			}
		}
	}
}

func TestAggStringAgg(t *testing.T) {
	tt := []*types.T{types.Text, types.Text}
	bb := []*types.T{types.Bytea, types.Bytea}
	checkAggCases(t, &Context{}, []aggCase{
		{name: "string_agg", types: tt, rows: [][]string{{"a", "-"}, {"b", aggNull}, {aggNull, "+"}, {"c", "*"}}, want: "ab*c"},
		{name: "string_agg", types: tt, rows: [][]string{{aggNull, "-"}}, want: "<NULL>"},
		{name: "string_agg", types: tt, rows: nil, want: "<NULL>"},
		{name: "string_agg", types: tt, rows: [][]string{{"", "-"}, {"", aggNull}}, want: ""},
		{name: "string_agg", types: tt, rows: [][]string{{"", "-"}, {"", "-"}}, want: "-"},
		{name: "string_agg", types: tt, rows: [][]string{{"x", ", "}, {"y", ", "}, {"z", ", "}}, want: "x, y, z"},
		{name: "string_agg", types: bb, rows: [][]string{{"\\x01", ","}, {"\\x0203", ","}}, want: "\\x012c0203"},
		{name: "string_agg", types: bb, rows: [][]string{{"\\x01", aggNull}, {"\\x0203", aggNull}}, want: "\\x010203"},
		{name: "string_agg", types: bb, rows: [][]string{{"", aggNull}}, want: "\\x"},
		{name: "string_agg", types: bb, rows: [][]string{{aggNull, "\\x01"}}, want: "<NULL>"},
	})

	b := &Builder{}
	c := func(ty *types.T) Expr { return &Const{T: ty, Loc: -1} }
	for _, x := range []struct {
		args []Expr
		want string
	}{
		{[]Expr{c(types.Varchar), c(types.Unknown)}, "text"},
		{[]Expr{c(types.Unknown), c(types.Unknown)}, "text"},
		{[]Expr{c(types.Bytea), c(types.Unknown)}, "bytea"},
		{[]Expr{c(types.Int4), c(types.Unknown)}, "function string_agg(integer, unknown) does not exist"},
		{[]Expr{c(types.Unknown), c(types.Int4)}, "function string_agg(unknown, integer) does not exist"},
	} {
		agg, _, err := b.ResolveAggregate("string_agg", x.args, -1)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = agg.Result.Name
		}
		if got != x.want {
			t.Errorf("string_agg(%v): got %s, want %s", x.args, got, x.want)
		}
	}
}
