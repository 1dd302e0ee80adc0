package sql

import (
	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// arrayColPred recognizes column = ANY (array) with an array known
// before the scan (a literal, a parameter, an uncorrelated subquery's
// ARRAY): an IN list. The elements of a literal array become the list;
// any other array is one listBound, expanded when the scan starts.
func arrayColPred(v *expr.ScalarArrayOp) (colPred, bool) {
	c, ok := stripNoopCast(v.Left).(*expr.ColRef)
	elem := stripNoopCast(v.Elem)
	if !ok || !v.Any || v.Op != "=" || !v.IsElem(elem) || !isRowFree(v.Array) || !keyenc.SameEncoding(c.T, elem.Type()) {
		return colPred{}, false
	}
	if elems := arrayElems(v.Array); elems != nil {
		return colPred{col: c.Idx, op: "=", vals: elems}, true
	}
	return colPred{col: c.Idx, op: "=", vals: []expr.Expr{&listBound{arr: v.Array, elem: elem.Type(), est: arrayGuess}}}, true
}

// subqueryColPred recognizes column IN (SELECT ...) with an
// uncorrelated subquery: an IN list of the subquery's values, run when
// the scan starts. A subquery expected to return more values than a scan
// seeks is left to the filter, which probes a hash set of them.
func subqueryColPred(s *subqueryExpr) (colPred, bool) {
	if !s.hashable || s.kind != subAny || s.vals != nil {
		return colPred{}, false
	}
	c, ok := stripNoopCast(s.left).(*expr.ColRef)
	if !ok || !keyenc.SameEncoding(c.T, s.val.T) {
		return colPred{}, false
	}
	est := estimateOf(s.plan)
	if est > maxSpans {
		return colPred{}, false
	}
	return colPred{col: c.Idx, op: "=", vals: []expr.Expr{&listBound{sub: s, elem: s.val.T, est: est}}}, true
}

// listBound stands in an index bound's list of values for values known
// only when the scan starts: the elements of an array (column = ANY
// ($1)) or the values of an uncorrelated subquery (column IN (SELECT
// ...)). est is how many values the planner expects.
type listBound struct {
	arr  expr.Expr
	sub  *subqueryExpr
	elem *types.T
	est  float64
}

func (b *listBound) Type() *types.T { return b.elem }

// Eval is not how a list is read (values is): a list is not a value.
func (b *listBound) Eval(*expr.Context) (types.Datum, error) {
	return nil, pgerror.New(pgcode.Internal, "an index bound's list was evaluated as a value")
}

// Children lets walks over the bounds reach the array's expression.
func (b *listBound) Children() []expr.Expr {
	if b.arr != nil {
		return []expr.Expr{b.arr}
	}
	return nil
}

// values evaluates the list: the array's elements, or the subquery's
// values (run once per execution, as the filter's hash set would be).
// NULLs are kept; the caller skips them.
func (b *listBound) values(x *execCtx) ([]types.Datum, error) {
	if b.sub != nil {
		old := x.ec.Row
		x.ec.Row = nil
		r, err := b.sub.cached(x, x.ec)
		x.ec.Row = old
		if err != nil {
			return nil, evalError(x.ctx, err)
		}
		return r.rows, nil
	}
	v, err := x.eval(b.arr, nil)
	if err != nil || v == nil {
		return nil, err
	}
	return v.(*types.Array).Elems, nil
}

// listSubqueries marks the subqueries whose values the chosen path's
// bounds list (their cached result then keeps them as a list besides
// the hash set), and unmarks those only other paths list.
func (n *scanNode) listSubqueries() {
	mark := func(b *indexBounds, listed bool) {
		if b == nil {
			return
		}
		for _, alts := range b.eq {
			for _, e := range alts {
				if lb, ok := e.(*listBound); ok && lb.sub != nil {
					lb.sub.listed = listed
				}
			}
		}
	}
	for i := range n.paths {
		mark(n.paths[i].bounds, false)
	}
	mark(n.bounds, true)
}

// boundValues is how many values a bound's list is expected to hold.
func boundValues(alts []expr.Expr) float64 {
	n := 0.0
	for _, e := range alts {
		if b, ok := e.(*listBound); ok {
			n += b.est
		} else {
			n++
		}
	}
	return n
}

// oneValue reports whether a bound's list is a single value.
func oneValue(alts []expr.Expr) bool {
	if len(alts) != 1 {
		return false
	}
	_, isList := alts[0].(*listBound)
	return !isList
}

// appendBoundValues evaluates one entry of a bound's list, a value or a
// listBound's values, and appends them to dst.
func appendBoundValues(dst []types.Datum, x *execCtx, e expr.Expr) ([]types.Datum, error) {
	if b, ok := e.(*listBound); ok {
		vs, err := b.values(x)
		return append(dst, vs...), err
	}
	v, err := x.eval(e, nil)
	return append(dst, v), err
}
