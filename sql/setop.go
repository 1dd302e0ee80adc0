package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// planSetOp plans UNION, INTERSECT and EXCEPT: both sides' columns are
// coerced to common types (named after the left side's), then combined
// by hashing rows.
func (pl *planner) planSetOp(n *pg_query.SelectStmt, outer *scope, lv *level) (planNode, error) {
	// Each branch is a query level of its own (its tables are not
	// visible to the ORDER BY of the whole), whose output keeps its
	// untyped literals untyped: the set operation resolves them, as
	// PostgreSQL does (SELECT NULL UNION SELECT 1 is integer).
	for _, branch := range []*pg_query.SelectStmt{n.Larg, n.Rarg} {
		if len(branch.LockingClause) > 0 {
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s is not allowed with UNION/INTERSECT/EXCEPT", lockClauseName(branch.LockingClause[0].GetLockingClause().Strength))
		}
	}
	pl.keepUnknown = true
	left, err := pl.planQuery(n.Larg, outer, &level{parent: lv})
	if err != nil {
		return nil, err
	}
	pl.keepUnknown = true
	right, err := pl.planQuery(n.Rarg, outer, &level{parent: lv})
	if err != nil {
		return nil, err
	}
	what := map[pg_query.SetOperation]string{
		pg_query.SetOperation_SETOP_UNION:     "UNION",
		pg_query.SetOperation_SETOP_INTERSECT: "INTERSECT",
		pg_query.SetOperation_SETOP_EXCEPT:    "EXCEPT",
	}[n.Op]
	lc, rc := left.cols(), right.cols()
	if len(lc) != len(rc) {
		return nil, pgerror.Newf(pgcode.Syntax, "each %s query must have the same number of columns", what)
	}
	b := pl.builder(nil, what)
	lp := &projectNode{input: left}
	rp := &projectNode{input: right}
	cast := false
	var cols []column
	for i := range lc {
		l := expr.Expr(&expr.ColRef{Idx: i, T: lc[i].typ, Name: lc[i].name})
		r := expr.Expr(&expr.ColRef{Idx: i, T: rc[i].typ, Name: rc[i].name})
		out, t, err := b.CommonType([]expr.Expr{l, r}, []int32{-1, -1}, what)
		if err != nil {
			return nil, err
		}
		if out[0] != l || out[1] != r {
			cast = true
		}
		lp.exprs, rp.exprs = append(lp.exprs, out[0]), append(rp.exprs, out[1])
		c := column{name: lc[i].name, typ: t}
		cols = append(cols, c)
	}
	lp.columns, rp.columns = cols, cols
	var ln, rn planNode = left, right
	if cast {
		ln, rn = lp, rp
	}
	op := setUnion
	switch n.Op {
	case pg_query.SetOperation_SETOP_INTERSECT:
		op = setIntersect
	case pg_query.SetOperation_SETOP_EXCEPT:
		op = setExcept
	}
	if !n.All {
		for _, c := range cols {
			if err := checkHashable(c.typ); err != nil {
				return nil, err
			}
		}
	}
	return &setOpNode{op: op, all: n.All, left: ln, right: rn, columns: cols}, nil
}

type setOp uint8

const (
	setUnion setOp = iota
	setIntersect
	setExcept
)

// setOpNode combines two inputs of the same columns.
type setOpNode struct {
	op          setOp
	all         bool
	left, right planNode
	columns     []column
}

func (n *setOpNode) cols() []column { return n.columns }

func (n *setOpNode) open(x *execCtx) (rowIter, error) {
	ts := make([]*types.T, len(n.columns))
	idx := make([]int, len(n.columns))
	for i, c := range n.columns {
		ts[i], idx[i] = c.typ, i
	}
	if n.op == setUnion {
		l, err := n.left.open(x)
		if err != nil {
			return nil, err
		}
		var it rowIter = &concatIter{x: x, cur: l, rest: []planNode{n.right}}
		if !n.all {
			it = &distinctIter{n: &distinctNode{on: idx}, x: x, in: it, ts: ts, seen: map[string]struct{}{}}
		}
		return it, nil
	}
	// INTERSECT and EXCEPT count the right side's rows by key, then
	// stream the left side.
	counts := map[string]int64{}
	r, err := n.right.open(x)
	if err != nil {
		return nil, err
	}
	var held int64
	for {
		row, err := r.next()
		if err != nil {
			r.close()
			x.mem.shrink(held)
			return nil, err
		}
		if row == nil {
			break
		}
		k, err := appendGroupKey(nil, row, idx, ts)
		if err != nil {
			r.close()
			x.mem.shrink(held)
			return nil, err
		}
		if counts[string(k)] == 0 {
			held += int64(len(k) + 48)
			if err := x.mem.grow(int64(len(k) + 48)); err != nil {
				r.close()
				x.mem.shrink(held)
				return nil, err
			}
		}
		counts[string(k)]++
	}
	r.close()
	l, err := n.left.open(x)
	if err != nil {
		x.mem.shrink(held)
		return nil, err
	}
	return &setIter{n: n, x: x, in: l, counts: counts, emitted: map[string]bool{}, idx: idx, ts: ts, held: held}, nil
}

// concatIter reads inputs one after the other.
type concatIter struct {
	x    *execCtx
	cur  rowIter
	rest []planNode
}

func (it *concatIter) next() ([]types.Datum, error) {
	for {
		row, err := it.cur.next()
		if err != nil || row != nil {
			return row, err
		}
		if len(it.rest) == 0 {
			return nil, nil
		}
		it.cur.close()
		if it.cur, err = it.rest[0].open(it.x); err != nil {
			it.cur = &sliceIter{}
			return nil, err
		}
		it.rest = it.rest[1:]
	}
}

func (it *concatIter) close() { it.cur.close() }

type setIter struct {
	n       *setOpNode
	x       *execCtx
	in      rowIter
	counts  map[string]int64
	emitted map[string]bool
	idx     []int
	ts      []*types.T
	held    int64
}

func (it *setIter) next() ([]types.Datum, error) {
	for {
		row, err := it.in.next()
		if err != nil || row == nil {
			return nil, err
		}
		kb, err := appendGroupKey(nil, row, it.idx, it.ts)
		if err != nil {
			return nil, err
		}
		k := string(kb)
		c := it.counts[k]
		switch {
		case it.n.op == setIntersect && it.n.all:
			if c > 0 {
				it.counts[k] = c - 1
				return row, nil
			}
		case it.n.op == setIntersect:
			if c > 0 && !it.emitted[k] {
				it.emitted[k] = true
				return row, nil
			}
		case it.n.all: // EXCEPT ALL
			if c > 0 {
				it.counts[k] = c - 1
				continue
			}
			return row, nil
		default: // EXCEPT
			if c == 0 && !it.emitted[k] {
				it.emitted[k] = true
				return row, nil
			}
		}
	}
}

func (it *setIter) close() {
	it.in.close()
	it.x.mem.shrink(it.held)
	it.held = 0
}
