package sql

import (
	"slices"

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
	// dml, for a data-modifying WITH query, is its statement
	// (cte_dml.go); refs counts the references planned to the query.
	dml  *dmlCTE
	refs int
}

// workTable is the rows of a recursive query's previous iteration.
type workTable struct {
	columns []column
}

// withClause plans a WITH clause's queries and makes them visible; pop
// hides them again. dml are its data-modifying queries, which the
// caller runs around its statement (withDMLNode).
func (pl *planner) withClause(w *pg_query.WithClause, outer *scope, lv *level) (pop func(), dml []*cte, err error) {
	sc := &cteScope{parent: pl.ctes, ctes: map[string]*cte{}}
	saved := pl.ctes
	pl.ctes = sc
	pop = func() { pl.ctes = saved }
	for _, n := range w.Ctes {
		c := n.GetCommonTableExpr()
		if _, dup := sc.ctes[c.Ctename]; dup {
			pop()
			return nil, nil, pgerror.Newf(pgcode.DuplicateAlias, "WITH query name \"%s\" specified more than once", c.Ctename).WithPosition(int(c.Location) + 1)
		}
		sel := c.Ctequery.GetSelectStmt()
		if sel == nil {
			q, err := pl.dmlCTE(w, c)
			if err != nil {
				pop()
				return nil, nil, err
			}
			sc.ctes[c.Ctename] = q
			dml = append(dml, q)
			continue
		}
		q := &cte{name: c.Ctename, lv: &level{parent: lv}}
		var err error
		if w.Recursive && referencesName(c.Ctequery, c.Ctename) {
			if err = checkRecursion(c.Ctename, sel); err == nil {
				err = pl.recursiveCTE(q, c, sel, outer)
			}
		} else {
			q.plan, err = pl.planQuery(sel, outer, q.lv)
		}
		if err != nil {
			pop()
			return nil, nil, err
		}
		cols, err := cteColumns(q.plan.cols(), c)
		if err != nil {
			pop()
			return nil, nil, err
		}
		q.columns = cols
		sc.ctes[c.Ctename] = q
	}
	return pop, dml, nil
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

// reference returns the plan of one reference, at loc, to the query.
func (c *cte) reference(loc int32) (planNode, error) {
	if c.dml != nil && c.dml.plan.ret == nil {
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "WITH query \"%s\" does not have a RETURNING clause", c.name).WithPosition(int(loc) + 1)
	}
	c.refs++
	if c.work != nil {
		return &workScanNode{table: c.work}, nil
	}
	return &cteScanNode{cte: c}, nil
}

// cteScanNode reads a WITH query's rows. An uncorrelated query runs
// once per execution; its rows are kept as they are read, for the other
// references and rescans, and it runs only as far as its readers go.
type cteScanNode struct{ cte *cte }

func (n *cteScanNode) cols() []column { return n.cte.columns }

func (n *cteScanNode) open(x *execCtx) (rowIter, error) {
	if n.cte.lv.correlated {
		// It reads the enclosing row: it runs again for each.
		return n.cte.plan.open(x)
	}
	b := cteBufferOf(x, n.cte)
	b.readers++
	return &cteScanIter{b: b, x: x}, nil
}

// cteBuffer is an uncorrelated WITH query's rows read so far in an
// execution, and the running query that makes more.
type cteBuffer struct {
	plan    planNode
	it      rowIter
	rows    [][]types.Datum
	held    int64
	done    bool
	readers int
	// skip counts the rows a restarted query has to pass over again.
	skip int
}

// cteBufferOf returns the buffer of a WITH query in an execution. It is
// kept in the execution's cteRows map, as the single value of a one-row
// entry, so that it lives and dies with the execution.
func cteBufferOf(x *execCtx, c *cte) *cteBuffer {
	if x.cteRows == nil {
		x.cteRows = map[*cte][][]types.Datum{}
	}
	if rows, ok := x.cteRows[c]; ok {
		return rows[0][0].(*cteBuffer)
	}
	b := &cteBuffer{plan: c.plan}
	x.cteRows[c] = [][]types.Datum{{b}}
	return b
}

// row returns row i, running the query further if needed (nil at the
// end).
func (b *cteBuffer) row(x *execCtx, i int) ([]types.Datum, error) {
	for i >= len(b.rows) {
		if b.done {
			return nil, nil
		}
		if b.it == nil {
			it, err := b.plan.open(x)
			if err != nil {
				return nil, err
			}
			b.it, b.skip = it, len(b.rows)
		}
		r, err := b.it.next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			b.it.close()
			b.it, b.done = nil, true
			return nil, nil
		}
		if b.skip > 0 {
			b.skip--
			continue
		}
		r = slices.Clone(r)
		sz := rowSize(r)
		if err := x.mem.grow(sz); err != nil {
			return nil, err
		}
		b.held += sz
		b.rows = append(b.rows, r)
	}
	return b.rows[i], nil
}

// release stops the running query when its last reader closes (a LIMIT
// above may never ask for more); a later reader restarts it.
func (b *cteBuffer) release() {
	if b.readers--; b.readers == 0 && b.it != nil {
		b.it.close()
		b.it = nil
	}
}

type cteScanIter struct {
	b      *cteBuffer
	x      *execCtx
	i      int
	closed bool
}

func (it *cteScanIter) next() ([]types.Datum, error) {
	r, err := it.b.row(it.x, it.i)
	if r != nil {
		it.i++
	}
	return r, err
}

func (it *cteScanIter) close() {
	if !it.closed {
		it.closed = true
		it.b.release()
	}
}

// cteColumns names a WITH query's columns, by its column list if any.
func cteColumns(in []column, c *pg_query.CommonTableExpr) ([]column, error) {
	cols, err := aliasColumns(in, c.Ctename, &pg_query.Alias{Colnames: c.Aliascolnames})
	if err != nil && pgerror.HasCode(err, pgcode.InvalidColumnReference) {
		return nil, pgerror.Newf(pgcode.InvalidColumnReference, "WITH query \"%s\" has %d columns available but %d columns specified",
			c.Ctename, len(visibleColumns(in)), len(c.Aliascolnames)).WithPosition(int(c.Location) + 1)
	}
	return cols, err
}

// materialize reads all rows of a plan, within the memory budget (the
// rows live for the execution).
func materialize(x *execCtx, p planNode) ([][]types.Datum, error) {
	it, err := p.open(x)
	if err != nil {
		return nil, err
	}
	return collectRows(x, it, false)
}

// collectRows reads every row of it, within the memory budget, and
// closes it; clone copies each row, for an iterator that may hand out
// one slice again.
func collectRows(x *execCtx, it rowIter, clone bool) ([][]types.Datum, error) {
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
		if clone {
			r = slices.Clone(r)
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

// recursiveCTE plans WITH RECURSIVE name AS (base UNION [ALL] step).
func (pl *planner) recursiveCTE(q *cte, c *pg_query.CommonTableExpr, sel *pg_query.SelectStmt, outer *scope) error {
	base, err := pl.planQuery(sel.Larg, outer, q.lv)
	if err != nil {
		return err
	}
	cols, err := cteColumns(base.cols(), c)
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
				return pgerror.Newf(pgcode.DatatypeMismatch, "recursive query \"%s\" column %d has type %s in non-recursive term but type %s overall", c.Ctename, i+1, cols[i].typ, sc.typ).
					WithHint("Cast the output of the non-recursive term to the correct type.").WithPosition(int(c.Location) + 1)
			}
			e = ce
		}
		conv.exprs = append(conv.exprs, e)
	}
	q.plan = &recursiveNode{base: base, step: conv, work: work, all: sel.All}
	return nil
}
