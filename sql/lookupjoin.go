package sql

import (
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// lookupJoinNode is an index nested-loop join: for each left row it
// seeks the right table's index with the row's key values. It wins when
// the left input is small and the right table large.
type lookupJoinNode struct {
	kind  joinKind // inner or left
	left  planNode
	right *scanNode // its bounds read the slot
	slot  *rowSlot
	// leftKeys are evaluated over the left row into the slot.
	leftKeys []expr.Expr
	cond     expr.Expr // over the joined row
	columns  []column
	est      float64
}

// rowSlot holds, per execution, the key values of the left row a lookup
// join is seeking with.
type rowSlot struct{}

// slotRef reads a lookup join's current key value.
type slotRef struct {
	slot *rowSlot
	idx  int
	T    *types.T
	name string // the left key it holds, for EXPLAIN
}

func (r *slotRef) Type() *types.T { return r.T }

func (r *slotRef) Eval(ctx *expr.Context) (types.Datum, error) {
	return ctx.Exec.(*execCtx).slots[r.slot][r.idx], nil
}

func (n *lookupJoinNode) cols() []column { return n.columns }

func (n *lookupJoinNode) open(x *execCtx) (rowIter, error) {
	in, err := n.left.open(x)
	if err != nil {
		return nil, err
	}
	return &perRowJoin{x: x, kind: n.kind, cond: n.cond, left: in, nl: len(n.left.cols()), nr: len(n.right.cols()),
		openRight: func(row []types.Datum) (rowIter, error) {
			// The left row's keys go into the slot the right scan's
			// bounds read; a NULL key matches nothing.
			vals := make([]types.Datum, len(n.leftKeys))
			for i, e := range n.leftKeys {
				v, err := x.eval(e, row)
				if err != nil || v == nil {
					return nil, err
				}
				vals[i] = v
			}
			if x.slots == nil {
				x.slots = map[*rowSlot][]types.Datum{}
			}
			x.slots[n.slot] = vals
			return n.right.open(x)
		},
		nextRight: func(right rowIter) ([]types.Datum, error) { return right.next() },
	}, nil
}

// lookupJoin plans an index nested-loop join if the item's table has an
// index whose leading columns the equality keys pin, and the left side
// is small enough that seeking per row beats reading the table (or, with
// anySize, whatever the left side's estimate).
func (pl *planner) lookupJoin(kind joinKind, left planNode, it *fromItem, lk, rk, rest []expr.Expr, leftEst float64, columns []column, anySize bool) *lookupJoinNode {
	nl := len(left.cols())
	scan := it.scan
	// Right key columns: rk are over the joined row.
	keyCol := map[int]int{} // table column -> key position
	for i, e := range rk {
		if c, ok := stripNoopCast(e).(*expr.ColRef); ok && c.Idx >= nl {
			if _, dup := keyCol[c.Idx-nl]; !dup {
				keyCol[c.Idx-nl] = i
			}
		}
	}
	bestIx, bestLen := -1, 0
	for i := range scan.layout.Indexes {
		ix := &scan.layout.Indexes[i]
		if !scan.indexUsable(i) {
			continue
		}
		k := 0
		for _, col := range ix.Cols {
			if _, ok := keyCol[col]; !ok {
				break
			}
			k++
		}
		if k > bestLen || (k == bestLen && k > 0 && i == 0) {
			bestIx, bestLen = i, k
		}
	}
	if bestIx < 0 || bestLen == 0 {
		return nil
	}
	// Seeking costs about what reading a few dozen rows does.
	if !anySize && leftEst*30 > it.tableRows {
		return nil
	}
	ix := &scan.layout.Indexes[bestIx]
	slot := &rowSlot{}
	var leftKeys []expr.Expr
	bounds := &indexBounds{}
	used := map[int]bool{}
	for _, col := range ix.Cols[:bestLen] {
		i := keyCol[col]
		used[i] = true
		bounds.eq = append(bounds.eq, []expr.Expr{&slotRef{slot: slot, idx: len(leftKeys), T: lk[i].Type(), name: exprString(lk[i], left.cols())}})
		leftKeys = append(leftKeys, lk[i])
	}
	// Keys not used for seeking stay conditions.
	for i := range lk {
		if !used[i] {
			eq, err := pl.builder(nil, "").Operator("=", []expr.Expr{lk[i], rk[i]}, -1)
			if err == nil {
				rest = append(rest, eq)
			}
		}
	}
	// Rows per seek: one through a unique key, else a guess.
	perRow := 1.0
	if !(ix.Unique && bestLen == len(ix.Cols)) {
		perRow = 10
	}
	right := &scanNode{desc: scan.desc, layout: scan.layout, columns: scan.columns, index: bestIx, bounds: bounds, filter: scan.fullFilter, fullFilter: scan.fullFilter, asOf: scan.asOf, sys: scan.sys, est: perRow,
		tableRows: scan.tableRows, stats: scan.stats}
	return &lookupJoinNode{kind: kind, left: left, right: right, slot: slot, leftKeys: leftKeys,
		cond: andOf(rest), columns: columns, est: leftEst * perRow}
}
