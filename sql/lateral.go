package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// A LATERAL FROM item (a subquery marked LATERAL, or a function in FROM,
// which is implicitly lateral) may read the columns of the items before
// it. It is planned as a correlated query whose enclosing row is the row
// of those items, and joined by running it again for each such row (an
// apply join), the row pushed as the outer row its references read.

// isLateral reports whether a FROM item must see the items before it.
func isLateral(n *pg_query.Node) bool {
	switch v := n.Node.(type) {
	case *pg_query.Node_RangeSubselect:
		return v.RangeSubselect.Lateral
	case *pg_query.Node_RangeFunction:
		// Functions in FROM are always lateral; only those whose
		// arguments read a column need the apply join.
		found := v.RangeFunction.Lateral
		for _, f := range v.RangeFunction.Functions {
			inspect(f, func(m *pg_query.Node) bool {
				if m.GetColumnRef() != nil {
					found = true
				}
				return !found
			})
		}
		return found
	}
	return false
}

// planLateral plans a lateral item after left, the items before it, and
// returns the apply join of the two (kind: inner or left, on: the ON
// condition, if any).
func (pl *planner) planLateral(n *pg_query.Node, left planNode, kind joinKind, on *pg_query.Node, outer *scope, lv *level) (planNode, error) {
	lcols := left.cols()
	right, err := pl.planFromItem(n, newScope(lcols, lv, outer), lv)
	if err != nil {
		return nil, err
	}
	if right.node == nil {
		pl.finishItem(right)
	}
	if kind == joinLeft {
		addWitness(right)
	}
	rnode := right.node
	cols := append(append([]column(nil), lcols...), right.cols...)
	node := &applyJoinNode{kind: kind, left: left, right: rnode, columns: cols}
	if on != nil {
		b := pl.builder(newScope(cols, lv, outer), "JOIN conditions")
		if node.cond, err = b.BuildAs(on, types.Bool, "JOIN/ON"); err != nil {
			return nil, err
		}
	}
	return node, nil
}

// applyJoinNode joins each left row with the rows the right plan makes
// for it.
type applyJoinNode struct {
	kind        joinKind // joinInner or joinLeft
	left, right planNode
	cond        expr.Expr // over the joined row
	columns     []column
}

func (n *applyJoinNode) cols() []column { return n.columns }

func (n *applyJoinNode) open(x *execCtx) (rowIter, error) {
	l, err := n.left.open(x)
	if err != nil {
		return nil, err
	}
	j := &perRowJoin{x: x, kind: n.kind, cond: n.cond, left: l, nl: len(n.left.cols()), nr: len(n.right.cols())}
	// The right plan is correlated to the left row: it opens and runs
	// with that row as its innermost outer row.
	j.openRight = func(row []types.Datum) (right rowIter, err error) {
		err = withOuter(x, row, func() (err error) {
			right, err = n.right.open(x)
			return err
		})
		return right, err
	}
	j.nextRight = func(right rowIter) (r []types.Datum, err error) {
		err = withOuter(x, j.cur, func() (err error) {
			r, err = right.next()
			return err
		})
		return r, err
	}
	return j, nil
}

// withOuter runs f with row as the innermost outer row, which the
// references of a plan planned as correlated to it read.
func withOuter(x *execCtx, row []types.Datum, f func() error) error {
	ec := x.ec
	saved := ec.Outer
	ec.Outer = append(saved[:len(saved):len(saved)], row)
	err := f()
	ec.Outer = saved
	return err
}
