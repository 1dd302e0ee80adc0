package sql

import (
	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// arrayColPred recognizes column = ANY (array) with an array known
// before the scan (a literal, a parameter, an uncorrelated subquery's
// ARRAY): an IN list. The elements of a literal array become the list;
// any other array is one arrayBound, expanded when the scan starts.
func arrayColPred(v *expr.ScalarArrayOp) (colPred, bool) {
	c, ok := stripNoopCast(v.Left).(*expr.ColRef)
	elem := stripNoopCast(v.Elem)
	if !ok || !v.Any || v.Op != "=" || !v.IsElem(elem) || !isRowFree(v.Array) || !keyenc.SameEncoding(c.T, elem.Type()) {
		return colPred{}, false
	}
	if elems := arrayElems(v.Array); elems != nil {
		return colPred{col: c.Idx, op: "=", vals: elems}, true
	}
	return colPred{col: c.Idx, op: "=", vals: []expr.Expr{&arrayBound{arr: v.Array, elem: elem.Type()}}}, true
}

// arrayBound stands in an index bound's list of values for the
// elements of an array evaluated when the scan starts (column = ANY
// ($1)): a list whose length is known only then. Its Eval gives the
// array; indexBounds.spans takes its elements.
type arrayBound struct {
	arr  expr.Expr
	elem *types.T
}

func (a *arrayBound) Type() *types.T { return a.elem }

func (a *arrayBound) Eval(ctx *expr.Context) (types.Datum, error) { return a.arr.Eval(ctx) }

// Children lets walks over the bounds reach the array's expression.
func (a *arrayBound) Children() []expr.Expr { return []expr.Expr{a.arr} }

// boundValues is how many values a bound's list holds, counting an
// array as arrayGuess.
func boundValues(alts []expr.Expr) float64 {
	n := 0.0
	for _, e := range alts {
		if _, ok := e.(*arrayBound); ok {
			n += arrayGuess
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
	_, isArray := alts[0].(*arrayBound)
	return !isArray
}

// boundElems is the values a bound's value v stands for: the elements
// of an arrayBound's array, else v itself.
func boundElems(e expr.Expr, v types.Datum) []types.Datum {
	if _, ok := e.(*arrayBound); ok && v != nil {
		return v.(*types.Array).Elems
	}
	return []types.Datum{v}
}
