package sql

import (
	"slices"

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
				return pgerror.New(pgcode.Code("22014"), "argument of ntile must be greater than zero") // invalid_argument_for_ntile_function
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
