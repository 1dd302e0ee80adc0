package sql

import (
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// minMaxInput is PostgreSQL's min/max optimization (planagg.c) for a
// query whose only aggregate is min(col) or max(col) over one table, with
// no GROUP BY: when an index has col first (after columns the WHERE pins
// to one value), the scan reads it in the direction that brings the
// aggregate's answer first, skips NULLs and stops at the first row. The
// aggregate then sees one row instead of the table: SELECT max(id) FROM t
// is a seek, not a scan. Otherwise input is returned as it is.
func (g *grouping) minMaxInput(input planNode) planNode {
	if len(g.exprs) != 0 || g.sets != nil || len(g.aggs) != 1 {
		return input
	}
	a := g.aggs[0]
	if (a.agg.Name != "min" && a.agg.Name != "max") || len(a.args) != 1 || a.distinct || a.filter != nil || len(a.order) > 0 {
		return input
	}
	ref, ok := a.args[0].(*expr.ColRef)
	if !ok {
		return input
	}
	in := input
	for {
		f, ok := in.(*filterNode)
		if !ok {
			break
		}
		in = f.input
	}
	scan, ok := in.(*scanNode)
	if !ok || scan.reverse || scan.history != nil || ref.Idx >= len(scan.layout.Types) {
		return input
	}
	// NULLs are filtered out below, so where the index puts them does
	// not matter: either placement will do.
	cols := []int{ref.Idx}
	fits := func(i int, bounds *indexBounds) (reverse, ok bool) {
		for _, nullsFirst := range []bool{false, true} {
			k := []sortKey{{col: ref.Idx, typ: ref.T, desc: a.agg.Name == "max", nullsFirst: nullsFirst}}
			if reverse, ok := scan.indexOrder(i, bounds, cols, k); ok {
				return reverse, true
			}
		}
		return false, false
	}
	index := scan.index
	reverse, ok := fits(index, scan.bounds)
	for i := range scan.layout.Indexes {
		if ok || scan.bounds != nil || scan.indexOnly {
			break
		}
		index = i
		reverse, ok = fits(i, nil)
	}
	if !ok {
		return input
	}
	scan.index, scan.reverse = index, reverse
	one := &expr.Const{T: types.Int8, V: int64(1)}
	return &limitNode{input: newFilter(input, &expr.IsNull{Arg: ref, Not: true}), limit: one}
}
