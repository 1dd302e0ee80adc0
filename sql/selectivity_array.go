package sql

import (
	"math"

	"github.com/stela-db/stela/sql/expr"
)

// arrayGuess is how many elements an array not known when planning is
// taken to have (PostgreSQL's estimate_array_length guess).
const arrayGuess = 10

// scalarArraySel is the selectivity of x op ANY (array) and x op ALL
// (array) (scalararraysel): each element's comparison is estimated as
// the operator with that element would be, and the results combined by
// arraySel. An array not known when planning counts as arrayGuess
// elements of an unknown value, never summed as disjoint.
func scalarArraySel(v *expr.ScalarArrayOp, st *colStats) float64 {
	elemSel := func(e expr.Expr) float64 {
		return clamp01(clauseSel(&expr.Func{Name: v.Op, Args: []expr.Expr{v.Left, e}}, st))
	}
	elems := arrayElems(v.Array)
	if elems == nil {
		// The array stands for its unknown elements: row-free or not as
		// they are, and never a constant.
		return sameSel(elemSel(v.Array), arrayGuess, v.Any, false)
	}
	sels := make([]float64, len(elems))
	for i, e := range elems {
		sels[i] = elemSel(e)
	}
	return arraySel(sels, v.Any, (v.Any && v.Op == "=") || (!v.Any && v.Op == "<>"))
}

// arraySel combines the selectivities of an array comparison's
// elements as independent events: ANY as at least one of them, ALL as
// every one. With disjoint (= ANY's equalities, <> ALL's inequalities)
// they are instead summed as exclusive events while that stays a
// probability, as PostgreSQL does.
func arraySel(sels []float64, anyOf, disjoint bool) float64 {
	s, d := 1.0, 1.0
	if anyOf {
		s, d = 0, 0
	}
	for _, x := range sels {
		if anyOf {
			s = s + x - s*x
			d += x
		} else {
			s *= x
			d += x - 1
		}
	}
	if disjoint && d >= 0 && d <= 1 {
		return d
	}
	return s
}

// inSubquerySel is the selectivity of x IN (SELECT ...) for an
// uncorrelated subquery: an IN list of as many values as the subquery
// is expected to return, each an equality with an unknown value.
func inSubquerySel(s *subqueryExpr, st *colStats) float64 {
	return sameSel(st.eqSel(st.column(s.left)), estimateOf(s.plan), true, true)
}

// sameSel is arraySel for n elements (n need not be whole) of the same
// selectivity s.
func sameSel(s, n float64, anyOf, disjoint bool) float64 {
	if anyOf {
		if d := n * s; disjoint && d <= 1 {
			return d
		}
		return 1 - math.Pow(1-s, n)
	}
	if d := 1 + n*(s-1); disjoint && d >= 0 {
		return d
	}
	return math.Pow(s, n)
}
