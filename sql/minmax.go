package sql

import (
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// minMaxInput is PostgreSQL's min/max optimization (planagg.c) for a
// query whose aggregates are all min(col) or max(col) over one table, with
// no GROUP BY: when an index has col first (after columns the WHERE pins
// to one value), a scan reads it in the direction that brings the
// aggregate's answer first, skips NULLs and stops at the first row. SELECT
// max(id) FROM t is then a seek, not a scan.
//
// With several aggregates, each gets its own one-row scan and the
// aggregates all read the rows of all of them: every such row passes the
// WHERE, and the one that holds an aggregate's answer is among them, so
// no other row can change that answer. When some aggregate has no index
// to read, input is returned as it is.
func (g *grouping) minMaxInput(input planNode) planNode {
	if len(g.exprs) != 0 || g.sets != nil || len(g.aggs) == 0 {
		return input
	}
	var filters []*filterNode // outermost first
	in := input
	for {
		f, ok := in.(*filterNode)
		if !ok {
			break
		}
		filters = append(filters, f)
		in = f.input
	}
	scan, ok := in.(*scanNode)
	if !ok || scan.reverse || scan.history != nil {
		return input
	}
	type read struct {
		ref            *expr.ColRef
		index          int
		reverse, found bool
	}
	reads := make([]read, len(g.aggs))
	for i, a := range g.aggs {
		if (a.agg.Name != "min" && a.agg.Name != "max") || len(a.args) != 1 || a.distinct || a.filter != nil || len(a.order) > 0 {
			return input
		}
		ref, ok := a.args[0].(*expr.ColRef)
		if !ok || ref.Idx >= len(scan.layout.Types) {
			return input
		}
		r := read{ref: ref}
		r.index, r.reverse, r.found = scan.minMaxOrder(ref, a.agg.Name == "max")
		if !r.found {
			return input
		}
		reads[i] = r
	}
	if len(reads) == 1 {
		scan.useOrder(reads[0].index, reads[0].reverse)
		return firstNotNull(input, reads[0].ref)
	}
	var out planNode
	for _, r := range reads {
		s := *scan
		s.useOrder(r.index, r.reverse)
		var node planNode = &s
		for i := len(filters) - 1; i >= 0; i-- {
			node = &filterNode{input: node, pred: filters[i].pred}
		}
		node = firstNotNull(node, r.ref)
		if out == nil {
			out = node
		} else {
			out = &setOpNode{op: setUnion, all: true, left: out, right: node, columns: input.cols()}
		}
	}
	return out
}

// minMaxOrder finds the index that gives the scan's rows in the order of
// col (descending for max), and the direction to read it: the scan's own
// index, or, when no WHERE bounds narrow it, any other.
func (n *scanNode) minMaxOrder(col *expr.ColRef, max bool) (index int, reverse, ok bool) {
	cols := []int{col.Idx}
	fits := func(i int, bounds *indexBounds) (reverse, ok bool) {
		// NULLs are filtered out (firstNotNull), so where the index
		// puts them does not matter: either placement will do.
		for _, nullsFirst := range []bool{false, true} {
			k := []sortKey{{col: col.Idx, typ: col.T, desc: max, nullsFirst: nullsFirst}}
			if reverse, ok := n.indexOrder(i, bounds, cols, k); ok {
				return reverse, true
			}
		}
		return false, false
	}
	if reverse, ok := fits(n.index, n.bounds); ok {
		return n.index, reverse, true
	}
	if n.bounds != nil || n.indexOnly {
		return 0, false, false
	}
	for i := range n.layout.Indexes {
		if !n.indexUsable(i) {
			continue
		}
		if reverse, ok := fits(i, nil); ok {
			return i, reverse, true
		}
	}
	return 0, false, false
}

// firstNotNull is input's first row where col is not NULL.
func firstNotNull(input planNode, col *expr.ColRef) planNode {
	one := &expr.Const{T: types.Int8, V: int64(1)}
	return &limitNode{input: newFilter(input, &expr.IsNull{Arg: col, Not: true}), limit: one}
}
