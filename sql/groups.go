package sql

import (
	"math"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// How many groups GROUP BY or DISTINCT makes of its input, as
// PostgreSQL's estimate_num_groups reckons it (selfuncs.c):
//
//   - A boolean expression makes two groups; a constant one, one.
//   - Otherwise each expression stands for the columns it reads, each
//     traced through projections, filters and joins down to a table
//     scan (a lookup join's inner scan counts the rows its own filter
//     keeps, not those of one lookup). A column has ANALYZE's distinct count, else as many values
//     as rows when a one-column unique index holds it, else, in a table
//     of fewer than defaultNumDistinct rows, one per row, else
//     defaultNumDistinct (get_variable_numdistinct).
//   - The columns of one table multiply, held to the table's rows (to a
//     tenth of them for several columns, which are probably correlated,
//     but never below the largest single count); when the scan keeps p
//     of the table's N rows, n values become n(1 - ((N-p)/N)^(N/n)), the
//     values expected in a random p of them.
//   - Tables multiply, and the result is held between 1 and the input's
//     rows.
//
// A column not traced to a table (an aggregate's result, a function's)
// counts defaultNumDistinct. An expression that is volatile makes a group
// per row.

// groupVar is a column that grouping depends on.
type groupVar struct {
	scan      *scanNode // nil when not traced to a table
	col       int
	ndistinct float64
	// kept is how many of the table's rows the query's restrictions on
	// it keep (for a lookup join's inner side, not its per-row est).
	kept float64
}

// estimateGroups returns how many groups exprs, over input's row, make.
func estimateGroups(input planNode, exprs []expr.Expr) float64 {
	rows := estimateOf(input)
	n := 1.0
	var vars []groupVar
	add := func(v groupVar) {
		for _, w := range vars {
			if w.scan != nil && w.scan == v.scan && w.col == v.col {
				return
			}
		}
		vars = append(vars, v)
	}
	for _, e := range exprs {
		if t := e.Type(); t != nil && t.Oid == types.Bool.Oid {
			n *= 2
			continue
		}
		if expr.Volatile(e) {
			return max(rows, 1)
		}
		if v, ok := traceVar(input, e); ok {
			add(v)
			continue
		}
		expr.Walk(e, func(x expr.Expr) bool {
			if ref, ok := x.(*expr.ColRef); ok {
				v, ok := traceVar(input, ref)
				if !ok {
					v = groupVar{col: -1, ndistinct: defaultNumDistinct}
				}
				add(v)
			}
			return true
		})
	}
	// One table at a time, in the order its columns came.
	for i := range vars {
		s := vars[i].scan
		if s == nil {
			n *= vars[i].ndistinct
			continue
		}
		if i > 0 && seenScan(vars[:i], s) {
			continue
		}
		rel, most, count := 1.0, 0.0, 0
		for _, v := range vars[i:] {
			if v.scan == s {
				rel *= v.ndistinct
				most = max(most, v.ndistinct)
				count++
			}
		}
		tuples := s.tableRows
		if rel <= 0 || tuples <= 0 {
			continue
		}
		clampTo := tuples
		if count > 1 {
			clampTo = min(max(tuples*0.1, most), tuples)
		}
		rel = min(rel, clampTo)
		if kept := vars[i].kept; kept < tuples {
			rel *= 1 - math.Pow((tuples-kept)/tuples, tuples/rel)
		}
		n *= max(math.Round(rel), 1)
	}
	return max(min(math.Ceil(n), rows), 1)
}

func seenScan(vars []groupVar, s *scanNode) bool {
	for _, v := range vars {
		if v.scan == s {
			return true
		}
	}
	return false
}

// traceVar follows e, when it is a column of node's row, down to the
// table scan it comes from.
func traceVar(node planNode, e expr.Expr) (groupVar, bool) {
	ref, ok := stripNoopCast(e).(*expr.ColRef)
	if !ok {
		return groupVar{}, false
	}
	idx := ref.Idx
	lookup := false // the scan is a lookup join's inner side
	for {
		switch v := node.(type) {
		case *scanNode:
			if v.history != nil || idx >= len(v.layout.Types) {
				return groupVar{}, false
			}
			kept := v.est
			if lookup {
				kept = max(v.tableRows*selectivityWith(v.filter, v.stats), 1)
			}
			return groupVar{scan: v, col: idx, ndistinct: v.numDistinct(idx), kept: kept}, true
		case *filterNode:
			node = v.input
		case *sortNode:
			node = v.input
		case *limitNode:
			node = v.input
		case *renameNode:
			node = v.input
		case *projectNode:
			r, ok := stripNoopCast(v.exprs[idx]).(*expr.ColRef)
			if !ok {
				return groupVar{}, false
			}
			node, idx = v.input, r.Idx
		case *joinNode:
			if nl := len(v.left.cols()); idx < nl {
				node = v.left
			} else {
				node, idx = v.right, idx-nl
			}
		case *adaptiveJoinNode:
			node = v.hash
		case *lookupJoinNode:
			if nl := len(v.left.cols()); idx < nl {
				node = v.left
			} else {
				node, idx, lookup = v.right, idx-nl, true
			}
		default:
			return groupVar{}, false
		}
	}
}

// numDistinct is how many distinct values column col of the scanned
// table has (get_variable_numdistinct).
func (n *scanNode) numDistinct(col int) float64 {
	c := n.stats.at(col)
	nullFrac, distinct := 0.0, 0.0
	if c != nil {
		nullFrac, distinct = c.NullFrac, c.NDistinct
	} else if t := n.layout.Types[col]; t != nil && t.Oid == types.Bool.Oid {
		distinct = 2
	}
	if uniqueKeyColumn(n.layout, col) {
		distinct = -(1 - nullFrac)
	}
	switch rows := n.tableRows; {
	case distinct > 0:
		return max(math.Round(distinct), 1)
	case rows <= 0:
		return defaultNumDistinct
	case distinct < 0:
		return max(math.Round(-distinct*rows), 1)
	case rows < defaultNumDistinct:
		return max(math.Round(rows), 1)
	}
	return defaultNumDistinct
}

// uniqueKeyColumn reports whether a one-column unique index holds col.
func uniqueKeyColumn(l *engine.Layout, col int) bool {
	for _, ix := range l.Indexes {
		if ix.Unique && !ix.Partial && len(ix.Cols) == 1 && ix.Cols[0] == col {
			return true
		}
	}
	return false
}
