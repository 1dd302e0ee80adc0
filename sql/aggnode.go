package sql

import (
	"slices"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// aggNode is hash aggregation: it reads all its input, folding each row
// into its group's accumulators, then produces one row per group (in the
// order groups were first seen): the group's key values and the
// aggregates' results. Without GROUP BY there is exactly one group, even
// for no input.
type aggNode struct {
	input   planNode
	groups  []expr.Expr
	aggs    []*aggCall
	columns []column
	// keyCols is the number of the grouping's expressions, which start
	// the grouped row whatever groups this run uses (a grouping set's
	// empty set has none, and they read NULL): the direct arguments of
	// ordered-set aggregates read them.
	keyCols int
}

func (n *aggNode) cols() []column { return n.columns }

// group is one group's state.
type group struct {
	vals []types.Datum
	accs []expr.Accumulator
	// seen holds, per DISTINCT aggregate, the argument keys added.
	seen []map[string]struct{}
	// buffered holds, per aggregate with ORDER BY or WITHIN GROUP, its
	// rows' arguments and order values, sorted at the end (and added to
	// the accumulator, or read by the ordered-set aggregate).
	buffered [][][]types.Datum
}

func (n *aggNode) newGroup(vals []types.Datum) *group {
	g := &group{vals: vals, accs: make([]expr.Accumulator, len(n.aggs))}
	for i, a := range n.aggs {
		if a.osa == nil {
			g.accs[i] = a.agg.New()
		}
		if a.distinct {
			if g.seen == nil {
				g.seen = make([]map[string]struct{}, len(n.aggs))
			}
			g.seen[i] = map[string]struct{}{}
		}
		if a.buffers() && g.buffered == nil {
			g.buffered = make([][][]types.Datum, len(n.aggs))
		}
	}
	return g
}

func (n *aggNode) open(x *execCtx) (rowIter, error) {
	groupTypes := make([]*types.T, len(n.groups))
	all := make([]int, len(n.groups))
	for i, e := range n.groups {
		groupTypes[i], all[i] = e.Type(), i
	}
	in, err := n.input.open(x)
	if err != nil {
		return nil, err
	}
	defer in.close()
	var held int64
	release := func() { x.mem.shrink(held) }
	byKey := map[string]*group{}
	var order []*group
	var single *group
	if len(n.groups) == 0 {
		single = n.newGroup(nil)
		order = append(order, single)
	}
	var keyBuf []byte
	vals := make([]types.Datum, len(n.groups))
	scratch := make([][]types.Datum, len(n.aggs))
	for k := 0; ; k++ {
		row, err := in.next()
		if err != nil {
			release()
			return nil, err
		}
		if row == nil {
			break
		}
		if k&1023 == 1023 {
			if err := x.checkCanceled(); err != nil {
				release()
				return nil, err
			}
		}
		g := single
		if g == nil {
			for i, e := range n.groups {
				if vals[i], err = x.eval(e, row); err != nil {
					release()
					return nil, err
				}
			}
			if keyBuf, err = appendGroupKey(keyBuf[:0], vals, all, groupTypes); err != nil {
				release()
				return nil, err
			}
			g = byKey[string(keyBuf)]
			if g == nil {
				g = n.newGroup(slices.Clone(vals))
				byKey[string(keyBuf)] = g
				order = append(order, g)
				sz := rowSize(vals) + int64(len(keyBuf)) + 64*int64(len(n.aggs)+1)
				held += sz
				if err := x.mem.grow(sz); err != nil {
					release()
					return nil, err
				}
			}
		}
		sz, err := n.add(x, g, row, scratch)
		if err == nil && sz > 0 {
			held += sz
			err = x.mem.grow(sz)
		}
		if err != nil {
			release()
			return nil, err
		}
	}
	rows := make([][]types.Datum, 0, len(order))
	for _, g := range order {
		out := make([]types.Datum, len(n.groups)+len(n.aggs))
		copy(out, g.vals)
		for i, a := range n.aggs {
			v, err := n.result(x, a, g, i)
			if err != nil {
				release()
				return nil, err
			}
			out[len(n.groups)+i] = v
		}
		rows = append(rows, out)
	}
	return &sliceIter{rows: rows, release: release}, nil
}

// add folds a row into a group; it returns the bytes it buffered.
// scratch holds, per aggregate, the arguments slice of the last row: an
// accumulator does not keep its arguments slice (expr.Accumulator), so
// only an aggregate with ORDER BY or WITHIN GROUP, which buffers them,
// needs a new one per row.
func (n *aggNode) add(x *execCtx, g *group, row []types.Datum, scratch [][]types.Datum) (int64, error) {
	var buffered int64
	for i, a := range n.aggs {
		if a.filter != nil {
			ok, err := x.evalBool(a.filter, row)
			if err != nil {
				return 0, err
			}
			if !ok {
				continue
			}
		}
		var args []types.Datum
		if a.buffers() {
			args = make([]types.Datum, len(a.args), len(a.args)+len(a.order))
		} else {
			if scratch[i] == nil {
				scratch[i] = make([]types.Datum, len(a.args))
			}
			args = scratch[i]
		}
		skip := false
		for j, e := range a.args {
			v, err := x.eval(e, row)
			if err != nil {
				return 0, err
			}
			if v == nil && a.agg.Strict {
				skip = true
			}
			args[j] = v
		}
		if skip {
			continue
		}
		if a.buffers() {
			for _, e := range a.order {
				v, err := x.eval(e, row)
				if err != nil {
					return 0, err
				}
				args = append(args, v)
			}
			g.buffered[i] = append(g.buffered[i], args)
			buffered += rowSize(args)
			continue
		}
		if a.distinct {
			key, err := n.argKey(a, args)
			if err != nil {
				return 0, err
			}
			if _, dup := g.seen[i][key]; dup {
				continue
			}
			g.seen[i][key] = struct{}{}
			buffered += int64(len(key) + 48)
		}
		if err := g.accs[i].Add(x.ec, args); err != nil {
			return 0, evalError(x.ctx, err)
		}
	}
	return buffered, nil
}

func (n *aggNode) argKey(a *aggCall, args []types.Datum) (string, error) {
	ts := make([]*types.T, len(a.args))
	idx := make([]int, len(a.args))
	for j, e := range a.args {
		ts[j], idx[j] = e.Type(), j
	}
	k, err := appendGroupKey(nil, args, idx, ts)
	return string(k), err
}

// result returns a group's value of its i-th aggregate.
func (n *aggNode) result(x *execCtx, a *aggCall, g *group, i int) (types.Datum, error) {
	if a.osa != nil {
		return n.orderedSetResult(x, a, g, i)
	}
	if g.buffered != nil && g.buffered[i] != nil {
		if err := n.addOrdered(x, a, g, i); err != nil {
			return nil, err
		}
	}
	v, err := g.accs[i].Result(x.ec)
	if err != nil {
		return nil, evalError(x.ctx, err)
	}
	return v, nil
}

// addOrdered sorts an ordered aggregate's buffered rows and adds them.
func (n *aggNode) addOrdered(x *execCtx, a *aggCall, g *group, i int) error {
	rows := g.buffered[i]
	slices.SortStableFunc(rows, func(p, q []types.Datum) int { return compareRows(a.orderKeys, p, q) })
	for _, r := range rows {
		args := r[:len(a.args)]
		if a.distinct {
			key, err := n.argKey(a, args)
			if err != nil {
				return err
			}
			if _, dup := g.seen[i][key]; dup {
				continue
			}
			g.seen[i][key] = struct{}{}
		}
		if err := g.accs[i].Add(x.ec, args); err != nil {
			return evalError(x.ctx, err)
		}
	}
	g.buffered[i] = nil
	return nil
}
