package sql

import (
	"slices"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Set-returning functions in a select list (SELECT generate_series(1, 3))
// run as PostgreSQL's ProjectSet does: for each row the select list is
// evaluated over, the functions run side by side; the row repeats once
// per value of the longest, the others giving NULL when they run out,
// and a row for which they all return nothing is dropped. Each call is
// planned like a function in FROM correlated to that row; a function of
// several output columns gives one record per row (recordNode).

// isSetReturning names the set-returning functions.
func isSetReturning(name string) bool {
	switch name {
	case "generate_series", "unnest", "generate_subscripts", "_pg_expandarray",
		"json_populate_recordset", "jsonb_populate_recordset":
		return true
	}
	if catalogSetFuncs[name] != nil {
		return true
	}
	return expr.IsSetFunc(name)
}

// srfSet is the set-returning calls of one select list; base is the
// position of their values in the row the select list reads (after the
// input's columns), known once the input is planned.
type srfSet struct {
	nodes []planNode
	base  int
}

// srfRef reads one call's current value.
type srfRef struct {
	set *srfSet
	k   int
	T   *types.T
}

func (r *srfRef) Type() *types.T { return r.T }
func (r *srfRef) UsesRow() bool  { return true }

func (r *srfRef) Eval(ctx *expr.Context) (types.Datum, error) {
	return ctx.Row[r.set.base+r.k], nil
}

// srf plans a set-returning call of the select list.
func (sb *selectBuild) srf(set *srfSet, f *pg_query.FuncCall, name string) (expr.Expr, error) {
	if f.Over != nil {
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s in a select list is not supported yet", name).WithPosition(int(f.Location) + 1)
	}
	b := sb.pl.builder(newScope(nil, &level{parent: sb.lv}, sb.sc), "SELECT")
	if sb.grp != nil {
		// Its arguments may read the groups and aggregates
		// (generate_series(1, count(*))), which are columns of the row
		// it is correlated to.
		sb.grp.hook(b, true)
		outer := func(e expr.Expr, err error) (expr.Expr, error) {
			if r, ok := e.(*expr.ColRef); ok {
				return &expr.OuterRef{Depth: 1, Idx: r.Idx, T: r.T, Name: r.Name}, err
			}
			return e, err
		}
		match, agg := b.Match, b.Aggregate
		b.Match = func(n *pg_query.Node) (expr.Expr, error) { return outer(match(n)) }
		b.Aggregate = func(f *pg_query.FuncCall, name string) (expr.Expr, error) { return outer(agg(f, name)) }
	}
	n, err := sb.pl.setFunction(b, f, name)
	if err != nil {
		return nil, err
	}
	if rf, ok := n.(*recordFuncNode); ok && rf.rowType() != nil {
		// json_populate_recordset: records of its base's type.
		n = &recordNode{input: n, columns: []column{{name: name, typ: rf.rowType()}}}
	} else if len(n.cols()) != 1 {
		// json_each, _pg_expandarray: one record per row, whose fields
		// (f(x)).name selects.
		n = newRecordNode(n, name)
	}
	set.nodes = append(set.nodes, n)
	return &srfRef{set: set, k: len(set.nodes) - 1, T: n.cols()[0].typ}, nil
}

// errSRFNotAllowed is the error of a set-returning call where rows
// cannot multiply.
func errSRFNotAllowed(f *pg_query.FuncCall, clause string) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "set-returning functions are not allowed in %s", clause).WithPosition(int(f.Location) + 1)
}

// projectSetNode appends the values of set-returning calls to its
// input's rows.
type projectSetNode struct {
	input planNode
	srfs  []planNode
	// offs are where each call's columns start among the ones appended,
	// and where they end (offs[k+1]): a select list's calls have one
	// each (a record, for several), ROWS FROM's all of theirs.
	offs    []int
	columns []column
	// sameRow runs the calls in the scope they were planned in (ROWS
	// FROM), not as correlated to the input row.
	sameRow bool
}

