package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// WITH queries are planned where they are defined and materialized once
// per execution, the first time a reference reads them (PostgreSQL's
// MATERIALIZED behaviour, which also keeps volatile functions to one
// evaluation). A recursive one iterates its recursive term over the rows
// the previous iteration produced until none come.

// cteScope is the WITH queries visible at a point of planning.
type cteScope struct {
	parent *cteScope
	ctes   map[string]*cte
}

func (c *cteScope) find(name string) *cte {
	for s := c; s != nil; s = s.parent {
		if q, ok := s.ctes[name]; ok {
			return q
		}
	}
	return nil
}

// cte is one WITH query.
type cte struct {
	name    string
	columns []column
	plan    planNode
	// lv is the level the query was planned at: references re-run it
	// when it is correlated.
	lv *level
	// work is set while the recursive term is planned: references read
	// the working table.
	work *workTable
}

// workTable is the rows of a recursive query's previous iteration.
type workTable struct {
	columns []column
}

// withClause plans a WITH clause's queries and makes them visible; pop
// hides them again.
func (pl *planner) withClause(w *pg_query.WithClause, outer *scope, lv *level) (func(), error) {
	sc := &cteScope{parent: pl.ctes, ctes: map[string]*cte{}}
	saved := pl.ctes
	pl.ctes = sc
	pop := func() { pl.ctes = saved }
	for _, n := range w.Ctes {
		c := n.GetCommonTableExpr()
		if _, dup := sc.ctes[c.Ctename]; dup {
			pop()
			return nil, pgerror.Newf(pgcode.DuplicateAlias, "WITH query name %q specified more than once", c.Ctename).WithPosition(int(c.Location) + 1)
		}
		sel := c.Ctequery.GetSelectStmt()
		if sel == nil {
			pop()
			return nil, pgerror.New(pgcode.FeatureNotSupported, "data-modifying statements in WITH are not supported yet").WithPosition(int(c.Location) + 1)
		}
		q := &cte{name: c.Ctename, lv: &level{parent: lv}}
		var err error
		if w.Recursive && sel.Op == pg_query.SetOperation_SETOP_UNION && referencesName(&pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: sel.Rarg}}, c.Ctename) {
			err = pl.recursiveCTE(q, c, sel, outer)
		} else {
			q.plan, err = pl.planQuery(sel, outer, q.lv)
		}
		if err != nil {
			pop()
			return nil, err
		}
		cols, err := aliasColumns(q.plan.cols(), c.Ctename, &pg_query.Alias{Colnames: c.Aliascolnames})
		if err != nil {
			pop()
			return nil, err
		}
		q.columns = cols
		sc.ctes[c.Ctename] = q
	}
	return pop, nil
}

// referencesName reports whether a query reads a relation of that name.
func referencesName(n *pg_query.Node, name string) bool {
	found := false
	inspect(n, func(m *pg_query.Node) bool {
		if rv := m.GetRangeVar(); rv != nil && rv.Schemaname == "" && rv.Relname == name {
			found = true
		}
		return !found
	})
	return found
}

// reference returns the plan of one reference to the query.
func (c *cte) reference(pl *planner) (planNode, error) {
	if c.work != nil {
		return &workScanNode{table: c.work}, nil
	}
	return &cteScanNode{cte: c}, nil
}

// cteScanNode reads a WITH query's materialized rows.
type cteScanNode struct{ cte *cte }

func (n *cteScanNode) cols() []column { return n.cte.columns }

func (n *cteScanNode) open(x *execCtx) (rowIter, error) {
	if !n.cte.lv.correlated {
		if rows, ok := x.cteRows[n.cte]; ok {
			return &sliceIter{rows: rows}, nil
		}
	}
	rows, err := materialize(x, n.cte.plan)
	if err != nil {
		return nil, err
	}
	if !n.cte.lv.correlated {
		if x.cteRows == nil {
			x.cteRows = map[*cte][][]types.Datum{}
		}
		x.cteRows[n.cte] = rows
	}
	return &sliceIter{rows: rows}, nil
}

// materialize reads all rows of a plan, within the memory budget (the
// rows live for the execution).
func materialize(x *execCtx, p planNode) ([][]types.Datum, error) {
	it, err := p.open(x)
	if err != nil {
		return nil, err
	}
	defer it.close()
	var rows [][]types.Datum
	for {
		r, err := it.next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			return rows, nil
		}
		if err := x.mem.grow(rowSize(r)); err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
}

// workScanNode reads a recursive query's working table.
type workScanNode struct{ table *workTable }

