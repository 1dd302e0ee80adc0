package sql

import (
	"container/heap"
	"slices"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// sortKey orders rows by one column.
type sortKey struct {
	col        int
	typ        *types.T
	desc       bool
	nullsFirst bool
}

// newSortKey reads an ORDER BY item's direction and NULL placement
// (NULLs sort as if larger than every value by default: last ascending,
// first descending).
func newSortKey(col int, t *types.T, sb *pg_query.SortBy) (sortKey, error) {
	k := sortKey{col: col, typ: t}
	if err := checkOrderable(t); err != nil {
		return k, err
	}
	if sb == nil {
		return k, nil
	}
	switch sb.SortbyDir {
	case pg_query.SortByDir_SORTBY_DESC:
		k.desc = true
	case pg_query.SortByDir_SORTBY_USING:
		switch opName(sb.UseOp) {
		case "<", "<=":
		case ">", ">=":
			k.desc = true
		default:
			return k, pgerror.Newf(pgcode.WrongObjectType, "operator %s is not a valid ordering operator", opName(sb.UseOp)).
				WithHint("Ordering operators must be \"<\" or \">\" members of btree operator families.")
		}
	}
	switch sb.SortbyNulls {
	case pg_query.SortByNulls_SORTBY_NULLS_FIRST:
		k.nullsFirst = true
	case pg_query.SortByNulls_SORTBY_NULLS_LAST:
		k.nullsFirst = false
	default:
		k.nullsFirst = k.desc
	}
	return k, nil
}

func opName(names []*pg_query.Node) string {
	if len(names) == 0 {
		return ""
	}
	return names[len(names)-1].GetString_().GetSval()
}

// checkOrderable refuses types without a btree ordering (json).
func checkOrderable(t *types.T) error {
	if t.IsArray() && t.Elem.Family == types.JSONFamily {
		return pgerror.Newf(pgcode.UndefinedFunction, "could not identify an ordering operator for type %s", t).
			WithHint("Use an explicit ordering operator or modify the query.")
	}
	switch t.Family {
	case types.JSONFamily, types.UnknownFamily:
		if t.Oid == types.JSON.Oid || t.Family == types.JSONFamily {
			return pgerror.Newf(pgcode.UndefinedFunction, "could not identify an ordering operator for type %s", t).
				WithHint("Use an explicit ordering operator or modify the query.")
		}
	}
	return nil
}

// compareRows orders two rows by sort keys.
func compareRows(keys []sortKey, a, b []types.Datum) int {
	for _, k := range keys {
		x, y := a[k.col], b[k.col]
		var c int
		switch {
		case x == nil && y == nil:
			continue
		case x == nil:
			c = 1
			if k.nullsFirst {
				c = -1
			}
			return c
		case y == nil:
			c = -1
			if k.nullsFirst {
				c = 1
			}
			return c
		default:
			c = types.Compare(k.typ, x, y)
		}
		if c != 0 {
			if k.desc {
				return -c
			}
			return c
		}
	}
	return 0
}

// sortNode sorts its input. With a limit it keeps only the first
// limit+offset rows in a heap (top-k), in memory proportional to k.
type sortNode struct {
	input         planNode
	keys          []sortKey
	limit, offset expr.Expr
}

func (n *sortNode) cols() []column { return n.input.cols() }

func (n *sortNode) open(x *execCtx) (rowIter, error) {
	k := int64(-1)
	if n.limit != nil {
		limit, offset, err := evalLimits(x, n.limit, n.offset)
		if err != nil {
			return nil, err
		}
		if limit >= 0 {
			k = limit + offset
		}
	}
	in, err := n.input.open(x)
	if err != nil {
		return nil, err
	}
	defer in.close()
	var rows [][]types.Datum
	var held int64
	ok := false
	defer func() {
		if !ok {
			x.mem.shrink(held)
		}
	}()
	if k >= 0 {
		rows, err = n.topK(x, in, k, &held)
		if err != nil {
			return nil, err
		}
		ok = true
		return &sliceIter{rows: rows, release: func() { x.mem.shrink(held) }}, nil
	}
	for i := 0; ; i++ {
		row, err := in.next()
		if err != nil {
			return nil, err
		}
		if row == nil {
			break
		}
		sz := rowSize(row)
		held += sz
		if err := x.mem.grow(sz); err != nil {
			return nil, err
		}
		if i&1023 == 1023 {
			if err := x.checkCanceled(); err != nil {
				return nil, err
			}
		}
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(a, b []types.Datum) int { return compareRows(n.keys, a, b) })
	ok = true
	return &sliceIter{rows: rows, release: func() { x.mem.shrink(held) }}, nil
}

// topK keeps the first k rows in order.
func (n *sortNode) topK(x *execCtx, in rowIter, k int64, held *int64) ([][]types.Datum, error) {
	if k == 0 {
		return nil, nil
	}
	h := &rowHeap{keys: n.keys}
	var seq int64
	for {
		row, err := in.next()
		if err != nil {
			return nil, err
		}
		if row == nil {
			break
		}
		if seq&1023 == 1023 {
			if err := x.checkCanceled(); err != nil {
				return nil, err
			}
		}
		e := heapRow{row: row, seq: seq}
		seq++
		if int64(h.Len()) < k {
			sz := rowSize(row)
			*held += sz
			if err := x.mem.grow(sz); err != nil {
				return nil, err
			}
			heap.Push(h, e)
			continue
		}
		if h.less(e, h.rows[0]) {
			h.rows[0] = e
			heap.Fix(h, 0)
		}
	}
	out := make([][]types.Datum, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(heapRow).row
	}
	return out, nil
}

type heapRow struct {
	row []types.Datum
	seq int64 // input order: ties keep it, as a stable sort would
}

// rowHeap is a max-heap: its top is the row that sorts last.
type rowHeap struct {
	keys []sortKey
	rows []heapRow
}

func (h *rowHeap) less(a, b heapRow) bool {
	if c := compareRows(h.keys, a.row, b.row); c != 0 {
		return c < 0
	}
	return a.seq < b.seq
}

func (h *rowHeap) Len() int           { return len(h.rows) }
func (h *rowHeap) Less(i, j int) bool { return h.less(h.rows[j], h.rows[i]) }
func (h *rowHeap) Swap(i, j int)      { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *rowHeap) Push(v any)         { h.rows = append(h.rows, v.(heapRow)) }
func (h *rowHeap) Pop() any {
	v := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return v
}