func newProjectSet(input planNode, set *srfSet) *projectSetNode {
	cols := append([]column(nil), input.cols()...)
	set.base = len(cols)
	offs := make([]int, len(set.nodes)+1)
	for k, n := range set.nodes {
		offs[k] = len(cols) - set.base
		for _, c := range n.cols() {
			c.hidden = true
			cols = append(cols, c)
		}
	}
	offs[len(set.nodes)] = len(cols) - set.base
	return &projectSetNode{input: input, srfs: set.nodes, offs: offs, columns: cols}
}

func (n *projectSetNode) cols() []column { return n.columns }

func (n *projectSetNode) open(x *execCtx) (rowIter, error) {
	in, err := n.input.open(x)
	if err != nil {
		return nil, err
	}
	return &projectSetIter{n: n, x: x, in: in}, nil
}

type projectSetIter struct {
	n   *projectSetNode
	x   *execCtx
	in  rowIter
	cur []types.Datum
	its []rowIter // nil: between input rows
	k   int
}

func (it *projectSetIter) next() ([]types.Datum, error) {
	nIn := len(it.n.input.cols())
	for {
		if it.its != nil {
			row := make([]types.Datum, len(it.n.columns))
			copy(row, it.cur)
			any := false
			for k, sit := range it.its {
				if sit == nil {
					continue
				}
				var r []types.Datum
				if err := it.asOuter(func() (err error) {
					r, err = sit.next()
					return err
				}); err != nil {
					return nil, err
				}
				if r == nil {
					sit.close()
					it.its[k] = nil
					continue
				}
				copy(row[nIn+it.n.offs[k]:nIn+it.n.offs[k+1]], r)
				any = true
			}
			if any {
				if it.k++; it.k&1023 == 0 {
					if err := it.x.checkCanceled(); err != nil {
						return nil, err
					}
				}
				return row, nil
			}
			it.its = nil
		}
		in, err := it.in.next()
		if err != nil || in == nil {
			return nil, err
		}
		it.cur = slices.Clone(in)
		it.its = make([]rowIter, len(it.n.srfs))
		for k, s := range it.n.srfs {
			if err := it.asOuter(func() (err error) {
				it.its[k], err = s.open(it.x)
				return err
			}); err != nil {
				it.closeSRFs()
				return nil, err
			}
		}
	}
}

// asOuter runs f with the input row as the calls' outer row.
func (it *projectSetIter) asOuter(f func() error) error {
	if it.n.sameRow {
		return f()
	}
	return withOuter(it.x, it.cur, f)
}

func (it *projectSetIter) closeSRFs() {
	for _, s := range it.its {
		if s != nil {
			s.close()
		}
	}
	it.its = nil
}

func (it *projectSetIter) close() {
	it.closeSRFs()
	it.in.close()
}

// recordNode packs each row of a set-returning function of several
// columns into one record, as PostgreSQL returns such a function's rows
// in a select list.
type recordNode struct {
	input   planNode
	columns []column
}

func newRecordNode(input planNode, name string) *recordNode {
	var fields []types.Field
	for _, c := range input.cols() {
		fields = append(fields, types.Field{Name: c.name, T: c.typ})
	}
	return &recordNode{input: input, columns: []column{{name: name, typ: types.RecordOf(fields)}}}
}

func (n *recordNode) cols() []column { return n.columns }

func (n *recordNode) open(x *execCtx) (rowIter, error) {
	in, err := n.input.open(x)
	if err != nil {
		return nil, err
	}
	return &recordIter{in: in, t: n.columns[0].typ}, nil
}

type recordIter struct {
	in rowIter
	t  *types.T
}

func (it *recordIter) next() ([]types.Datum, error) {
	row, err := it.in.next()
	if err != nil || row == nil {
		return nil, err
	}
	return []types.Datum{&types.Record{Values: slices.Clone(row), T: it.t}}, nil
}

func (it *recordIter) close() { it.in.close() }
