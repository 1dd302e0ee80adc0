package sql

import "github.com/stela-db/stela/sql/types"

// analyzeNode counts, for EXPLAIN ANALYZE, the rows a node produced and
// the times it was opened (loops: the inner side of a nested loop is
// opened once per outer row).
type analyzeNode struct {
	inner       planNode
	rows, loops int64
	// pkLoops counts the loops in which a scan read its table through
	// the primary key instead of the planned index (fetchesWhole).
	pkLoops int64
}

func (n *analyzeNode) cols() []column { return n.inner.cols() }

func (n *analyzeNode) open(x *execCtx) (rowIter, error) {
	it, err := n.inner.open(x)
	if err != nil {
		return nil, err
	}
	n.loops++
	if si, ok := it.(*scanIter); ok && si.fellBack() {
		n.pkLoops++
	}
	return &analyzeIter{n: n, in: it}, nil
}

type analyzeIter struct {
	n  *analyzeNode
	in rowIter
}

func (it *analyzeIter) next() ([]types.Datum, error) {
	row, err := it.in.next()
	if row != nil {
		it.n.rows++
	}
	return row, err
}

func (it *analyzeIter) close() { it.in.close() }

// instrument returns a copy of a plan tree with every node wrapped in an
// analyzeNode. Nodes are copied, not changed: a prepared plan stays as
// it was.
func instrument(n planNode) planNode {
	switch v := n.(type) {
	case *withDMLNode:
		c := *v
		c.input = instrument(v.input)
		return &c // printed as its input (explainer.node)
	case *filterNode:
		c := *v
		c.input = instrument(v.input)
		n = &c
	case *projectNode:
		c := *v
		c.input = instrument(v.input)
		n = &c
	case *renameNode:
		c := *v
		c.input = instrument(v.input)
		n = &c
	case *limitNode:
		c := *v
		c.input = instrument(v.input)
		n = &c
	case *lockRowsNode:
		c := *v
		c.input = instrument(v.input)
		n = &c
	case *sortNode:
		c := *v
		c.input = instrument(v.input)
		n = &c
	case *distinctNode:
		c := *v
		c.input = instrument(v.input)
		n = &c
	case *aggNode:
		c := *v
		c.input = instrument(v.input)
		n = &c
	case *windowNode:
		c := *v
		c.input = instrument(v.input)
		n = &c
	case *ordinalityNode:
		c := *v
		c.input = instrument(v.input)
		n = &c
	case *joinNode:
		c := *v
		c.left, c.right = instrument(v.left), instrument(v.right)
		n = &c
	case *lookupJoinNode:
		c := *v
		c.left = instrument(v.left)
		n = &c
	case *adaptiveJoinNode:
		// Both branches read the same left input: instrument it once.
		c, h, l := *v, *v.hash, *v.lookup
		h.left = instrument(v.hash.left)
		h.right = instrument(v.hash.right)
		l.left = h.left
		c.hash, c.lookup = &h, &l
		n = &c
	case *setOpNode:
		c := *v
		c.left, c.right = instrument(v.left), instrument(v.right)
		n = &c
	}
	return &analyzeNode{inner: n}
}

// instrumentSubqueries returns instrumented copies of the plans of the
// subqueries a plan tree's expressions run, nested ones included: the
// expressions are shared with the prepared plan, so the statement's
// execution context opens the copies in their place (execCtx.subPlans)
// and EXPLAIN prints them.
func instrumentSubqueries(root planNode) map[*subqueryExpr]planNode {
	out := map[*subqueryExpr]planNode{}
	ex := newExplainer(false)
	var walk func(n planNode)
	walk = func(n planNode) {
		for _, sq := range subqueriesOf(nodeExprs(n)) {
			if _, ok := out[sq]; !ok {
				out[sq] = instrument(sq.plan)
				walk(out[sq])
			}
		}
		_, _, children := ex.describe(n)
		for _, c := range children {
			walk(c)
		}
	}
	walk(root)
	if len(out) == 0 {
		return nil
	}
	return out
}
