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
// in one direction; if so it sets that direction. With a LIMIT (limited)
// a full scan may switch to another index whose order fits: reading
// stops early, which beats sorting every row.
func orderedByScan(node planNode, keys []sortKey, limited bool) bool {
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
			return false
		}
		cols[i] = ref.Idx
	}
	if reverse, ok := scan.indexOrder(scan.index, scan.bounds, cols, keys); ok {
		scan.reverse = reverse
		return true
	}
	if !limited || scan.bounds != nil {
		return false
	}
	for i := range scan.layout.Indexes {
		if reverse, ok := scan.indexOrder(i, nil, cols, keys); ok && i != scan.index {
			scan.index, scan.reverse = i, reverse
			return true
		}
	}
	return false
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
			if len(alts) == 1 {
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
