package sql

import (
	"bytes"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// A partial index holds the rows its predicate is true of, so a scan may
// read it only when every row the query wants is one of those: when the
// query's WHERE implies the predicate. PostgreSQL's predtest.c proves
// more (operator classes, OR trees, parameters of custom plans); this
// test is conservative, and when it cannot prove the implication the
// index is not read:
//
//   - each conjunct of the predicate must be one of the query's
//     conjuncts (the same expression over the same columns, a comparison
//     possibly written the other way round), or
//   - compare a column with constants, and be proved by a conjunct that
//     compares it with constants too (index_implied_range.go), or
//   - be col IS NOT NULL where a conjunct of the query is strict in col
//     (a = 5, a > b + 1, a IN (...)): NULL there makes it NULL, not true.

// notePartialIndexes records which of the scan's partial indexes its
// conjuncts imply (n.implied); the others no access path may read.
func (pl *planner) notePartialIndexes(n *scanNode, conj []expr.Expr) {
	n.implied = nil
	if len(conj) == 0 {
		return
	}
	for i, ix := range n.desc.Table.AllIndexes() {
		if ix.Predicate == "" || i >= len(n.layout.Indexes) || n.layout.Indexes[i].ID != ix.ID {
			continue
		}
		pred, _, err := buildIndexPredicate(pl.s, pl.txn, n.desc, ix)
		if err != nil || !predicateImplied(pred, conj) {
			continue // unreadable here; never wrong
		}
		if n.implied == nil {
			n.implied = make([]expr.Expr, len(n.layout.Indexes))
		}
		n.implied[i] = pred
	}
}

// indexUsable reports whether the scan may read index i: any index but
// a partial one its conjuncts do not imply.
func (n *scanNode) indexUsable(i int) bool {
	if !n.layout.Indexes[i].Partial {
		return true
	}
	return i < len(n.implied) && n.implied[i] != nil
}

// partialPath is the path that reads the whole of partial index i, when
// no conjunct narrows it: its entries are the rows that satisfy its
// predicate, fewer than the table's.
func (n *scanNode) partialPath(i int, tableRows float64) (accessPath, bool) {
	if i == 0 || !n.layout.Indexes[i].Partial || !n.indexUsable(i) {
		return accessPath{}, false
	}
	rows := tableRows * selectivityWith(n.implied[i], n.stats)
	return accessPath{index: i, rows: max(rows, 1), seeks: 1}, true
}

// predicateImplied reports whether the conjuncts conj imply pred (as
// far as this conservative test can tell).
func predicateImplied(pred expr.Expr, conj []expr.Expr) bool {
	for _, p := range splitAnd(pred, nil) {
		if !conjunctImplied(p, conj) {
			return false
		}
	}
	return true
}

// conjunctImplied reports whether one of conj implies p.
func conjunctImplied(p expr.Expr, conj []expr.Expr) bool {
	for _, q := range conj {
		if sameExpr(p, q) {
			return true
		}
	}
	if pc, ok := asConstCmp(p); ok {
		for _, q := range conj {
			if qc, ok := asConstCmp(q); ok && cmpImplies(qc, pc) {
				return true
			}
		}
	}
	if in, ok := p.(*expr.IsNull); ok && in.Not {
		if c, ok := stripNoopCast(in.Arg).(*expr.ColRef); ok {
			for _, q := range conj {
				if strictIn(q, c.Idx) {
					return true
				}
			}
		}
	}
	return false
}

// strictIn reports whether e is NULL (or false, never true) whenever
// column col is NULL: col itself, or a strict call or cast with such an
// argument, an OR of such alternatives, col op ANY (array).
func strictIn(e expr.Expr, col int) bool {
	switch v := e.(type) {
	case *expr.ColRef:
		return v.Idx == col
	case *expr.Cast:
		return strictIn(v.Arg, col)
	case *expr.Func:
		if !v.Strict {
			return false
		}
		for _, a := range v.Args {
			if strictIn(a, col) {
				return true
			}
		}
	case *expr.Or:
		for _, a := range v.Args {
			if !strictIn(a, col) {
				return false
			}
		}
		return len(v.Args) > 0
	case *expr.ScalarArrayOp:
		// NULL op ANY (array) is NULL, or false for an empty array;
		// NULL op ALL (empty array) is true.
		return v.Any && strictIn(v.Left, col)
	}
	return false
}

// sameExpr reports whether two expressions over the same row are the
// same computation: the same columns, constants, operators, functions
// and casts (to domains too), with a comparison's operands possibly swapped. Shapes it
// does not know are never the same.
func sameExpr(a, b expr.Expr) bool {
	switch x := a.(type) {
	case *expr.ColRef:
		y, ok := b.(*expr.ColRef)
		return ok && x.Idx == y.Idx && x.T.Equal(y.T)
	case *expr.Const:
		y, ok := b.(*expr.Const)
		if !ok || !x.T.Equal(y.T) || (x.V == nil) != (y.V == nil) {
			return false
		}
		return x.V == nil || sameValue(x.T, x.V, y.V)
	case *expr.Cast:
		y, ok := b.(*expr.Cast)
		return ok && x.T.Equal(y.T) && sameExpr(x.Arg, y.Arg)
	case *expr.DomainCoerce:
		// The same domain's checks: the checker is built from the
		// domain, so the domain decides it (a domain's type has its
		// base type's Oid: Equal alone would take dlo for dhi).
		y, ok := b.(*expr.DomainCoerce)
		return ok && x.T.Domain != nil && y.T.Domain != nil && x.T.Domain.Oid == y.T.Domain.Oid &&
			x.T.Equal(y.T) && sameExpr(x.Arg, y.Arg)
	case *expr.IsNull:
		y, ok := b.(*expr.IsNull)
		return ok && x.Not == y.Not && sameExpr(x.Arg, y.Arg)
	case *expr.BoolTest:
		y, ok := b.(*expr.BoolTest)
		return ok && x.Not == y.Not && (x.Want == nil) == (y.Want == nil) &&
			(x.Want == nil || *x.Want == *y.Want) && sameExpr(x.Arg, y.Arg)
	case *expr.Not:
		y, ok := b.(*expr.Not)
		return ok && sameExpr(x.Arg, y.Arg)
	case *expr.And:
		y, ok := b.(*expr.And)
		return ok && sameExprs(x.Args, y.Args)
	case *expr.Or:
		y, ok := b.(*expr.Or)
		return ok && sameExprs(x.Args, y.Args)
	case *expr.Func:
		y, ok := b.(*expr.Func)
		if !ok || x.UserFunc != y.UserFunc || !x.Result.Equal(y.Result) || len(x.Args) != len(y.Args) {
			return false
		}
		if x.UserFunc != 0 {
			// A user function's call is the same function's (by id,
			// never by name: a name on another search path may be
			// another function's). Its calls are marked volatile so
			// that none is folded; one an expression index stores is
			// immutable (CREATE INDEX checks).
			return sameExprs(x.Args, y.Args)
		}
		if x.Volatile || y.Volatile {
			return false
		}
		if x.Name == y.Name && sameExprs(x.Args, y.Args) {
			return true
		}
		// a < b is b > a.
		flipped, cmp := flipOp[x.Name]
		return cmp && len(x.Args) == 2 && y.Name == flipped &&
			sameExpr(x.Args[0], y.Args[1]) && sameExpr(x.Args[1], y.Args[0])
	}
	return false
}

// sameExprs is sameExpr of each pair.
func sameExprs(a, b []expr.Expr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameExpr(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameValue reports whether two values of type t are the same value, not
// merely equal: numeric 1.0 and 1.00, or interval '1 mon' and '30 days',
// compare equal yet compute differently ((n * 1.0)::text), so they are
// compared by their binary form (their text where there is none).
func sameValue(t *types.T, a, b types.Datum) bool {
	ba, errA := t.AppendBinary(nil, a)
	bb, errB := t.AppendBinary(nil, b)
	if errA == nil && errB == nil {
		return bytes.Equal(ba, bb)
	}
	return string(t.AppendText(nil, a, nil)) == string(t.AppendText(nil, b, nil))
}
