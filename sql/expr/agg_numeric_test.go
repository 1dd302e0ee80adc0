package expr

import (
	"testing"

	"github.com/stela-db/stela/sql/types"
)

// Expected values are PostgreSQL 15.18's, from queries such as
// select avg(x) from (values (1),(2)) t(x).

func TestAggSumAvg(t *testing.T) {
	i2, i4, i8 := []*types.T{types.Int2}, []*types.T{types.Int4}, []*types.T{types.Int8}
	num, f4, f8 := []*types.T{types.Numeric}, []*types.T{types.Float4}, []*types.T{types.Float8}
	iv := []*types.T{types.IntervalType}
	checkAggCases(t, &Context{}, []aggCase{
		{name: "avg", types: i4, rows: aggCol("1", "2"), want: "1.5000000000000000"},
		{name: "avg", types: i8, rows: aggCol("1", "2"), want: "1.5000000000000000"},
		{name: "avg", types: num, rows: aggCol("1.50", "2.125"), want: "1.8125000000000000"},
		{name: "avg", types: i8, rows: aggCol("100000000000", "2"), want: "50000000001.00000000"},
		{name: "avg", types: num, rows: aggCol("0.0001", "0.0002", "0.0004"), want: "0.00023333333333333333"},
		{name: "avg", types: i4, rows: aggCol("1", "2", "2"), want: "1.6666666666666667"},
		{name: "avg", types: i2, rows: aggCol("1", "2", "4"), want: "2.3333333333333333"},
		{name: "avg", types: i4, rows: aggCol("-7", "2"), want: "-2.5000000000000000"},
		{name: "avg", types: num, rows: aggCol("12345678901234.5678", "1"), want: "6172839450617.7839"},
		{name: "avg", types: num, rows: aggCol("1.5", "-1.5"), want: "0.00000000000000000000"},
		{name: "avg", types: i4, rows: aggCol(aggNull), want: "<NULL>"},
		{name: "avg", types: i4, rows: nil, want: "<NULL>"},
		{name: "avg", types: i8, rows: aggCol("9223372036854775807", "9223372036854775807", "-1"), want: "6148914691236517204"},

		{name: "sum", types: num, rows: aggCol("1.50", "2.125"), want: "3.625"},
		{name: "sum", types: num, rows: aggCol("1.5", "-1.5"), want: "0.0"},
		{name: "sum", types: i8, rows: aggCol("9223372036854775807", "1"), want: "9223372036854775808"},
		{name: "sum", types: i8, rows: aggCol("-9223372036854775808", "-9223372036854775808", "5"), want: "-18446744073709551611"},
		{name: "sum", types: i4, rows: aggCol("2147483647", "2147483647"), want: "4294967294"},
		{name: "sum", types: i2, rows: aggCol("1", "2", aggNull), want: "3"},
		{name: "sum", types: i4, rows: aggCol(aggNull), want: "<NULL>"},
		{name: "sum", types: f4, rows: aggCol("1.5", "2.25"), want: "3.75"},
		{name: "sum", types: f4, rows: aggCol("0.1", "0.2"), want: "0.3"},
		{name: "sum", types: f8, rows: aggCol("0.1", "0.2"), want: "0.30000000000000004"},
		{name: "sum", types: f8, rows: aggCol("1e308", "1e308"), err: "value out of range: overflow"},
		{name: "sum", types: f4, rows: aggCol("3e38", "3e38"), err: "value out of range: overflow"},
		{name: "sum", types: f8, rows: aggCol("Infinity", "-Infinity"), want: "NaN"},
		{name: "sum", types: f8, rows: aggCol("-0"), want: "-0"},
		{name: "sum", types: f8, rows: aggCol("1e200", "1e200"), want: "2e+200"},
		{name: "avg", types: f4, rows: aggCol("1.5", "2.25"), want: "1.875"},
		{name: "avg", types: f4, rows: aggCol("0.1", "0.2"), want: "0.15000000223517418"},
		{name: "avg", types: f8, rows: aggCol("0.1", "0.2"), want: "0.15000000000000002"},
		{name: "avg", types: f8, rows: aggCol("1e308", "1e308"), err: "value out of range: overflow"},
		{name: "avg", types: f8, rows: aggCol("1e300", "-1e300"), err: "value out of range: overflow"},
		{name: "avg", types: f8, rows: aggCol("Infinity", "1"), want: "Infinity"},
		{name: "avg", types: f8, rows: aggCol("Infinity", "-Infinity"), want: "NaN"},
		{name: "avg", types: f8, rows: aggCol("NaN", "1"), want: "NaN"},
		{name: "avg", types: f8, rows: aggCol("1e200", "1e200"), want: "1e+200"},

		{name: "sum", types: num, rows: aggCol("NaN", "1"), want: "NaN"},
		{name: "avg", types: num, rows: aggCol("NaN", "1"), want: "NaN"},
		{name: "sum", types: num, rows: aggCol("Infinity", "1"), want: "Infinity"},
		{name: "avg", types: num, rows: aggCol("Infinity", "1"), want: "Infinity"},
		{name: "sum", types: num, rows: aggCol("Infinity", "-Infinity"), want: "NaN"},
		{name: "avg", types: num, rows: aggCol("Infinity", "-Infinity"), want: "NaN"},
		{name: "sum", types: num, rows: aggCol("-Infinity", "1.5"), want: "-Infinity"},
		{name: "avg", types: num, rows: aggCol("-Infinity", "1.5"), want: "-Infinity"},

		{name: "sum", types: iv, rows: aggCol("1 day", "2 hours", "1 mon"), want: "1 mon 1 day 02:00:00"},
		{name: "avg", types: iv, rows: aggCol("1 day", "2 hours", "1 mon"), want: "10 days 08:40:00"},
		{name: "avg", types: iv, rows: aggCol("1 mon", "1 day", "1 sec"), want: "10 days 08:00:00.333333"},
		{name: "avg", types: iv, rows: aggCol("1 mon 1 day", "2 mon", "3 mon 5 sec"), want: "2 mons 08:00:01.666667"},
		{name: "sum", types: iv, rows: aggCol("2000000000 mons", "2000000000 mons"), err: "interval out of range"},
		{name: "avg", types: iv, rows: aggCol(aggNull), want: "<NULL>"},
	})
}

