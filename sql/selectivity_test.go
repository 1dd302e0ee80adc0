package sql

import (
	"math"
	"testing"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// selConst is an integer constant, and selOp a binary boolean operator,
// for the selectivity tests.
func selConst(v int64) expr.Expr { return &expr.Const{T: types.Int4, V: v, Loc: -1} }

func selOp(name string, l, r expr.Expr) expr.Expr {
	return &expr.Func{Name: name, Args: []expr.Expr{l, r}, Result: types.Bool}
}

// TestSelectivity: each kind of condition gets PostgreSQL's default, and
// the combinators combine them as PostgreSQL's clause selectivity does.
func TestSelectivity(t *testing.T) {
	a := &expr.ColRef{Idx: 0, T: types.Int4, Name: "a"}
	b := &expr.ColRef{Idx: 1, T: types.Int4, Name: "b"}
	flag := &expr.ColRef{Idx: 2, T: types.Bool, Name: "flag"}
	k, op := selConst, selOp
	yes := true
	for _, c := range []struct {
		name string
		e    expr.Expr
		want float64
	}{
		{"none", nil, 1},
		{"equality", op("=", a, k(1)), 0.005},
		{"inequality", op("<>", a, k(1)), 0.995},
		{"one bound", op("<", a, k(1)), 1.0 / 3},
		{"bound written value first", op(">", k(1), a), 1.0 / 3},
		{"closed range", &expr.And{Args: []expr.Expr{op(">=", a, k(1)), op("<=", a, k(9))}}, 0.005},
		{"bounds on two columns", &expr.And{Args: []expr.Expr{op(">=", a, k(1)), op("<=", b, k(9))}}, 1.0 / 9},
		{"range and equality", &expr.And{Args: []expr.Expr{op(">", a, k(1)), op("<", a, k(9)), op("=", b, k(3))}}, 0.005 * 0.005},
		{"or", &expr.Or{Args: []expr.Expr{op("=", a, k(1)), op("=", a, k(2))}}, 0.005 + 0.005 - 0.005*0.005},
		{"not", &expr.Not{Arg: op("=", a, k(1))}, 0.995},
		{"is null", &expr.IsNull{Arg: a}, 0.005},
		{"is not null", &expr.IsNull{Arg: a, Not: true}, 0.995},
		{"like", op("~~", &expr.ColRef{T: types.Text}, &expr.Const{T: types.Text, V: "a%"}), 0.005},
		{"not like", op("!~~", &expr.ColRef{T: types.Text}, &expr.Const{T: types.Text, V: "a%"}), 0.995},
		{"boolean column", flag, 0.5},
		{"is true", &expr.BoolTest{Arg: flag, Want: &yes}, 0.5},
		{"is unknown", &expr.BoolTest{Arg: flag}, 0.005},
		{"in list", &expr.ScalarArrayOp{Left: a, Array: &expr.ArrayExpr{Elems: []expr.Expr{k(1), k(2), k(3)}}, Any: true}, 0.015},
		{"constant true", &expr.Const{T: types.Bool, V: true}, 1},
		{"constant false", &expr.Const{T: types.Bool, V: false}, 0},
		{"null", &expr.Const{T: types.Bool}, 0},
		{"other function", &expr.Func{Name: "f", Args: []expr.Expr{a}, Result: types.Bool}, 1.0 / 3},
	} {
		if got := selectivity(c.e); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: selectivity %g, want %g", c.name, got, c.want)
		}
	}
}

// TestGroupsOf: 200 groups per grouping expression, never more than the
// input's rows, and at least one.
func TestGroupsOf(t *testing.T) {
	for _, c := range []struct {
		input float64
		n     int
		want  float64
	}{
		{1e6, 1, 200}, {1e6, 2, 40000}, {1e6, 3, 1e6}, {50, 1, 50}, {0, 1, 1},
	} {
		if got := groupsOf(c.input, c.n); got != c.want {
			t.Errorf("groupsOf(%g, %d) = %g, want %g", c.input, c.n, got, c.want)
		}
	}
}

// TestSelectivityWithStats: with ANALYZE's statistics, equality uses the
// column's null fraction and distinct count, IS NULL its null fraction;
// a column without statistics, and ranges, keep the defaults.
func TestSelectivityWithStats(t *testing.T) {
	a := &expr.ColRef{Idx: 0, T: types.Int4, Name: "a"}
	u := &expr.ColRef{Idx: 1, T: types.Int4, Name: "u"}
	other := &expr.ColRef{Idx: 5, T: types.Int4, Name: "other"}
	k, op := selConst, selOp
	st := &colStats{rows: 1000, cols: []engine.ColumnStats{
		{NullFrac: 0.25, NDistinct: 10}, // a: 10 values, a quarter NULL
		{NDistinct: -0.5},               // u: 500 values in 1,000 rows
	}}
	for _, c := range []struct {
		name string
		e    expr.Expr
		want float64
	}{
		{"equality", op("=", a, k(1)), 0.075},
		{"equality written value first", op("=", k(1), a), 0.075},
		{"equality, distinct as a fraction", op("=", u, k(1)), 1.0 / 500},
		{"inequality", op("<>", a, k(1)), 1 - 0.075 - 0.25},
		{"is null", &expr.IsNull{Arg: a}, 0.25},
		{"is not null", &expr.IsNull{Arg: a, Not: true}, 0.75},
		{"in list", &expr.ScalarArrayOp{Left: a, Array: &expr.ArrayExpr{Elems: []expr.Expr{k(1), k(2), k(3)}}, Any: true}, 0.225},
		{"is not distinct from", &expr.Distinct{A: a, B: k(1), Not: true}, 0.075},
		{"column to column", op("=", a, u), 0.005},
		{"column without statistics", op("=", other, k(1)), 0.005},
		{"range", op("<", a, k(1)), 1.0 / 3},
		{"and", &expr.And{Args: []expr.Expr{op("=", a, k(1)), op("=", u, k(2))}}, 0.075 / 500},
	} {
		if got := selectivityWith(c.e, st); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