func (n *workScanNode) cols() []column { return n.table.columns }

func (n *workScanNode) open(x *execCtx) (rowIter, error) {
	return &sliceIter{rows: x.workRows[n.table]}, nil
}

// recursiveNode runs a recursive WITH query: the non-recursive term's
// rows, then the recursive term's over the previous iteration's rows
// until an iteration adds none. UNION (not ALL) drops rows already
// produced.
type recursiveNode struct {
	base, step planNode
	work       *workTable
	all        bool
}

func (n *recursiveNode) cols() []column { return n.base.cols() }

func (n *recursiveNode) open(x *execCtx) (rowIter, error) {
	cols := n.base.cols()
	ts := make([]*types.T, len(cols))
	idx := make([]int, len(cols))
	for i, c := range cols {
		ts[i], idx[i] = c.typ, i
		if !n.all {
			if err := checkHashable(c.typ); err != nil {
				return nil, err
			}
		}
	}
	seen := map[string]struct{}{}
	var out [][]types.Datum
	keep := func(rows [][]types.Datum) ([][]types.Datum, error) {
		if n.all {
			return rows, nil
		}
		var kept [][]types.Datum
		for _, r := range rows {
			k, err := appendGroupKey(nil, r, idx, ts)
			if err != nil {
				return nil, err
			}
			if _, dup := seen[string(k)]; dup {
				continue
			}
			seen[string(k)] = struct{}{}
			kept = append(kept, r)
		}
		return kept, nil
	}
	rows, err := materialize(x, n.base)
	if err != nil {
		return nil, err
	}
	if rows, err = keep(rows); err != nil {
		return nil, err
	}
	if x.workRows == nil {
		x.workRows = map[*workTable][][]types.Datum{}
	}
	for len(rows) > 0 {
		out = append(out, rows...)
		if err := x.checkCanceled(); err != nil {
			return nil, err
		}
		x.workRows[n.work] = rows
		next, err := materialize(x, n.step)
		if err != nil {
			return nil, err
		}
		if rows, err = keep(next); err != nil {
			return nil, err
		}
	}
	delete(x.workRows, n.work)
	return &sliceIter{rows: out}, nil
}

// recursiveCTE plans WITH RECURSIVE name AS (base UNION [ALL] step).
func (pl *planner) recursiveCTE(q *cte, c *pg_query.CommonTableExpr, sel *pg_query.SelectStmt, outer *scope) error {
	if len(sel.SortClause) > 0 || sel.LimitCount != nil || sel.LimitOffset != nil {
		return pgerror.New(pgcode.FeatureNotSupported, "ORDER BY/LIMIT in a recursive query is not implemented").WithPosition(int(c.Location) + 1)
	}
	base, err := pl.planQuery(sel.Larg, outer, q.lv)
	if err != nil {
		return err
	}
	cols, err := aliasColumns(base.cols(), c.Ctename, &pg_query.Alias{Colnames: c.Aliascolnames})
	if err != nil {
		return err
	}
	work := &workTable{columns: cols}
	q.work = work
	// The recursive term sees the name as the working table.
	sc := &cteScope{parent: pl.ctes, ctes: map[string]*cte{c.Ctename: q}}
	saved := pl.ctes
	pl.ctes = sc
	step, err := pl.planQuery(sel.Rarg, outer, q.lv)
	pl.ctes = saved
	q.work = nil
	if err != nil {
		return err
	}
	stepCols := step.cols()
	if len(visibleColumns(stepCols)) != len(visibleColumns(cols)) {
		return pgerror.New(pgcode.Syntax, "each UNION query must have the same number of columns").WithPosition(int(c.Location) + 1)
	}
	// The step's columns must have the base's types.
	conv := &projectNode{input: step, columns: cols}
	b := pl.builder(nil, "")
	for i, sc := range stepCols {
		var e expr.Expr = &expr.ColRef{Idx: i, T: sc.typ, Name: sc.name}
		if sc.typ.Oid != cols[i].typ.Oid {
			ce, err := b.Coerce(e, cols[i].typ, "UNION", c.Location)
			if err != nil {
				return pgerror.Newf(pgcode.DatatypeMismatch, "recursive query %q column %d has type %s in non-recursive term but type %s overall", c.Ctename, i+1, cols[i].typ, sc.typ).
					WithHint("Cast the output of the non-recursive term to the correct type.").WithPosition(int(c.Location) + 1)
			}
			e = ce
		}
		conv.exprs = append(conv.exprs, e)
	}
	q.plan = &recursiveNode{base: base, step: conv, work: work, all: sel.All}
	return nil
}
