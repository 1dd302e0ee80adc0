package sql

import (
	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// Access paths: a predicate pushed down to a table scan is split into
// conjuncts; those that compare a key column with a value that does not
// depend on the row (a constant, a parameter, an outer row's column)
// narrow the index to key ranges. The primary key and every secondary
// index are candidates; the one that pins the most leading columns
// wins, the primary key on ties (it needs no second read per row).

// colPred is "column op value" with value independent of the row.
type colPred struct {
	col  int
	op   string // =, <, <=, >, >=
	vals []expr.Expr
	conj int // the conjunct it came from
}

var flipOp = map[string]string{"=": "=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}

// splitAnd flattens a predicate's AND tree into conjuncts.
func splitAnd(e expr.Expr, out []expr.Expr) []expr.Expr {
	if a, ok := e.(*expr.And); ok {
		for _, x := range a.Args {
			out = splitAnd(x, out)
		}
		return out
	}
	return append(out, e)
}

// andOf combines conjuncts (nil for none).
func andOf(conj []expr.Expr) expr.Expr {
	switch len(conj) {
	case 0:
		return nil
	case 1:
		return conj[0]
	}
	return &expr.And{Args: conj}
}

// stripNoopCast looks through a cast between types that share a key
// encoding and keep every value (int4 to int8, varchar to text): the
// column's own value then seeks in its index.
func stripNoopCast(e expr.Expr) expr.Expr {
	for {
		c, ok := e.(*expr.Cast)
		if !ok || !keyenc.SameEncoding(c.Arg.Type(), c.T) || !widening(c.Arg.Type(), c.T) {
			return e
		}
		e = c.Arg
	}
}

// widening reports whether a cast from one type to another keeps every
// value unchanged.
func widening(from, to *types.T) bool {
	switch {
	case from.Family == types.IntFamily && to.Family == types.IntFamily:
		return from.Len <= to.Len
	case from.Family == types.StringFamily && to.Family == types.StringFamily:
		return to.Typmod < 0
	}
	return from.Oid == to.Oid
}

// asColPred recognizes "column op value", either way round, and IN lists
// (an OR of equalities on one column).
func asColPred(e expr.Expr) (colPred, bool) {
	switch v := e.(type) {
	case *expr.Func:
		op, ok := flipOp[v.Name]
		if !ok || len(v.Args) != 2 {
			return colPred{}, false
		}
		l, r := stripNoopCast(v.Args[0]), stripNoopCast(v.Args[1])
		if c, ok := l.(*expr.ColRef); ok && isRowFree(v.Args[1]) && keyenc.SameEncoding(c.T, v.Args[1].Type()) {
			return colPred{col: c.Idx, op: v.Name, vals: []expr.Expr{v.Args[1]}}, true
		}
		if c, ok := r.(*expr.ColRef); ok && isRowFree(v.Args[0]) && keyenc.SameEncoding(c.T, v.Args[0].Type()) {
			return colPred{col: c.Idx, op: op, vals: []expr.Expr{v.Args[0]}}, true
		}
	case *expr.Or:
		var out colPred
		for i, a := range v.Args {
			p, ok := asColPred(a)
			if !ok || p.op != "=" || (i > 0 && p.col != out.col) {
				return colPred{}, false
			}
			out.col, out.op = p.col, "="
			out.vals = append(out.vals, p.vals...)
		}
		return out, len(v.Args) > 0
	}
	return colPred{}, false
}

// isRowFree reports whether e can be evaluated before the scan: it reads
// no column of the row and calls nothing volatile.
func isRowFree(e expr.Expr) bool { return !expr.UsesRow(e) && !expr.Volatile(e) }

// chooseAccess picks the index and bounds of a scan from the conjuncts
// of its predicate (built over the scan's row), and notes in boundConj
// the conjuncts the bounds enforce: the key ranges hold exactly the rows
// that satisfy them (the bound values are encoded in their own types,
// see boundType), so the scan need not test them again per row.
func (n *scanNode) chooseAccess(conj []expr.Expr, tableRows float64) {
	var preds []colPred
	for i, c := range conj {
		if p, ok := asColPred(c); ok {
			p.conj = i
			preds = append(preds, p)
		}
	}
	n.index, n.bounds, n.est, n.boundConj = 0, nil, tableRows, nil
	bestScore := 0
	uniqueRows := 0.0 // rows of the best index's bounds, when unique and fully bound by equalities
	for i := range n.layout.Indexes {
		ix := &n.layout.Indexes[i]
		b := &indexBounds{}
		var used []int
		score := 0
		unique := 0.0
		for k, col := range ix.Cols {
			var eq *colPred
			for j := range preds {
				if preds[j].col == col && preds[j].op == "=" {
					if eq == nil || len(preds[j].vals) < len(eq.vals) {
						eq = &preds[j]
					}
				}
			}
			if eq != nil {
				b.eq = append(b.eq, eq.vals)
				used = append(used, eq.conj)
				score += 10
				if k == len(ix.Cols)-1 && ix.Unique {
					unique = float64(len(eq.vals))
				}
				continue
			}
			for j := range preds {
				p := &preds[j]
				if p.col != col || len(p.vals) != 1 {
					continue
				}
				switch p.op {
				case ">", ">=":
					if b.lo == nil {
						b.lo, b.loIncl = p.vals[0], p.op == ">="
						used = append(used, p.conj)
						score += 3
					}
				case "<", "<=":
					if b.hi == nil {
						b.hi, b.hiIncl = p.vals[0], p.op == "<="
						used = append(used, p.conj)
						score += 3
					}
				}
			}
			break
		}
		if score == 0 {
			continue
		}
		if i > 0 {
			score-- // a secondary index costs a second read per row
		}
		if score > bestScore {
			bestScore, n.index, n.bounds, n.boundConj, uniqueRows = score, i, b, used, unique
		}
	}
	switch {
	case uniqueRows > 0:
		n.est = uniqueRows
	case n.bounds != nil:
		// The rows the bounds keep, as the same conditions would keep
		// in a filter (a closed range counts as one condition).
		bound := make([]expr.Expr, len(n.boundConj))
		for k, c := range n.boundConj {
			bound[k] = conj[c]
		}
		n.est = tableRows * selectivityWith(andOf(bound), n.stats)
	}
	n.est = max(n.est, 1)
}
