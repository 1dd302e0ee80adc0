package sql

import (
	"testing"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// TestGenerationMutable: the casts, operators and functions PostgreSQL 15
// counts as not immutable in a generation expression, and some that are.
func TestGenerationMutable(t *testing.T) {
	col := func(typ *types.T) expr.Expr { return &expr.ColRef{Idx: 0, T: typ, Name: "c"} }
	cast := func(from, to *types.T) expr.Expr { return &expr.Cast{Arg: col(from), T: to} }
	call := func(name string, result *types.T, args ...expr.Expr) expr.Expr {
		return &expr.Func{Name: name, Args: args, Result: result}
	}
	intArr, _ := types.ByOid(1007)
	textArr, _ := types.ByOid(1009)
	lit := &expr.Cast{Arg: &expr.Const{T: types.Unknown, V: "2024-01-01", Loc: -1}, T: types.DateType}
	for _, tc := range []struct {
		name string
		e    expr.Expr
		want bool
	}{
		{"int to text", cast(types.Int4, types.Text), false},
		{"text to int", cast(types.Text, types.Int4), false},
		{"date to text", cast(types.DateType, types.Text), true},
		{"text to date", cast(types.Text, types.DateType), true},
		{"time to text", cast(types.Time, types.Text), false},
		{"text to time", cast(types.Text, types.Time), true},
		{"timestamp to timestamptz", cast(types.TimestampType, types.TimestampTZType), true},
		{"date to timestamp", cast(types.DateType, types.TimestampType), false},
		{"int to numeric", cast(types.Int4, types.Numeric), false},
		{"varchar to text", cast(types.Varchar, types.Text), false},
		{"int[] to text", cast(intArr, types.Text), true},
		{"int[] to text[]", cast(intArr, textArr), false},
		{"date literal", lit, false},
		{"now()", call("now", types.TimestampTZType), true},
		{"lower(text)", call("lower", types.Text, col(types.Text)), false},
		{"to_char(int, text)", call("to_char", types.Text, col(types.Int4), col(types.Text)), true},
		{"date_part(text, timestamp)", call("date_part", types.Float8, col(types.Text), col(types.TimestampType)), false},
		{"date_part(text, timestamptz)", call("date_part", types.Float8, col(types.Text), col(types.TimestampTZType)), true},
		{"timestamptz + interval", call("+", types.TimestampTZType, col(types.TimestampTZType), col(types.IntervalType)), true},
		{"timestamp + interval", call("+", types.TimestampType, col(types.TimestampType), col(types.IntervalType)), false},
		{"int + int", call("+", types.Int4, col(types.Int4), col(types.Int4)), false},
		{"stela's own", call("no_such_function_in_pg", types.Int4, col(types.Int4)), false},
		{"volatile", &expr.Func{Name: "random", Result: types.Float8, Volatile: true}, true},
		{"nested", call("upper", types.Text, cast(types.DateType, types.Text)), true},
	} {
		if got := isMutable(tc.e); got != tc.want {
			t.Errorf("%s: isMutable = %v, want %v", tc.name, got, tc.want)
		}
	}
}
