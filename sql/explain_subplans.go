package sql

import (
	"strconv"

	"github.com/stela-db/stela/sql/expr"
)

// Subqueries in EXPLAIN. Each subquery that a node's own expressions
// run is printed under that node with its plan, as PostgreSQL prints its
// subplans:
//
//   - an uncorrelated scalar, EXISTS or ARRAY(...) subquery runs once per
//     execution (its result cached): "InitPlan N (returns $K)", before
//     the node's inputs; expressions name it $K;
//   - an uncorrelated IN (SELECT ...) probing a hash set: "SubPlan N"
//     after the inputs, named "(hashed SubPlan N)";
//   - any other (correlated, or an ANY or ALL comparing each row):
//     "SubPlan N" after the inputs, named "(SubPlan N)".
//
// N counts the subqueries in the order EXPLAIN first meets them; K counts
// the InitPlans' results from 0.

// explainer prints a plan for EXPLAIN and numbers its subqueries.
type explainer struct {
	verbose bool
	ids     map[*subqueryExpr]int
	params  map[*subqueryExpr]int
	// analyzed are EXPLAIN ANALYZE's instrumented subquery plans, printed
	// in place of the plans (instrumentSubqueries).
	analyzed map[*subqueryExpr]planNode
	// ctes are data-modifying WITH queries to print among the details
	// of the next node printed (explainer.node).
	ctes []*cte
}

// planOf is the plan printed for a subquery.
func (ex *explainer) planOf(s *subqueryExpr) planNode {
	if p, ok := ex.analyzed[s]; ok {
		return p
	}
	return s.plan
}

func newExplainer(verbose bool) *explainer {
	return &explainer{verbose: verbose, ids: map[*subqueryExpr]int{}, params: map[*subqueryExpr]int{}}
}

// initPlan reports whether a subquery is an InitPlan: run once per
// execution for a value (a scalar, EXISTS, ARRAY(...)). An uncorrelated
// ANY or ALL is cached too, but compares its left operand with each row,
// so it stays a SubPlan, as in PostgreSQL.
func (ex *explainer) initPlan(s *subqueryExpr) bool {
	return !s.correlated && (s.kind == subScalar || s.kind == subExists || s.kind == subArray)
}

// id returns a subquery's number, giving it the next one the first time.
func (ex *explainer) id(s *subqueryExpr) int {
	n, ok := ex.ids[s]
	if !ok {
		n = len(ex.ids) + 1
		ex.ids[s] = n
		if ex.initPlan(s) {
			ex.params[s] = len(ex.params)
		}
	}
	return n
}

// ref is how an expression names a subquery.
func (ex *explainer) ref(s *subqueryExpr) string {
	if ex == nil {
		return "(SubPlan)"
	}
	n := strconv.Itoa(ex.id(s))
	switch {
	case ex.initPlan(s):
		return "$" + strconv.Itoa(ex.params[s])
	case s.hashable:
		return "(hashed SubPlan " + n + ")"
	}
	return "(SubPlan " + n + ")"
}

// label is the line a subquery's plan is printed under.
func (ex *explainer) label(s *subqueryExpr) string {
	n := strconv.Itoa(ex.id(s))
	if ex.initPlan(s) {
		return "InitPlan " + n + " (returns $" + strconv.Itoa(ex.params[s]) + ")"
	}
	return "SubPlan " + n
}

// nodeExprs lists the expressions a node evaluates itself (not its
// inputs').
func nodeExprs(n planNode) []expr.Expr {
	switch v := n.(type) {
	case *analyzeNode:
		return nodeExprs(v.inner)
	case *scanNode:
		// In the order EXPLAIN prints them: Index Cond, then Filter.
		var es []expr.Expr
		if b := v.bounds; b != nil {
			for _, alts := range b.eq {
				es = append(es, alts...)
			}
			es = append(append(append(es, b.lo), b.loRow...), b.hi)
			es = append(es, b.hiRow...)
		}
		return append(es, v.filter)
	case *seriesNode:
		return []expr.Expr{v.start, v.stop, v.step}
	case *exprSetNode:
		return v.args
	case *recordFuncNode:
		return []expr.Expr{v.arg}
	case *windowNode:
		var es []expr.Expr
		for _, f := range v.funcs {
			es = append(append(append(append(es, f.args...), f.filter), f.partition...), f.order...)
		}
		return es
	case *filterNode:
		return []expr.Expr{v.pred}
	case *projectNode:
		return v.exprs
	case *aggNode:
		es := append([]expr.Expr(nil), v.groups...)
		for _, a := range v.aggs {
			es = append(append(append(append(es, a.args...), a.filter), a.order...), a.direct...)
		}
		return es
	case *joinNode:
		return append(append(append([]expr.Expr(nil), v.leftKeys...), v.rightKeys...), v.cond)
	case *adaptiveJoinNode:
		return nodeExprs(v.hash)
	case *lookupJoinNode:
		return append(append([]expr.Expr(nil), v.leftKeys...), v.cond)
	case *applyJoinNode:
		return []expr.Expr{v.cond}
	case *limitNode:
		return []expr.Expr{v.limit, v.offset}
	case *valuesNode:
		var es []expr.Expr
		for _, r := range v.rows {
			es = append(es, r...)
		}
		return es
	}
	return nil
}

// subqueriesOf returns the subqueries in es, in order, each once; not
// those inside a subquery's own plan, which its node lists.
func subqueriesOf(es []expr.Expr) []*subqueryExpr {
	var out []*subqueryExpr
	seen := map[*subqueryExpr]bool{}
	add := func(s *subqueryExpr) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, e := range es {
		expr.Walk(e, func(x expr.Expr) bool {
			switch v := x.(type) {
			case *subqueryExpr:
				add(v)
			case *listBound:
				if v.sub != nil {
					add(v.sub)
				}
			}
			return true
		})
	}
	return out
}
