package sql

import (
	"sort"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Window frames: the rows an aggregate, first_value, last_value or
// nth_value sees for each row of a partition. ROWS counts rows, GROUPS
// peer groups, RANGE distances of the ORDER BY value; an exclusion
// drops the current row, its peers, or both.

// peerGroups numbers a partition's peer groups: group[i] is row i's,
// starts[g] the first row of group g (and starts[len] the end).
type peerGroups struct {
	group  []int
	starts []int
}

func newPeerGroups(p []*winRow, f *windowCall) *peerGroups {
	g := &peerGroups{group: make([]int, len(p))}
	for i := 0; i < len(p); {
		end := peerEnd(p, f, i)
		for j := i; j < end; j++ {
			g.group[j] = len(g.starts)
		}
		g.starts = append(g.starts, i)
		i = end
	}
	g.starts = append(g.starts, len(p))
	return g
}

// groupStart returns the first row of group k, clamped to the partition.
func (g *peerGroups) groupStart(k int) int {
	n := len(g.starts) - 1
	switch {
	case k < 0:
		return 0
	case k > n:
		return g.starts[n]
	}
	return g.starts[k]
}

// frameBounds returns row i's frame [start, end) in its partition.
func (n *windowNode) frameBounds(x *execCtx, p []*winRow, f *windowCall, i int, pg *peerGroups) (int, int, error) {
	opts := f.frame.opts
	num := len(p)
	offset := func(e expr.Expr, what string) (int, error) {
		v, err := x.eval(e, p[i].row)
		if err != nil {
			return 0, err
		}
		if v == nil {
			return 0, pgerror.Newf(pgcode.NullValueNotAllowed, "frame %s offset must not be null", what)
		}
		k := v.(int64)
		if k < 0 {
			return 0, pgerror.Newf(pgcode.InvalidPrecedingOrFollowingSize, "frame %s offset must not be negative", what)
		}
		if k > int64(num) {
			k = int64(num)
		}
		return int(k), nil
	}
	start, end := 0, num
	switch {
	case opts&frameRange != 0 && opts&(frameStartOffsetPreceding|frameStartOffsetFollowing) != 0:
		k, err := n.rangeBound(x, p, f, i, f.frame.startOff, opts&frameStartOffsetPreceding != 0, false)
		if err != nil {
			return 0, 0, err
		}
		start = k
	case opts&frameGroups != 0 && opts&(frameStartOffsetPreceding|frameStartOffsetFollowing) != 0:
		k, err := offset(f.frame.startOff, "starting")
		if err != nil {
			return 0, 0, err
		}
		if opts&frameStartOffsetPreceding != 0 {
			k = -k
		}
		start = pg.groupStart(pg.group[i] + k)
	case opts&frameStartUnboundedPrec != 0:
		start = 0
	case opts&frameStartCurrentRow != 0:
		start = i
		if opts&frameRows == 0 {
			for start > 0 && compareRows(f.orderKeys, p[start-1].ord, p[i].ord) == 0 {
				start--
			}
		}
	case opts&frameStartOffsetPreceding != 0:
		k, err := offset(f.frame.startOff, "starting")
		if err != nil {
			return 0, 0, err
		}
		start = max(i-k, 0)
	case opts&frameStartOffsetFollowing != 0:
		k, err := offset(f.frame.startOff, "starting")
		if err != nil {
			return 0, 0, err
		}
		start = min(i+k, num)
	}
	switch {
	case opts&frameRange != 0 && opts&(frameEndOffsetPreceding|frameEndOffsetFollowing) != 0:
		k, err := n.rangeBound(x, p, f, i, f.frame.endOffset, opts&frameEndOffsetPreceding != 0, true)
		if err != nil {
			return 0, 0, err
		}
		end = k
	case opts&frameGroups != 0 && opts&(frameEndOffsetPreceding|frameEndOffsetFollowing) != 0:
		k, err := offset(f.frame.endOffset, "ending")
		if err != nil {
			return 0, 0, err
		}
		if opts&frameEndOffsetPreceding != 0 {
			k = -k
		}
		end = pg.groupStart(pg.group[i] + k + 1)
	case opts&frameEndUnboundedFollowing != 0:
		end = num
	case opts&frameEndCurrentRow != 0:
		end = i + 1
		if opts&frameRows == 0 {
			end = peerEnd(p, f, i)
		}
	case opts&frameEndOffsetPreceding != 0:
		k, err := offset(f.frame.endOffset, "ending")
		if err != nil {
			return 0, 0, err
		}
		end = max(i-k+1, 0)
	case opts&frameEndOffsetFollowing != 0:
		k, err := offset(f.frame.endOffset, "ending")
		if err != nil {
			return 0, 0, err
		}
		end = min(i+k+1, num)
	}
	if len(f.order) == 0 && opts&frameRows == 0 {
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

// rangeBound returns a RANGE frame's offset bound for row i: the first
// row at or past value -/+ offset (past it for the frame's end), in the
// partition's order. A NULL value's bounds are its NULL peers.
func (n *windowNode) rangeBound(x *execCtx, p []*winRow, f *windowCall, i int, off expr.Expr, preceding, isEnd bool) (int, error) {
	cur := p[i].ord[0]
	if cur == nil {
		if isEnd {
			return peerEnd(p, f, i), nil
		}
		start := i
		for start > 0 && p[start-1].ord[0] == nil {
			start--
		}
		return start, nil
	}
	ov, err := x.eval(off, p[i].row)
	if err != nil {
		return 0, err
	}
	if ov == nil {
		what := "starting"
		if isEnd {
			what = "ending"
		}
		return 0, pgerror.Newf(pgcode.NullValueNotAllowed, "frame %s offset must not be null", what)
	}
	fr := &f.frame
	minus, plus := fr.startMinus, fr.startPlus
	if isEnd {
		minus, plus = fr.endMinus, fr.endPlus
	}
	fr.cur.v = cur
	lo, err := x.eval(minus, p[i].row)
	if err != nil {
		return 0, err
	}
	t := f.orderKeys[0].typ
	if lo != nil && types.Compare(t, lo, cur) > 0 {
		return 0, pgerror.New(pgcode.InvalidPrecedingOrFollowingSize, "invalid preceding or following size in window function")
	}
	e := plus
	if preceding != f.orderKeys[0].desc {
		e = minus
	}
	bound, err := x.eval(e, p[i].row)
	if err != nil {
		return 0, err
	}
	key := []types.Datum{bound}
	return sort.Search(len(p), func(j int) bool {
		c := compareRows(f.orderKeys[:1], p[j].ord, key)
		if isEnd {
			return c > 0
		}
		return c >= 0
	}), nil
}

// excluded reports whether the frame exclusion drops row j from row
// i's frame.
func excluded(opts int32, pg *peerGroups, i, j int) bool {
	switch {
	case opts&frameExcludeCurrentRow != 0:
		return j == i
	case opts&frameExcludeGroup != 0:
		return pg.group[j] == pg.group[i]
	case opts&frameExcludeTies != 0:
		return j != i && pg.group[j] == pg.group[i]
	}
	return false
}

// framed computes an aggregate, first_value, last_value or nth_value
// over each row's frame. A frame that starts at the partition's start
// and only grows reuses one running accumulator; others, and frames
// with exclusions, are computed afresh for each row.
func (n *windowNode) framed(x *execCtx, p []*winRow, f *windowCall, col int) error {
	opts := f.frame.opts
	var pg *peerGroups
	if opts&(frameGroups|frameExclusion) != 0 {
		pg = newPeerGroups(p, f)
	}
	var acc expr.Accumulator
	added := 0
	for i, r := range p {
		if i&255 == 255 {
			if err := x.checkCanceled(); err != nil {
				return err
			}
		}
		start, end, err := n.frameBounds(x, p, f, i, pg)
		if err != nil {
			return err
		}
		if opts&frameExclusion != 0 {
			var in []int
			for j := start; j < end; j++ {
				if !excluded(opts, pg, i, j) {
					in = append(in, j)
				}
			}
			v, err := n.overRows(x, p, f, r, in)
			if err != nil {
				return err
			}
			r.row[col] = v
			continue
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

// overRows computes a call over the rows of a frame with exclusions.
func (n *windowNode) overRows(x *execCtx, p []*winRow, f *windowCall, r *winRow, in []int) (types.Datum, error) {
	if f.agg == nil {
		var idx int
		switch f.name {
		case "first_value":
			idx = 0
		case "last_value":
			idx = len(in) - 1
		case "nth_value":
			v, err := x.eval(f.args[1], r.row)
			if err != nil || v == nil {
				return nil, err
			}
			k := v.(int64)
			if k <= 0 {
				return nil, pgerror.New(pgcode.InvalidParameterValue, "argument of nth_value must be greater than zero")
			}
			idx = int(min(k-1, int64(len(in))))
		}
		if idx < 0 || idx >= len(in) {
			return nil, nil
		}
		return x.eval(f.args[0], p[in[idx]].row)
	}
	acc := f.agg.New()
	for _, j := range in {
		if err := n.addTo(x, acc, f, p[j].row); err != nil {
			return nil, err
		}
	}
	v, err := acc.Result(x.ec)
	return v, evalError(x.ctx, err)
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
