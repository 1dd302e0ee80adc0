package sql

import (
	"reflect"
	"slices"

	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/expr"
)

// Index-only scans: a secondary index entry holds its key columns and
// the row's primary key, so a query that reads no other column of the
// table (SELECT count(*) ... WHERE k BETWEEN ..., SELECT k, id ... WHERE
// k = ...) need not read the rows at all: one seek per row saved. A scan
// that reads rows decodes only the columns the query reads: decoding is
// about half of a full read's CPU on a table of seven columns.
//
// Which columns a query reads is known for certain only where the scan's
// consumer is in view, so coverScans looks at the plan a SELECT ends
// with, through the nodes that pass rows on without reading them
// (LIMIT, sort, DISTINCT, filter), down to a projection or an
// aggregation directly over a scan (with filters between). Expressions
// that hide their inputs (subqueries, which may read the row as an outer
// reference) keep the full read.

// coverScans marks, under root, the scans whose consumer reads only
// columns their index entries hold.
func coverScans(root planNode) {
	switch v := root.(type) {
	case *limitNode:
		coverScans(v.input)
	case *sortNode:
		coverScans(v.input)
	case *distinctNode:
		coverScans(v.input)
	case *filterNode:
		coverScans(v.input)
	case *renameNode:
		coverScans(v.input)
	case *projectNode:
		if !coverScan(v.input, v.exprs) {
			coverScans(v.input)
		}
	case *aggNode:
		var exprs []expr.Expr
		exprs = append(exprs, v.groups...)
		for _, a := range v.aggs {
			exprs = append(exprs, a.args...)
			exprs = append(exprs, a.filter)
			exprs = append(exprs, a.order...)
		}
		if !coverScan(v.input, exprs) {
			coverScans(v.input)
		}
	}
}

var exprPkg = reflect.TypeOf(expr.ColRef{}).PkgPath()

// coverScan makes input an index-only scan if it is a scan (under
// filters) of a secondary index whose entries hold every column that
// exprs, the filters and the scan's own predicate read. Knowing that, a
// scan whose order nothing relies on first takes its cheapest path
// again: an index the query's columns are all in may now beat the one
// chosen when every row had to be read (accesscost.go). A scan that
// still reads rows decodes only those columns (scanNode.need). It
// reports whether input was a scan (covered or not).
func coverScan(input planNode, exprs []expr.Expr) bool {
	for {
		f, ok := input.(*filterNode)
		if !ok {
			break
		}
		exprs = append(exprs, f.pred)
		input = f.input
	}
	scan, ok := input.(*scanNode)
	if !ok {
		return false
	}
	exprs = append(exprs, scan.fullFilter)
	need, ok := columnsRead(exprs)
	if !ok {
		return true
	}
	l := scan.layout
	scan.need = make([]bool, len(l.Types))
	for c := range need {
		if c < len(scan.need) {
			scan.need[c] = true
		}
	}
	if len(scan.paths) < 2 && scan.index == 0 {
		return true // the primary key's entries are the rows themselves
	}
	covered := func(index int) bool {
		held := func(c int) bool {
			return slices.Contains(l.Indexes[index].Cols, c) || slices.Contains(l.Indexes[0].Cols, c)
		}
		for c := range need {
			if !held(c) || !keyenc.Decodable(l.Types[c]) {
				return false
			}
		}
		return true
	}
	if !scan.ordered && len(scan.paths) > 1 {
		scan.usePath(scan.cheapest(covered))
	}
	scan.indexOnly = scan.index > 0 && covered(scan.index)
	return true
}

// columnsRead returns the columns of the row that exprs read; ok is
// false when one of them hides what it reads (a subquery or another
// planner-level node, which may read the row as an outer reference).
func columnsRead(exprs []expr.Expr) (need map[int]bool, ok bool) {
	need = map[int]bool{}
	opaque := false
	for _, e := range exprs {
		expr.Walk(e, func(x expr.Expr) bool {
			if ref, ok := x.(*expr.ColRef); ok {
				need[ref.Idx] = true
			} else if reflect.TypeOf(x).Elem().PkgPath() != exprPkg {
				opaque = true
			}
			return !opaque
		})
	}
	return need, !opaque
}
