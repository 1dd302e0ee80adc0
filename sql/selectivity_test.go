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
		{"or", &expr.Or{Args: []expr.Expr{op("=", a, k(1)), op("=", b, k(2))}}, 0.005 + 0.005 - 0.005*0.005},
		{"or of equalities on one column: an in list", &expr.Or{Args: []expr.Expr{op("=", a, k(1)), op("=", a, k(2))}}, 0.01},
		{"not", &expr.Not{Arg: op("=", a, k(1))}, 0.995},
		{"is null", &expr.IsNull{Arg: a}, 0.005},
		{"is not null", &expr.IsNull{Arg: a, Not: true}, 0.995},
		{"like", op("~~", &expr.ColRef{T: types.Text}, &expr.Const{T: types.Text, V: "a%"}), 0.005},
		{"not like", op("!~~", &expr.ColRef{T: types.Text}, &expr.Const{T: types.Text, V: "a%"}), 0.995},
		{"boolean column", flag, 0.5},
		{"is true", &expr.BoolTest{Arg: flag, Want: &yes}, 0.5},
		{"is unknown", &expr.BoolTest{Arg: flag}, 0.005},
		{"in list", anyOf("=", a, k(1), k(2), k(3)), 0.015},
		// Not disjoint: at least one of three inequalities.
		{"<> any", anyOf("<>", a, k(1), k(2), k(3)), 1 - math.Pow(0.005, 3)},
		{"<> all", allOf("<>", a, k(1), k(2), k(3)), 1 - 3*0.005},
		{"> all", allOf(">", a, k(1), k(2)), 1.0 / 9},
		// An array known only when the statement runs: ten elements.
		{"= any parameter", &expr.ScalarArrayOp{Left: a, Op: "=", Any: true, Array: &expr.Param{Index: 1, T: int4Array}}, 1 - math.Pow(0.995, 10)},
		{"> all parameter", &expr.ScalarArrayOp{Left: a, Op: ">", Array: &expr.Param{Index: 1, T: int4Array}}, math.Pow(1.0/3, 10)},
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

// TestSelectivityWithStats: with ANALYZE's statistics, equality uses the
// column's null fraction and distinct count, IS NULL its null fraction;
// a column without statistics keeps the defaults, and a range on a
// column without a histogram takes half the non-NULL rows.
func TestSelectivityWithStats(t *testing.T) {
	a := &expr.ColRef{Idx: 0, T: types.Int4, Name: "a"}
	u := &expr.ColRef{Idx: 1, T: types.Int4, Name: "u"}
	other := &expr.ColRef{Idx: 5, T: types.Int4, Name: "other"}
	k, op := selConst, selOp
	st := &colStats{rows: 1000, cols: []engine.ColumnStats{
		{T: types.Int4, NullFrac: 0.25, NDistinct: 10}, // a: 10 values, a quarter NULL
		{T: types.Int4, NDistinct: -0.5},               // u: 500 values in 1,000 rows
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
		{"in list", anyOf("=", a, k(1), k(2), k(3)), 0.225},
		{"is not distinct from", &expr.Distinct{A: a, B: k(1), Not: true}, 0.075},
		{"column to column", op("=", a, u), 0.005},
		{"column without statistics", op("=", other, k(1)), 0.005},
		// no histogram: half of the non-NULL rows
		{"range", op("<", a, k(1)), 0.375},
		{"and", &expr.And{Args: []expr.Expr{op("=", a, k(1)), op("=", u, k(2))}}, 0.075 / 500},
	} {
		if got := selectivityWith(c.e, st); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestSelectivityFromHistogram: with most common values and a histogram,
// equalities and ranges read them as PostgreSQL's selfuncs.c does.
func TestSelectivityFromHistogram(t *testing.T) {
	a := &expr.ColRef{Idx: 0, T: types.Int4, Name: "a"}
	k, op := selConst, selOp
	// 1,000 rows: a tenth NULL, a fifth 7, the rest 0..999 in a
	// histogram of 11 bounds (bins of 100), 700 distinct values in all.
	var hist []types.Datum
	for i := int64(0); i <= 1000; i += 100 {
		hist = append(hist, min(i, 999))
	}
	st := &colStats{rows: 1000, cols: []engine.ColumnStats{{
		T: types.Int4, NullFrac: 0.1, NDistinct: 700,
		MCV: []types.Datum{int64(7)}, MCVFreqs: []float64{0.2}, Histogram: hist,
	}}}
	rest := 1 - 0.1 - 0.2 // the histogram's share of the rows
	eq := 1.0 / 699       // one non-listed value, among the histogram's
	for _, c := range []struct {
		name string
		e    expr.Expr
		want float64
	}{
		{"a most common value", op("=", a, k(7)), 0.2},
		{"another value", op("=", a, k(8)), rest * eq},
		{"in list", anyOf("=", a, k(7), k(8)), 0.2 + rest*eq},
		// 250 is half way through the third bin: 2.5 bins of 10; 7
		// is below it
		{"below", op("<=", a, k(250)), rest*0.25 + 0.2},
		{"below, excluding the value", op("<", a, k(250)), rest*(0.25-eq) + 0.2},
		{"above", op(">", a, k(250)), rest * 0.75},
		{"above, written value first", op("<", k(250), a), rest * 0.75},
		// 5 is in the first bin, whose lower end is a value of its own
		{"above, with the most common value", op(">=", a, k(5)), rest*(1-(0.005+eq*0.95-eq)) + 0.2},
		// past either end: a hundredth of a bin
		{"below everything", op("<", a, k(-5)), rest * 0.001},
		{"above everything", op(">", a, k(5000)), rest * 0.001},
		// a closed range: the upper bound's rows less those below the
		// lower, the NULLs added back once
		{"between", &expr.And{Args: []expr.Expr{op(">=", a, k(250)), op("<=", a, k(450))}},
			(rest*(1-(0.25-eq)) + 0) + (rest*0.45 + 0.2) - 1 + 0.1},
	} {
		if got := selectivityWith(c.e, st); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestStringScalars: strings become fractions in a base covering the
// characters seen, after their common prefix.
func TestStringScalars(t *testing.T) {
	// lower-case letters: base 26 from 'a'
	v, lo, hi := stringScalars("abm", "aba", "abz")
	if lo != 0 || math.Abs(v-12.0/26) > 1e-12 || math.Abs(hi-25.0/26) > 1e-12 {
		t.Errorf("got %v %v %v", v, lo, hi)
	}
	if v, lo, hi := byteaScalars([]byte{1, 128}, []byte{1, 0}, []byte{1, 255}); lo != 0 || v != 0.5 || hi != 255.0/256 {
		t.Errorf("bytea: got %v %v %v", v, lo, hi)
	}
}

// anyOf is left op ANY (ARRAY[elems...]); allOf the same with ALL.
func anyOf(op string, left expr.Expr, elems ...expr.Expr) expr.Expr {
	return &expr.ScalarArrayOp{Left: left, Op: op, Any: true, Array: &expr.ArrayExpr{Elems: elems}}
}

func allOf(op string, left expr.Expr, elems ...expr.Expr) expr.Expr {
	return &expr.ScalarArrayOp{Left: left, Op: op, Array: &expr.ArrayExpr{Elems: elems}}
}

var int4Array, _ = types.ArrayOf(types.Int4)
