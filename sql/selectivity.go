package sql

import (
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// Selectivity: the fraction of rows a predicate is expected to keep.
// Without column statistics, like PostgreSQL on a table that was never
// analyzed, it uses a default per kind of condition. The numbers are
// PostgreSQL's (utils/selfuncs.h), so that EXPLAIN's row estimates read
// as a PostgreSQL user expects and plans are ordered by the same rough
// sizes. Once ANALYZE has run on a scan's table (engine/colstats.go), a
// column's tests use its statistics instead: IS NULL its null fraction;
// comparisons with a constant its most common values and histogram
// (selectivity_stats.go); an equality with a value known only at run
// time its distinct count.
const (
	defaultEqSel        = 0.005     // col = x (DEFAULT_EQ_SEL)
	defaultIneqSel      = 1.0 / 3.0 // col < x (DEFAULT_INEQ_SEL)
	defaultRangeIneqSel = 0.005     // x < col < y (DEFAULT_RANGE_INEQ_SEL)
	defaultMatchSel     = 0.005     // LIKE, regular expressions (DEFAULT_MATCH_SEL)
	defaultUnkSel       = 0.005     // IS NULL, IS UNKNOWN (DEFAULT_UNK_SEL)
	defaultBoolSel      = 0.5       // a boolean column
	// defaultNumDistinct is how many distinct values a column is taken to
	// have: GROUP BY's group count (DEFAULT_NUM_DISTINCT).
	defaultNumDistinct = 200
)

// colStats are the statistics of a scan's columns, by row position, in a
// table of rows rows; nil when there are none.
type colStats struct {
	cols []engine.ColumnStats
	rows float64
}

// at returns the statistics of the column at row position col, if any.
func (st *colStats) at(col int) *engine.ColumnStats {
	if st == nil || col < 0 || col >= len(st.cols) || st.cols[col].T == nil {
		return nil
	}
	return &st.cols[col]
}

// column returns e's statistics when e is a column that has them.
func (st *colStats) column(e expr.Expr) *engine.ColumnStats {
	if c, ok := stripNoopCast(e).(*expr.ColRef); ok {
		return st.at(c.Idx)
	}
	return nil
}

// eqSel is the selectivity of column = value for a value not known at
// planning time: the non-NULL rows spread evenly over the distinct
// values, but no more than the most common value's share
// (var_eq_non_const).
func (st *colStats) eqSel(c *engine.ColumnStats) float64 {
	if c == nil {
		return defaultEqSel
	}
	sel := (1 - c.NullFrac) / max(c.Distinct(st.rows), 1)
	if len(c.MCVFreqs) > 0 && sel > c.MCVFreqs[0] {
		sel = c.MCVFreqs[0]
	}
	return sel
}

// eqColumn returns the statistics of the column compared for equality
// with a value in e (column = value, either way round), if any.
func (st *colStats) eqColumn(a, b expr.Expr) *engine.ColumnStats {
	if c := st.column(a); c != nil && isRowFree(b) {
		return c
	}
	if c := st.column(b); c != nil && isRowFree(a) {
		return c
	}
	return nil
}

// selectivity estimates the fraction of rows for which e is true. A nil
// predicate keeps every row.
func selectivity(e expr.Expr) float64 { return selectivityWith(e, nil) }

// selectivityWith is selectivity over a scan whose columns have
// statistics st (nil: none).
func selectivityWith(e expr.Expr, st *colStats) float64 {
	if e == nil {
		return 1
	}
	return clamp01(clauseSel(e, st))
}

func clauseSel(e expr.Expr, st *colStats) float64 {
	switch v := e.(type) {
	case *expr.And:
		return andSel(v.Args, st)
	case *expr.Or:
		if _, ok := asColPred(v); ok {
			// An IN list (equalities of one column): PostgreSQL's = ANY,
			// whose equalities are disjoint.
			sels := make([]float64, len(v.Args))
			for i, a := range v.Args {
				sels[i] = clamp01(clauseSel(a, st))
			}
			return arraySel(sels, true, true)
		}
		// P(a or b) = P(a) + P(b) - P(a)P(b), folded over the arguments.
		s := 0.0
		for _, a := range v.Args {
			x := clauseSel(a, st)
			s = s + x - s*x
		}
		return s
	case *expr.Not:
		return 1 - clauseSel(v.Arg, st)
	case *expr.IsNull:
		s := defaultUnkSel
		if c := st.column(v.Arg); c != nil {
			s = c.NullFrac
		}
		if v.Not {
			return 1 - s
		}
		return s
	case *expr.BoolTest:
		s := defaultBoolSel
		if v.Want == nil {
			s = defaultUnkSel
		}
		if v.Not {
			return 1 - s
		}
		return s
	case *expr.Distinct:
		eq := st.eqSel(st.eqColumn(v.A, v.B))
		if v.Not { // IS NOT DISTINCT FROM: an equality
			return eq
		}
		return 1 - eq
	case *expr.ScalarArrayOp:
		return scalarArraySel(v, st)
	case *expr.RowCompare:
		// As its first pair's range: close for the keys of a keyset
		// page, whose first column is most of what tells rows apart.
		return clauseSel(v.Lead, st)
	case *subqueryExpr:
		if v.hashable {
			return inSubquerySel(v, st)
		}
	case *expr.Const:
		if b, ok := v.V.(bool); ok {
			if b {
				return 1
			}
			return 0
		}
		if v.V == nil {
			return 0
		}
	case *expr.Func:
		if len(v.Args) == 2 && (v.Name == "~~" || v.Name == "!~~" || v.Name == "~~*" || v.Name == "!~~*") {
			if s, ok := st.likeSel(v.Args[0], v.Args[1], v.Name[len(v.Name)-1] == '*', v.Name[0] == '!'); ok {
				return s
			}
		}
		if len(v.Args) == 2 {
			if s, ok := st.constSel(v.Name, v.Args[0], v.Args[1]); ok {
				return s
			}
		}
		if len(v.Args) == 2 && (v.Name == "=" || v.Name == "<>") {
			if c := st.eqColumn(v.Args[0], v.Args[1]); c != nil {
				if v.Name == "=" {
					return st.eqSel(c)
				}
				return 1 - st.eqSel(c) - c.NullFrac // PostgreSQL's neqsel
			}
		}
		if s, ok := operatorSel(v.Name); ok && len(v.Args) == 2 {
			return s
		}
	case *expr.ColRef:
		return defaultBoolSel
	}
	// Any other boolean expression: PostgreSQL's default for a function
	// without a selectivity estimator.
	return defaultIneqSel
}

// andSel multiplies the conjuncts' selectivities, except that a lower
// and an upper bound on the same column count as one range, estimated as
// the rows below the upper bound less those below the lower one
// (PostgreSQL's clauselist_selectivity does the same; of two bounds on
// the same side it keeps the stricter). When either bound has no
// statistics behind it, the range gets the default for one.
func andSel(args []expr.Expr, st *colStats) float64 {
	s := 1.0
	type bounds struct {
		lo, hi       float64
		hasLo, hasHi bool
	}
	ranges := map[int]*bounds{} // by column
	var order []int
	for _, a := range args {
		col, lower, ok := rangeBound(a)
		if !ok {
			s *= clauseSel(a, st)
			continue
		}
		b := ranges[col]
		if b == nil {
			b = &bounds{}
			ranges[col] = b
			order = append(order, col)
		}
		x := clauseSel(a, st)
		if lower {
			if !b.hasLo || x < b.lo {
				b.lo, b.hasLo = x, true
			}
		} else if !b.hasHi || x < b.hi {
			b.hi, b.hasHi = x, true
		}
	}
	for _, col := range order {
		switch b := ranges[col]; {
		case b.hasLo && b.hasHi:
			s *= rangeSel(b.lo, b.hi, st.at(col))
		case b.hasLo:
			s *= b.lo
		default:
			s *= b.hi
		}
	}
	return s
}

// rangeSel combines the selectivities of a lower and an upper bound on
// column c (nil: no statistics).
func rangeSel(lo, hi float64, c *engine.ColumnStats) float64 {
	if lo == defaultIneqSel || hi == defaultIneqSel {
		return defaultRangeIneqSel
	}
	// Both bounds exclude the NULLs: add them back once.
	nulls := defaultUnkSel
	if c != nil {
		nulls = c.NullFrac
	}
	s := lo + hi - 1 + nulls
	switch {
	case s < -0.01:
		return defaultRangeIneqSel // the bounds disagree: no data to go by
	case s <= 0:
		return 1e-10 // an empty range, or round-off
	}
	return s
}

// rangeBound recognizes "column op value" with op one of < <= > >=
// (either way round), returning the column and whether the bound is a
// lower one.
func rangeBound(e expr.Expr) (col int, lower, ok bool) {
	f, isFunc := e.(*expr.Func)
	if !isFunc || len(f.Args) != 2 {
		return 0, false, false
	}
	var below bool // column < value
	switch f.Name {
	case "<", "<=":
		below = true
	case ">", ">=":
	default:
		return 0, false, false
	}
	l, r := stripNoopCast(f.Args[0]), stripNoopCast(f.Args[1])
	if c, isCol := l.(*expr.ColRef); isCol && isRowFree(f.Args[1]) {
		return c.Idx, !below, true
	}
	if c, isCol := r.(*expr.ColRef); isCol && isRowFree(f.Args[0]) {
		return c.Idx, below, true
	}
	return 0, false, false
}

// operatorSel is the default selectivity of a boolean operator by name.
func operatorSel(name string) (float64, bool) {
	switch name {
	case "=":
		return defaultEqSel, true
	case "<>":
		return 1 - defaultEqSel, true
	case "<", "<=", ">", ">=":
		return defaultIneqSel, true
	case "~~", "~~*", "~", "~*":
		return defaultMatchSel, true
	case "!~~", "!~~*", "!~", "!~*":
		return 1 - defaultMatchSel, true
	}
	return 0, false
}

// arrayElems returns the elements of an array written out (an IN list)
// or constant, or nil when they are not known at planning time.
func arrayElems(e expr.Expr) []expr.Expr {
	switch v := e.(type) {
	case *expr.ArrayExpr:
		if v.Multi {
			return nil // its elements are arrays
		}
		return v.Elems
	case *expr.Const:
		a, ok := v.V.(*types.Array)
		if !ok || v.T == nil || v.T.Elem == nil {
			return nil
		}
		out := make([]expr.Expr, len(a.Elems))
		for i, d := range a.Elems {
			out[i] = &expr.Const{T: v.T.Elem, V: d, Loc: -1}
		}
		return out
	}
	return nil
}

func clamp01(s float64) float64 {
	return min(max(s, 0), 1)
}
