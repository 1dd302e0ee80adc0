package sql

import (
	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/expr"
)

// Ordered scans: an index yields rows in its key order, forward or
// backward, so ORDER BY on its leading columns needs no sort — and with
// a LIMIT, reading stops after a few rows instead of sorting the table
// (SELECT ... ORDER BY id DESC LIMIT 10 reads 10 rows).

// orderedByScan reports whether the rows of node, a projection of one
// table's scan, can come in the order of keys by reading the scan's index
// in one direction; if so it fixes the scan's path and direction. With a
// LIMIT that needs limit rows (0: a LIMIT whose value is not known yet)
// the scan may take another path whose order fits, when reading it until
// enough rows pass the filter costs less than reading the chosen path's
// rows and keeping the first few in a top-N sort.
func orderedByScan(node planNode, keys []sortKey, limited bool, limit float64) bool {
	p, ok := node.(*projectNode)
	if !ok {
		return false
	}
	in := p.input
	for {
		f, ok := in.(*filterNode)
		if !ok {
			break
		}
		in = f.input
	}
	scan, ok := in.(*scanNode)
	if !ok || scan.reverse || scan.history != nil {
		return false
	}
	cols := make([]int, len(keys))
	for i, k := range keys {
		ref, ok := p.exprs[k.col].(*expr.ColRef)
		if !ok {
			// A computation an expression index keys on.
			if cols[i] = scan.keyColumnOf(p.exprs[k.col]); cols[i] < 0 {
				return false
			}
			continue
		}
		cols[i] = ref.Idx
	}
	if reverse, ok := scan.indexOrder(scan.index, scan.bounds, cols, keys); ok {
		scan.useOrder(scan.index, reverse)
		return true
	}
	if !limited || scan.path.vague {
		return false
	}
	if limit <= 0 {
		limit = max(scan.est/10, 1) // as PostgreSQL guesses an unknown LIMIT
	}
	bestCost := scan.pathCost() + scan.est*topNRowCost
	var best *accessPath
	bestReverse := false
	for _, q := range scan.orderCandidates() {
		reverse, ok := scan.indexOrder(q.index, q.bounds, cols, keys)
		if !ok {
			continue
		}
		// Rows read until limit of them pass the rest of the filter.
		read := min(q.rows, limit/max(scan.filterPasses(q), 1e-9))
		if c := q.seeks*seekCost + read*q.rowCost(nil); c < bestCost {
			best, bestCost, bestReverse = q, c, reverse
		}
	}
	if best == nil {
		return false
	}
	scan.usePath(best)
	scan.useOrder(best.index, bestReverse)
	return true
}

// orderCandidates are the paths an ordered read may take: the scan's
// paths and each secondary index read whole.
func (n *scanNode) orderCandidates() []*accessPath {
	out := make([]*accessPath, 0, len(n.paths)+len(n.layout.Indexes))
	for i := range n.paths {
		out = append(out, &n.paths[i])
	}
	for i := 1; i < len(n.layout.Indexes); i++ {
		if n.indexUsable(i) {
			out = append(out, &accessPath{index: i, rows: n.tableRows, seeks: 1})
		}
	}
	return out
}

// useOrder fixes the scan to read index, forward or backward, for a plan
// that relies on its order. index is the scan's own, or one read whole
// when the scan's path has no bounds.
func (n *scanNode) useOrder(index int, reverse bool) {
	n.index, n.reverse, n.ordered = index, reverse, true
}

// indexOrder reports whether reading index i (narrowed by bounds) gives
// rows ordered by the columns cols with the directions of keys, and in
// which direction. Key columns pinned to one value by the bounds are
// constant and skipped; after all columns of the primary key every row is
// distinct, so later sort keys cannot matter.
func (n *scanNode) indexOrder(i int, bounds *indexBounds, cols []int, keys []sortKey) (reverse, ok bool) {
	ix := &n.layout.Indexes[i]
	pinned := map[int]bool{}
	if bounds != nil {
		for j, alts := range bounds.eq {
			if oneValue(alts) {
				pinned[ix.Cols[j]] = true
			}
		}
	}
	dir := 0 // 1 forward, -1 backward
	j := 0
	for ki, k := range keys {
		col := cols[ki]
		for j < len(ix.Cols) && ix.Cols[j] != col && pinned[ix.Cols[j]] {
			j++
		}
		if j == len(ix.Cols) && i == 0 {
			break // the primary key is exhausted: rows are distinct
		}
		if j == len(ix.Cols) || ix.Cols[j] != col {
			if pinned[col] {
				continue // a constant orders nothing
			}
			return false, false
		}
		forward := (ix.Dirs[j] == keyenc.Desc) == k.desc
		if n.nullable(i, col) && (ix.Nulls[j] == keyenc.NullsFirst) != (k.nullsFirst == forward) {
			return false, false
		}
		d := -1
		if forward {
			d = 1
		}
		if dir != 0 && d != dir {
			return false, false
		}
		dir = d
		j++
	}
	if dir == 0 {
		dir = 1
	}
	return dir < 0, true
}

// nullable reports whether column col can hold NULL: primary-key columns
// cannot.
func (n *scanNode) nullable(index, col int) bool {
	for _, c := range n.layout.Indexes[0].Cols {
		if c == col {
			return false
		}
	}
	tc := n.desc.Table.Columns
	return col >= len(tc) || !tc[col].NotNull
}
