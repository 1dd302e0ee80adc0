package sql

import (
	"testing"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// The implication test proves only what it is sure of: a wrong "yes"
// would read a partial index that lacks some of the query's rows.
func TestPredicateImplied(t *testing.T) {
	col := func(i int) expr.Expr { return &expr.ColRef{Idx: i, T: types.Int4} }
	num := func(v int64) expr.Expr { return &expr.Const{T: types.Int4, V: v} }
	op := func(name string, l, r expr.Expr) expr.Expr {
		return &expr.Func{Name: name, Args: []expr.Expr{l, r}, Result: types.Bool, Strict: true}
	}
	isNull := func(e expr.Expr, not bool) expr.Expr { return &expr.IsNull{Arg: e, Not: not} }
	and := func(args ...expr.Expr) expr.Expr { return &expr.And{Args: args} }
	for _, tc := range []struct {
		name string
		pred expr.Expr
		conj []expr.Expr
		want bool
	}{
		{"same conjunct", isNull(col(1), false), []expr.Expr{op("=", col(0), num(1)), isNull(col(1), false)}, true},
		{"flipped comparison", op("<", col(1), num(5)), []expr.Expr{op(">", num(5), col(1))}, true},
		{"every conjunct", and(isNull(col(1), false), op(">", col(2), num(0))), []expr.Expr{op(">", col(2), num(0)), isNull(col(1), false)}, true},
		{"one conjunct missing", and(isNull(col(1), false), op(">", col(2), num(0))), []expr.Expr{isNull(col(1), false)}, false},
		{"narrower range", op(">", col(2), num(0)), []expr.Expr{op(">", col(2), num(1))}, true},
		{"wider range", op(">", col(2), num(1)), []expr.Expr{op(">", col(2), num(0))}, false},
		{">= the bound implies >", op(">", col(2), num(1)), []expr.Expr{op(">=", col(2), num(1))}, false},
		{"> the bound implies >=", op(">=", col(2), num(1)), []expr.Expr{op(">", col(2), num(1))}, true},
		{"equality inside a range", op("<=", col(2), num(4)), []expr.Expr{op("=", num(4), col(2))}, true},
		{"equality outside a range", op("<", col(2), num(4)), []expr.Expr{op("=", col(2), num(4))}, false},
		{"equality implies <>", op("<>", col(2), num(3)), []expr.Expr{op("=", col(2), num(4))}, true},
		{"equality with the excluded value", op("<>", col(2), num(3)), []expr.Expr{op("=", col(2), num(3))}, false},
		{"range beyond <>", op("<>", col(2), num(3)), []expr.Expr{op(">", col(2), num(3))}, true},
		{"range over <>", op("<>", col(2), num(3)), []expr.Expr{op(">=", col(2), num(3))}, false},
		{"IN list inside a range", op("<", col(2), num(9)), []expr.Expr{&expr.Or{Args: []expr.Expr{op("=", col(2), num(1)), op("=", col(2), num(8))}}}, true},
		{"IN list partly outside", op("<", col(2), num(5)), []expr.Expr{&expr.Or{Args: []expr.Expr{op("=", col(2), num(1)), op("=", col(2), num(8))}}}, false},
		{"equality in a predicate's IN list", &expr.Or{Args: []expr.Expr{op("=", col(2), num(1)), op("=", col(2), num(8))}}, []expr.Expr{op("=", col(2), num(8))}, true},
		{"range against a predicate's IN list", &expr.Or{Args: []expr.Expr{op("=", col(2), num(1)), op("=", col(2), num(2))}}, []expr.Expr{op("<", col(2), num(2))}, false},
		{"<= below the bound implies <", op("<", col(2), num(3)), []expr.Expr{op("<=", col(2), num(2))}, true},
		{"<= at the bound does not imply <", op("<", col(2), num(3)), []expr.Expr{op("<=", col(2), num(3))}, false},
		{"< at the excluded value implies <>", op("<>", col(2), num(3)), []expr.Expr{op("<", col(2), num(3))}, true},
		{">= above the bound implies >", op(">", col(2), num(3)), []expr.Expr{op(">=", col(2), num(4))}, true},
		{"< does not imply >", op(">", col(2), num(0)), []expr.Expr{op("<", col(2), num(5))}, false},
		{"range of another column", op(">", col(2), num(0)), []expr.Expr{op(">", col(1), num(1))}, false},
		{"NULL constant proves nothing", op("<>", col(2), num(3)), []expr.Expr{op("=", col(2), &expr.Const{T: types.Int4})}, false},
		{"other types", op(">", col(2), num(0)), []expr.Expr{op(">", col(2), &expr.Const{T: types.Text, V: "1"})}, false},
		{"other column", isNull(col(1), false), []expr.Expr{isNull(col(2), false)}, false},
		{"IS NULL is not IS NOT NULL", isNull(col(1), true), []expr.Expr{isNull(col(1), false)}, false},
		{"strict comparison implies IS NOT NULL", isNull(col(1), true), []expr.Expr{op("=", col(1), num(5))}, true},
		{"strict through arithmetic", isNull(col(1), true), []expr.Expr{op(">", op("+", col(1), num(1)), num(5))}, true},
		{"IN list implies IS NOT NULL", isNull(col(1), true), []expr.Expr{&expr.Or{Args: []expr.Expr{op("=", col(1), num(1)), op("=", col(1), num(2))}}}, true},
		{"OR with another column does not", isNull(col(1), true), []expr.Expr{&expr.Or{Args: []expr.Expr{op("=", col(1), num(1)), op("=", col(2), num(2))}}}, false},
		{"non-strict call does not", isNull(col(1), true), []expr.Expr{&expr.Func{Name: "f", Args: []expr.Expr{col(1)}, Result: types.Bool}}, false},
		{"no conjuncts", isNull(col(1), false), nil, false},
	} {
		if got := predicateImplied(tc.pred, tc.conj); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
