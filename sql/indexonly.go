package sql

import (
	"slices"
	"strings"

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
// Which columns a query reads is worked out from the plan above the scan
// (narrow.go).

// narrow makes the scan decode only the columns in need, those its
// filter reads added (every column when need is nil), and read a
// secondary index alone if its entries hold them all. Knowing that, a
// scan whose order nothing relies on first takes its cheapest path
// again: an index the query's columns are all in may now beat the one
// chosen when every row had to be read (accesscost.go).
func (n *scanNode) narrow(need colSet) {
	n.narrowColumns(need)
	n.setSplit()
}

// narrowColumns is narrow but for the split of the scan's decoding.
func (n *scanNode) narrowColumns(need colSet) {
	l := n.layout
	need = need.with(len(n.columns), n.fullFilter)
	n.need, n.readsNone, n.indexOnly = nil, false, false
	if need == nil {
		return
	}
	n.need = make([]bool, len(l.Types))
	copy(n.need, need)
	n.readsNone = !slices.Contains(n.need, true)
	if len(n.paths) < 2 && n.index == 0 {
		return // the primary key's entries are the rows themselves
	}
	covered := func(index int) bool {
		held := func(c int) bool {
			return slices.Contains(l.Indexes[index].Cols, c) || slices.Contains(l.Indexes[0].Cols, c)
		}
		for c, read := range need {
			if read && (c >= len(l.Types) || !held(c) || !keyenc.Decodable(l.Types[c])) {
				return false
			}
		}
		return true
	}
	if !n.ordered && len(n.paths) > 1 {
		// Only a secondary index's cost changes with what is needed; the
		// same path again need not be set up again.
		if p := n.cheapest(covered); p.index != n.path.index || p.bounds != n.path.bounds {
			n.usePath(p)
		}
	}
	n.indexOnly = n.index > 0 && covered(n.index)
}

// outputList names the columns the scan decodes, for EXPLAIN VERBOSE:
// those its consumers read, or all of them.
func (n *scanNode) outputList() string {
	var names []string
	for i, c := range n.columns {
		if c.name == "" || c.hidden || (i < len(n.layout.Types) && n.need != nil && !n.need[i]) {
			continue
		}
		names = append(names, exprString(&expr.ColRef{Idx: i}, n.columns))
	}
	return strings.Join(names, ", ")
}
