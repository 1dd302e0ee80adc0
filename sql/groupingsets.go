package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// GROUP BY GROUPING SETS, ROLLUP and CUBE aggregate the input once per
// grouping set; in each set's rows the grouping expressions outside the
// set are NULL, and GROUPING(...) tells which those are. The rows carry
// the set's number in a last, hidden column for GROUPING to read.

// maxGroupingSets is PostgreSQL's limit on the expanded sets.
const maxGroupingSets = 4096

// groupingSet expands one GROUP BY item that is a grouping set into its
// sets of expression indexes.
func (g *grouping) groupingSet(gs *pg_query.GroupingSet, inB *expr.Builder, targets []target) ([][]int, error) {
	// parts are the item's elements, each a list of expressions (a
	// parenthesized list counts as one element).
	element := func(n *pg_query.Node) ([]int, error) {
		if inner := n.GetGroupingSet(); inner != nil && inner.Kind == pg_query.GroupingSetKind_GROUPING_SET_SIMPLE {
			var out []int
			for _, c := range inner.Content {
				i, err := g.addItem(c, inB, targets)
				if err != nil {
					return nil, err
				}
				out = append(out, i)
			}
			return out, nil
		}
		if row := n.GetRowExpr(); row != nil {
			var out []int
			for _, c := range row.Args {
				i, err := g.addItem(c, inB, targets)
				if err != nil {
					return nil, err
				}
				out = append(out, i)
			}
			return out, nil
		}
		i, err := g.addItem(n, inB, targets)
		return []int{i}, err
	}
	switch gs.Kind {
	case pg_query.GroupingSetKind_GROUPING_SET_EMPTY:
		return [][]int{{}}, nil
	case pg_query.GroupingSetKind_GROUPING_SET_SIMPLE:
		e, err := element(&pg_query.Node{Node: &pg_query.Node_GroupingSet{GroupingSet: gs}})
		return [][]int{e}, err
	case pg_query.GroupingSetKind_GROUPING_SET_ROLLUP, pg_query.GroupingSetKind_GROUPING_SET_CUBE:
		var parts [][]int
		for _, c := range gs.Content {
			e, err := element(c)
			if err != nil {
				return nil, err
			}
			parts = append(parts, e)
		}
		if gs.Kind == pg_query.GroupingSetKind_GROUPING_SET_ROLLUP {
			// (a, b, c), (a, b), (a), ().
			var out [][]int
			for k := len(parts); k >= 0; k-- {
				var set []int
				for _, p := range parts[:k] {
					set = append(set, p...)
				}
				out = append(out, set)
			}
			return out, nil
		}
		if len(parts) > 12 {
			return nil, pgerror.New(pgcode.ProgramLimitExceeded, "CUBE is limited to 12 elements").WithPosition(int(gs.Location) + 1)
		}
		// Every subset, the largest first.
		var out [][]int
		for mask := (1 << len(parts)) - 1; mask >= 0; mask-- {
			var set []int
			for i, p := range parts {
				if mask&(1<<(len(parts)-1-i)) != 0 {
					set = append(set, p...)
				}
			}
			out = append(out, set)
		}
		return out, nil
	case pg_query.GroupingSetKind_GROUPING_SET_SETS:
		var out [][]int
		for _, c := range gs.Content {
			if inner := c.GetGroupingSet(); inner != nil && inner.Kind != pg_query.GroupingSetKind_GROUPING_SET_SIMPLE {
				sets, err := g.groupingSet(inner, inB, targets)
				if err != nil {
					return nil, err
				}
				out = append(out, sets...)
				continue
			}
			e, err := element(c)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		return out, nil
	}
	return nil, pgerror.New(pgcode.FeatureNotSupported, "this grouping set is not supported").WithPosition(int(gs.Location) + 1)
}

// crossSets combines the sets of successive GROUP BY items: every set
// of the ones so far with every set of the next.
func crossSets(a, b [][]int) [][]int {
	out := make([][]int, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, append(append([]int(nil), x...), y...))
		}
	}
	return out
}

// groupingSetsNode runs an aggregation once per grouping set.
type groupingSetsNode struct {
	agg     *aggNode
	sets    [][]int
	columns []column
}

func newGroupingSets(agg *aggNode, sets [][]int) *groupingSetsNode {
	cols := append(append([]column(nil), agg.columns...), column{typ: types.Int8, hidden: true, qualifiedOnly: true})
	return &groupingSetsNode{agg: agg, sets: sets, columns: cols}
}

func (n *groupingSetsNode) cols() []column { return n.columns }

func (n *groupingSetsNode) open(x *execCtx) (rowIter, error) {
	var rows [][]types.Datum
	var held int64
	release := func() { x.mem.shrink(held) }
	ng := len(n.agg.groups)
	for si, set := range n.sets {
		in := map[int]bool{}
		for _, i := range set {
			in[i] = true
		}
		a := *n.agg
		a.groups = nil
		if len(set) > 0 {
			// The expressions outside the set group as one NULL.
			a.groups = make([]expr.Expr, ng)
			for i, e := range n.agg.groups {
				if in[i] {
					a.groups[i] = e
				} else {
					a.groups[i] = &expr.Const{T: e.Type(), Loc: -1}
				}
			}
		}
		it, err := a.open(x)
		if err != nil {
			release()
			return nil, err
		}
		for {
			r, err := it.next()
			if err != nil {
				it.close()
				release()
				return nil, err
			}
			if r == nil {
				break
			}
			out := make([]types.Datum, len(n.columns))
			if len(set) > 0 {
				copy(out, r)
			} else {
				copy(out[ng:], r) // the empty set: no group values
			}
			out[len(out)-1] = int64(si)
			sz := rowSize(out)
			if err := x.mem.grow(sz); err != nil {
				it.close()
				release()
				return nil, err
			}
			held += sz
			rows = append(rows, out)
		}
		it.close()
	}
	return &sliceIter{rows: rows, release: release}, nil
}

// groupingFunc is GROUPING(a, b, ...): a bit per argument, the first
// the most significant, set when the row's grouping set leaves the
// argument out.
type groupingFunc struct {
	g    *grouping
	args []int
}

func (f *groupingFunc) Type() *types.T { return types.Int4 }
func (f *groupingFunc) UsesRow() bool  { return true }

func (f *groupingFunc) Eval(ctx *expr.Context) (types.Datum, error) {
	if f.g.sets == nil {
		return int64(0), nil
	}
	set := f.g.sets[ctx.Row[len(f.g.exprs)+len(f.g.aggs)].(int64)]
	var v int64
	for _, a := range f.args {
		v <<= 1
		in := false
		for _, i := range set {
			if i == a {
				in = true
			}
		}
		if !in {
			v |= 1
		}
	}
	return v, nil
}

// grouping builds GROUPING(...) of a grouped query.
func (g *grouping) groupingCall(gf *pg_query.GroupingFunc) (expr.Expr, error) {
	f := &groupingFunc{g: g}
	for _, a := range gf.Args {
		i, ok := g.keys[nodeKey(a)]
		if !ok {
			return nil, pgerror.New(pgcode.GroupingError, "arguments to GROUPING must be grouping expressions of the associated query level").WithPosition(int(expr.Location(a)) + 1)
		}
		f.args = append(f.args, i)
	}
	if len(f.args) > 31 {
		return nil, pgerror.New(pgcode.TooManyArguments, "GROUPING must have fewer than 32 arguments").WithPosition(int(gf.Location) + 1)
	}
	return f, nil
}
