package sql

import (
	"slices"

	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// Access paths: a predicate pushed down to a table scan is split into
// conjuncts; those that compare a key column with a value that does not
// depend on the row (a constant, a parameter, an outer row's column)
// narrow the index to key ranges, as do the ranges a LIKE's constant
// prefix implies (access_like.go). The primary key read whole and every
// index its conjuncts narrow are candidates (accessPath); the cheapest by
// estimated rows and cost per row wins (accesscost.go).

// colPred is "column op value" with value independent of the row.
// implied: the conjunct it came from implies it without being it (a row
// comparison's first pair, expr.RowCompare.Lead): a bound by it narrows
// the rows, and the conjunct is still tested on each.
type colPred struct {
	col     int
	op      string // =, <, <=, >, >=
	vals    []expr.Expr
	conj    int // the conjunct it came from
	implied bool
	// row: the later pairs of the row comparison it came from
	// (access_row.go), nil for other predicates.
	row *rowBound
	// like: a bound computed from a LIKE pattern known only when the
	// statement runs (access_like_param.go).
	like bool
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

// asColPred recognizes "column op value", either way round, IN lists
// (an OR of equalities on one column), column = ANY (array) and column
// IN (SELECT ...).
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
	case *expr.ScalarArrayOp:
		return arrayColPred(v)
	case *subqueryExpr:
		return subqueryColPred(v)
	case *expr.RowCompare:
		return rowColPred(v)
	}
	return colPred{}, false
}

// isRowFree reports whether e can be evaluated before the scan: it reads
// no column of the row and calls nothing volatile.
func isRowFree(e expr.Expr) bool { return !expr.UsesRow(e) && !expr.Volatile(e) }

// chooseAccess lists the ways to read the scan's rows from the
// conjuncts of its predicate (built over the scan's row) and takes the
// cheapest, assuming every row a secondary index finds must be read
// (narrowing reconsiders when the query turns out to need only what the
// index holds). A path's boundConj are the conjuncts its bounds enforce:
// the key ranges hold exactly the rows that satisfy them (the bound
// values are encoded in their own types, see boundType), so the scan
// need not test them again per row.
func (n *scanNode) chooseAccess(conj []expr.Expr, tableRows float64) {
	var preds []colPred
	for i, c := range conj {
		if p, ok := asColPred(c); ok {
			p.conj = i
			preds = append(preds, p)
		}
		for _, p := range likeColPreds(c) {
			p.conj = i
			preds = append(preds, p)
		}
	}
	n.conj = conj
	n.paths = append(n.paths[:0], accessPath{rows: tableRows, seeks: 1})
	for i := range n.layout.Indexes {
		if !n.indexUsable(i) {
			continue // a partial index the conjuncts do not imply
		}
		if p, ok := n.boundedPath(i, conj, preds, tableRows); ok {
			n.paths = append(n.paths, p)
		} else if p, ok := n.partialPath(i, tableRows); ok {
			n.paths = append(n.paths, p)
		}
	}
	n.usePath(n.cheapest(nil))
}

// boundedPath is the path through index i narrowed by the predicates
// on its leading columns: equalities as far as they go, then a range on
// the next column. ok is false if no predicate narrows it.
func (n *scanNode) boundedPath(i int, conj []expr.Expr, preds []colPred, tableRows float64) (accessPath, bool) {
	ix := &n.layout.Indexes[i]
	b := &indexBounds{}
	// used are the conjuncts the bounds enforce; narrowing, those that
	// narrow them, with those that only imply a bound (colPred.implied),
	// each once (a LIKE implies both ends of its range).
	var used, narrowing []int
	narrow := func(p *colPred) {
		if !slices.Contains(narrowing, p.conj) {
			narrowing = append(narrowing, p.conj)
		}
		if !p.implied {
			used = append(used, p.conj)
		}
	}
	seeks, unique := 1.0, 0.0
	for k, col := range ix.Cols {
		var eq *colPred
		for j := range preds {
			if preds[j].col == col && preds[j].op == "=" {
				if eq == nil || boundValues(preds[j].vals) < boundValues(eq.vals) {
					eq = &preds[j]
				}
			}
		}
		if eq != nil {
			b.eq = append(b.eq, eq.vals)
			narrow(eq)
			seeks *= boundValues(eq.vals)
			if k == len(ix.Cols)-1 && ix.Unique {
				unique = seeks
			}
			continue
		}
		// A range on the column: by the conjuncts that are one first,
		// then by those that only imply one.
		for _, implied := range []bool{false, true} {
			for j := range preds {
				p := &preds[j]
				if p.col != col || len(p.vals) != 1 || p.implied != implied {
					continue
				}
				switch {
				case (p.op == ">" || p.op == ">=") && b.lo == nil:
					b.lo, b.loIncl, b.loLike = p.vals[0], p.op == ">=", p.like
					if p.row != nil {
						b.loRow, b.loIncl = p.row.extend(ix, k, b.loIncl)
					}
				case (p.op == "<" || p.op == "<=") && b.hi == nil:
					b.hi, b.hiIncl, b.hiLike = p.vals[0], p.op == "<=", p.like
					if p.row != nil {
						b.hiRow, b.hiIncl = p.row.extend(ix, k, b.hiIncl)
					}
				default:
					continue
				}
				narrow(p)
			}
		}
		break
	}
	if len(narrowing) == 0 {
		return accessPath{}, false
	}
	rows := unique
	if unique == 0 {
		// The rows the bounds keep, as the same conditions would keep
		// in a filter (a closed range counts as one condition).
		rows = tableRows * selectivityWith(andOf(conjuncts(conj, narrowing)), n.stats)
	}
	// Bounds to a value known only when the statement runs (a
	// parameter, an outer row's column, now()) get a selectivity that
	// says nothing about the value they will have (a default, or an
	// equality's average over the column's values, when the value
	// asked for is often a rare one): such a path is not given up for
	// a full read or another index's order.
	vague := (b.lo != nil && !isConst(b.lo)) || (b.hi != nil && !isConst(b.hi))
	for _, v := range append(b.loRow[:len(b.loRow):len(b.loRow)], b.hiRow...) {
		vague = vague || !isConst(v)
	}
	for _, alts := range b.eq {
		for _, v := range alts {
			if lb, ok := v.(*listBound); ok && lb.sub != nil {
				continue // its count is the subquery's estimate
			}
			vague = vague || !isConst(v)
		}
	}
	return accessPath{index: i, bounds: b, boundConj: used, narrowConj: narrowing, rows: max(rows, 1), seeks: min(seeks, maxSpans), vague: vague}, true
}

// isConst reports whether e is a constant, or a constant cast (f > 0 on
// a float8 column compares with 0::float8): known when planning.
func isConst(e expr.Expr) bool {
	e = stripNoopCast(e)
	if c, ok := e.(*expr.Cast); ok {
		e = stripNoopCast(c.Arg)
	}
	_, ok := e.(*expr.Const)
	return ok
}

// conjuncts returns the conjuncts at the positions idx.
func conjuncts(conj []expr.Expr, idx []int) []expr.Expr {
	out := make([]expr.Expr, len(idx))
	for i, j := range idx {
		out[i] = conj[j]
	}
	return out
}
