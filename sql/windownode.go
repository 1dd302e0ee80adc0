package sql

import (
	"slices"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// windowNode computes window functions: it reads all its input, then for
// each call sorts the rows by partition and order, and fills the call's
// column partition by partition. Rows come out in the order of the last
// call's sort.
type windowNode struct {
	input   planNode
	funcs   []*windowCall
	columns []column
	width   int
}

func (n *windowNode) cols() []column { return n.columns }

// winRow is an input row extended with the window columns, and its
// partition and order values for the call being computed.
type winRow struct {
	row  []types.Datum
	part []byte
	ord  []types.Datum
}

func (n *windowNode) open(x *execCtx) (rowIter, error) {
	in, err := n.input.open(x)
	if err != nil {
		return nil, err
	}
	rows, held, err := n.materialize(x, in)
	in.close()
	release := func() { x.mem.shrink(held) }
	if err != nil {
		release()
		return nil, err
	}
	for i, f := range n.funcs {
		if err := n.compute(x, rows, f, n.width+i); err != nil {
			release()
			return nil, err
		}
	}
	out := make([][]types.Datum, len(rows))
	for i, r := range rows {
		out[i] = r.row
	}
	return &sliceIter{rows: out, release: release}, nil
}

func (n *windowNode) materialize(x *execCtx, in rowIter) ([]*winRow, int64, error) {
	var rows []*winRow
	var held int64
	for {
		row, err := in.next()
		if err != nil {
			return nil, held, err
		}
		if row == nil {
			return rows, held, nil
		}
		ext := make([]types.Datum, n.width+len(n.funcs))
		copy(ext, row)
		sz := rowSize(ext)
		held += sz
		if err := x.mem.grow(sz); err != nil {
			return nil, held, err
		}
		rows = append(rows, &winRow{row: ext})
	}
}

// compute fills column col with one window call's values.
func (n *windowNode) compute(x *execCtx, rows []*winRow, f *windowCall, col int) error {
	pts := make([]*types.T, len(f.partition))
	pidx := make([]int, len(f.partition))
	for i, e := range f.partition {
		pts[i], pidx[i] = e.Type(), i
	}
	vals := make([]types.Datum, len(f.partition))
	for _, r := range rows {
		for i, e := range f.partition {
			v, err := x.eval(e, r.row)
			if err != nil {
				return err
			}
			vals[i] = v
		}
		k, err := appendGroupKey(r.part[:0], vals, pidx, pts)
		if err != nil {
			return err
		}
		r.part = k
		r.ord = r.ord[:0]
		for _, e := range f.order {
			v, err := x.eval(e, r.row)
			if err != nil {
				return err
			}
			r.ord = append(r.ord, v)
		}
	}
	slices.SortStableFunc(rows, func(a, b *winRow) int {
		if c := compareBytes(a.part, b.part); c != 0 {
			return c
		}
		return compareRows(f.orderKeys, a.ord, b.ord)
	})
	for start := 0; start < len(rows); {
		end := start + 1
		for end < len(rows) && string(rows[end].part) == string(rows[start].part) {
			end++
		}
		if err := n.partition(x, rows[start:end], f, col); err != nil {
			return err
		}
		start = end
		if err := x.checkCanceled(); err != nil {
			return err
		}
	}
	return nil
}

func compareBytes(a, b []byte) int {
	switch {
	case string(a) < string(b):
		return -1
	case string(a) > string(b):
		return 1
	}
	return 0
}

// peerEnd returns the end of row i's peer group (rows equal on ORDER BY).
func peerEnd(p []*winRow, f *windowCall, i int) int {
	j := i + 1
	for j < len(p) && compareRows(f.orderKeys, p[i].ord, p[j].ord) == 0 {
		j++
	}
	return j
}

// partition computes a call over one partition's rows, in order.
func (n *windowNode) partition(x *execCtx, p []*winRow, f *windowCall, col int) error {
	num := len(p)
	switch f.name {
	case "row_number":
		for i, r := range p {
			r.row[col] = int64(i + 1)
		}
		return nil
	case "rank", "dense_rank", "percent_rank", "cume_dist":
		dense := int64(0)
		for i := 0; i < num; {
			end := peerEnd(p, f, i)
			dense++
			for j := i; j < end; j++ {
				switch f.name {
				case "rank":
					p[j].row[col] = int64(i + 1)
				case "dense_rank":
					p[j].row[col] = dense
				case "percent_rank":
					v := 0.0
					if num > 1 {
						v = float64(i) / float64(num-1)
					}
					p[j].row[col] = v
				case "cume_dist":
					p[j].row[col] = float64(end) / float64(num)
				}
			}
			i = end
		}
		return nil
	case "ntile":
		for i, r := range p {
			v, err := x.eval(f.args[0], r.row)
			if err != nil {
				return err
			}
			if v == nil {
				r.row[col] = nil
				continue
			}
			buckets := v.(int64)
			if buckets <= 0 {
				return pgerror.New(pgcode.InvalidParameterValue, "argument of ntile must be greater than zero")
			}
			r.row[col] = ntile(int64(i), int64(num), buckets)
		}
		return nil
	case "lag", "lead":
		for i, r := range p {
			off := int64(1)
			if len(f.args) > 1 {
				v, err := x.eval(f.args[1], r.row)
				if err != nil {
					return err
				}
				if v == nil {
					r.row[col] = nil
					continue
				}
				off = v.(int64)
			}
			if f.name == "lag" {
				off = -off
			}
			j := int64(i) + off
			if j >= 0 && j < int64(num) {
				v, err := x.eval(f.args[0], p[j].row)
				if err != nil {
					return err
				}
				r.row[col] = v
				continue
			}
			var def types.Datum
			if len(f.args) > 2 {
				v, err := x.eval(f.args[2], r.row)
				if err != nil {
					return err
				}
				def = v
			}
			r.row[col] = def
		}
		return nil
	}
	return n.framed(x, p, f, col)
}

// ntile is the bucket (1-based) of row i of n split into k buckets, the
// larger buckets first.
func ntile(i, n, k int64) int64 {
	if k > n {
		return i + 1
	}
	size, extra := n/k, n%k
	big := extra * (size + 1)
	if i < big {
		return i/(size+1) + 1
	}
	return extra + (i-big)/size + 1
}

// frameBounds returns row i's frame [start, end) in its partition.
func (n *windowNode) frameBounds(x *execCtx, p []*winRow, f *windowCall, i int) (int, int, error) {
	opts := f.frame.opts
	num := len(p)
	offset := func(e expr.Expr) (int, error) {
		v, err := x.eval(e, p[i].row)
		if err != nil {
			return 0, err
		}
		if v == nil {
			return 0, pgerror.New(pgcode.NullValueNotAllowed, "frame starting offset must not be null")
		}
		k := v.(int64)
		if k < 0 {
			return 0, pgerror.New(pgcode.InvalidPrecedingOrFollowingSize, "frame starting offset must not be negative")
		}
		if k > int64(num) {
			k = int64(num)
		}
		return int(k), nil
	}
	start, end := 0, num
	rows := opts&frameRows != 0
	switch {
	case opts&frameStartUnboundedPrec != 0:
		start = 0
	case opts&frameStartCurrentRow != 0:
		start = i
		if !rows {
			for start > 0 && compareRows(f.orderKeys, p[start-1].ord, p[i].ord) == 0 {
				start--
			}
		}
	case opts&frameStartOffsetPreceding != 0:
		k, err := offset(f.frame.startOff)
		if err != nil {
			return 0, 0, err
		}
		start = max(i-k, 0)
	case opts&frameStartOffsetFollowing != 0:
		k, err := offset(f.frame.startOff)
		if err != nil {
			return 0, 0, err
		}
		start = min(i+k, num)
	}
	switch {
	case opts&frameEndUnboundedFollowing != 0:
		end = num
	case opts&frameEndCurrentRow != 0:
		end = i + 1
		if !rows {
			end = peerEnd(p, f, i)
		}
	case opts&frameEndOffsetPreceding != 0:
		k, err := offset(f.frame.endOffset)
		if err != nil {
			return 0, 0, err
		}
		end = max(i-k+1, 0)
	case opts&frameEndOffsetFollowing != 0:
		k, err := offset(f.frame.endOffset)
		if err != nil {
			return 0, 0, err
		}
		end = min(i+k+1, num)
	}
	if len(f.order) == 0 && !rows {
		// Without ORDER BY every row is a peer of every other.
		if opts&frameStartCurrentRow != 0 {
			start = 0
		}
		if opts&frameEndCurrentRow != 0 {
			end = num
		}
	}
	return start, end, nil
}

// framed computes an aggregate, first_value, last_value or nth_value
// over each row's frame. A frame that starts at the partition's start
// and only grows reuses one running accumulator.
func (n *windowNode) framed(x *execCtx, p []*winRow, f *windowCall, col int) error {
	var acc expr.Accumulator
	added := 0
	for i, r := range p {
		start, end, err := n.frameBounds(x, p, f, i)
		if err != nil {
			return err
		}
		if f.agg == nil {
			v, err := n.valueAt(x, p, f, r, start, end)
			if err != nil {
				return err
			}
			r.row[col] = v
			continue
		}
		if acc == nil || start != 0 || end < added {
			acc, added = f.agg.New(), start
		}
		for ; added < end; added++ {
			if err := n.addTo(x, acc, f, p[added].row); err != nil {
				return err
			}
		}
		v, err := acc.Result(x.ec)
		if err != nil {
			return evalError(x.ctx, err)
		}
		r.row[col] = v
		if start != 0 {
			acc = nil
		}
	}
	return nil
}

func (n *windowNode) addTo(x *execCtx, acc expr.Accumulator, f *windowCall, row []types.Datum) error {
	if f.filter != nil {
		ok, err := x.evalBool(f.filter, row)
		if err != nil || !ok {
			return err
		}
	}
	args := make([]types.Datum, len(f.args))
	for j, e := range f.args {
		v, err := x.eval(e, row)
		if err != nil {
			return err
		}
		if v == nil && f.agg.Strict {
			return nil
		}
		args[j] = v
	}
	if err := acc.Add(x.ec, args); err != nil {
		return evalError(x.ctx, err)
	}
	return nil
}

// valueAt computes first_value, last_value or nth_value of a frame.
func (n *windowNode) valueAt(x *execCtx, p []*winRow, f *windowCall, r *winRow, start, end int) (types.Datum, error) {
	idx := -1
	switch f.name {
	case "first_value":
		idx = start
	case "last_value":
		idx = end - 1
	case "nth_value":
		v, err := x.eval(f.args[1], r.row)
		if err != nil || v == nil {
			return nil, err
		}
		k := v.(int64)
		if k <= 0 {
			return nil, pgerror.New(pgcode.InvalidParameterValue, "argument of nth_value must be greater than zero")
		}
		idx = start + int(k) - 1
	}
	if idx < start || idx >= end {
		return nil, nil
	}
	return x.eval(f.args[0], p[idx].row)
}