func TestAggSumInt8Overflow(t *testing.T) {
	// PostgreSQL's int4_sum does not check (the int8 sum of int4s cannot
	// overflow with fewer than 2^32 rows); stela reports bigint out of
	// range rather than wrapping.
	acc := &aggSumInt{sum: 9223372036854775000}
	acc.seen = true
	if err := acc.Add(nil, []types.Datum{int64(1000)}); err == nil || err.Error() != "bigint out of range" {
		t.Fatalf("got %v", err)
	}
}

func TestAggSumResolve(t *testing.T) {
	b := &Builder{}
	for _, c := range []struct {
		name string
		arg  *types.T
		want string
	}{
		{"sum", types.Int2, "int8"}, {"sum", types.Int4, "int8"}, {"sum", types.Int8, "numeric"},
		{"sum", types.Numeric.WithTypmod(0xa0006), "numeric"},
		{"sum", types.Float4, "float4"}, {"sum", types.Float8, "float8"}, {"sum", types.IntervalType, "interval"},
		{"avg", types.Int2, "numeric"}, {"avg", types.Int8, "numeric"}, {"avg", types.Float4, "float8"},
		{"avg", types.IntervalType, "interval"},
	} {
		agg, _, err := b.ResolveAggregate(c.name, []Expr{&Const{T: c.arg, Loc: -1}}, -1)
		if err != nil || agg.Result.Name != c.want {
			t.Errorf("%s(%s): %v %v, want %s", c.name, c.arg, agg, err, c.want)
		}
	}
	if _, _, err := b.ResolveAggregate("sum", []Expr{&Const{T: types.Text, Loc: -1}}, -1); err == nil ||
		err.Error() != "function sum(text) does not exist" {
		t.Errorf("sum(text): %v", err)
	}
	// PostgreSQL: sum('1') is ambiguous (numeric and interval candidates).
	if _, _, err := b.ResolveAggregate("sum", []Expr{&Const{T: types.Unknown, V: "1", Loc: -1}}, -1); err == nil ||
		err.Error() != "function sum(unknown) is not unique" {
		t.Errorf("sum(unknown): %v", err)
	}
}
