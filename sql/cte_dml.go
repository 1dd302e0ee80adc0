package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Data-modifying statements in WITH (PostgreSQL's writable CTEs), as in
// WITH moved AS (DELETE FROM a WHERE ... RETURNING *)
// INSERT INTO b SELECT * FROM moved.
//
// As in PostgreSQL 15 (section 7.8.4):
//   - Only the statement's own WITH may hold one (planner.topWith), not a
//     subquery's, a view's or a data-modifying query's own.
//   - Each runs exactly once and to completion, whether the statement
//     reads its rows or not; its references read its RETURNING rows, and
//     without RETURNING it cannot be referenced.
//   - Every part of the statement reads the same snapshot: none sees the
//     others' changes to tables, only their RETURNING rows. stela fixes
//     the statement's reads (execCtx.stmtReads, engine.Reads) before the
//     first data-modifying query writes, and every scan of every part
//     reads through them. Constraint checks read the live transaction,
//     as PostgreSQL's do: a unique index sees the rows any part wrote,
//     and foreign keys are checked at the end of the whole statement.
//   - The statement is atomic: its parts write into the one transaction,
//     and an error anywhere fails the statement (and its transaction).
//
// Order. PostgreSQL runs a referenced query as the statement first reads
// it, and one nobody reads after the primary statement. stela runs the
// referenced ones whole, in the WITH clause's order, before the primary
// statement, and the others after it. Only the interleaving of a
// referenced query's rows with the primary statement's writes differs:
// which shows only when two parts meet the same row, and there stela
// refuses the statement rather than guess (rowChanges) — where
// PostgreSQL applies one of two changes to a row, and which one "is not
// predictable" by its own documentation.

// dmlCTE is a data-modifying WITH query's statement.
type dmlCTE struct {
	plan *dmlPlan
}

// dmlCTE plans a WITH query that is INSERT, UPDATE, DELETE or MERGE.
func (pl *planner) dmlCTE(w *pg_query.WithClause, c *pg_query.CommonTableExpr) (*cte, error) {
	pos := int(c.Location) + 1
	if c.Ctequery.GetMergeStmt() != nil {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "MERGE not supported in WITH query").WithPosition(pos)
	}
	if w.Recursive && referencesName(c.Ctequery, c.Ctename) {
		return nil, pgerror.Newf(pgcode.InvalidRecursion, "recursive query \"%s\" must not contain data-modifying statements", c.Ctename).WithPosition(pos)
	}
	if w != pl.topWith {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "WITH clause containing a data-modifying statement must be at the top level").WithPosition(pos)
	}
	inner := &Prepared{}
	var p plan
	var err error
	switch n := c.Ctequery.Node.(type) {
	case *pg_query.Node_InsertStmt:
		p, err = pl.planInsert(inner, n.InsertStmt)
	case *pg_query.Node_UpdateStmt:
		p, err = pl.planUpdate(inner, n.UpdateStmt)
	case *pg_query.Node_DeleteStmt:
		p, err = pl.planDelete(inner, n.DeleteStmt)
	default:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "this statement is not supported in WITH").WithPosition(pos)
	}
	if err != nil {
		return nil, err
	}
	dp := p.(*dmlPlan)
	q := &cte{name: c.Ctename, lv: &level{}, dml: &dmlCTE{plan: dp}}
	q.plan = &dmlCTENode{cte: q}
	var ret []column
	if dp.ret != nil {
		ret = dp.ret.columns
	}
	if q.columns, err = cteColumns(ret, c); err != nil {
		return nil, err
	}
	return q, nil
}

// topLevelWith is the WITH clause of a statement itself (not of one of
// its subqueries): the one that may hold data-modifying queries.
func topLevelWith(n *pg_query.Node) *pg_query.WithClause {
	switch v := n.GetNode().(type) {
	case *pg_query.Node_SelectStmt:
		return v.SelectStmt.WithClause
	case *pg_query.Node_InsertStmt:
		return v.InsertStmt.WithClause
	case *pg_query.Node_UpdateStmt:
		return v.UpdateStmt.WithClause
	case *pg_query.Node_DeleteStmt:
		return v.DeleteStmt.WithClause
	case *pg_query.Node_MergeStmt:
		return v.MergeStmt.WithClause
	}
	return nil
}

// hasDMLCTE reports whether a WITH clause holds a data-modifying query.
func hasDMLCTE(w *pg_query.WithClause) bool {
	if w == nil {
		return false
	}
	for _, n := range w.Ctes {
		if c := n.GetCommonTableExpr(); c != nil && c.Ctequery.GetSelectStmt() == nil {
			return true
		}
	}
	return false
}

// withDML puts a statement's plan under the data-modifying queries of
// its WITH clause, if any.
func withDML(input planNode, ctes []*cte) planNode {
	if len(ctes) == 0 {
		return input
	}
	return &withDMLNode{input: input, ctes: ctes}
}

// withDMLNode runs a statement's data-modifying WITH queries around its
// primary part, input: the referenced ones when it opens, the others
// when input has given its last row. Under a data-changing statement,
// input is the rows to change, which the statement reads to the end.
// drain marks a query (SELECT, COPY): it runs to completion when it
// opens, its rows kept, so that every part has run however few of them
// the client reads, and the foreign keys are checked then.
type withDMLNode struct {
	input planNode
	ctes  []*cte
	drain bool
}

func (n *withDMLNode) cols() []column { return n.input.cols() }

func (n *withDMLNode) open(x *execCtx) (rowIter, error) {
	if n.drain && x.txn.ReadOnly() {
		return nil, pgerror.New(pgcode.ReadOnlySQLTransaction, "cannot execute SELECT in a read-only transaction")
	}
	// Every part reads the transaction as it was before the first write.
	x.stmtReads()
	if x.changes == nil {
		x.changes = &rowChanges{parts: map[string]int{}}
	}
	for i, c := range n.ctes {
		if c.refs > 0 {
			if err := runDMLCTE(x, i, c); err != nil {
				return nil, err
			}
		}
	}
	x.changes.part = 0
	in, err := n.input.open(x)
	if err != nil {
		return nil, err
	}
	it := &withDMLIter{n: n, x: x, in: in}
	if !n.drain {
		return it, nil
	}
	rows, err := collectRows(x, it, true)
	if err != nil {
		return nil, err
	}
	if err := x.runFKChecks(); err != nil {
		return nil, err
	}
	return &sliceIter{rows: rows}, nil
}

// runDMLCTE runs the i-th data-modifying query and keeps its RETURNING
// rows for its references.
func runDMLCTE(x *execCtx, i int, c *cte) error {
	x.changes.part = i + 1
	rows, _, err := c.dml.plan.execute(x)
	if err != nil {
		return err
	}
	b := cteBufferOf(x, c)
	b.rows, b.done = rows, true
	return nil
}

// withDMLIter reads the primary part, then runs the queries nobody
// referenced.
type withDMLIter struct {
	n    *withDMLNode
	x    *execCtx
	in   rowIter
	done bool
}

func (it *withDMLIter) next() ([]types.Datum, error) {
	if it.done {
		return nil, nil
	}
	r, err := it.in.next()
	if r != nil || err != nil {
		return r, err
	}
	it.done = true
	for i, c := range it.n.ctes {
		if c.refs == 0 {
			if err := runDMLCTE(it.x, i, c); err != nil {
				return nil, err
			}
		}
	}
	it.x.changes.part = 0
	return nil, nil
}

func (it *withDMLIter) close() { it.in.close() }

// dmlCTENode stands for a data-modifying query in its WITH query's plan:
// withDMLNode runs the statement, and the references read the rows it
// kept, never this node. EXPLAIN prints the statement through it.
type dmlCTENode struct{ cte *cte }

func (n *dmlCTENode) cols() []column { return n.cte.columns }

func (n *dmlCTENode) open(*execCtx) (rowIter, error) {
	return nil, pgerror.Newf(pgcode.Internal, "data-modifying WITH query \"%s\" read before it ran", n.cte.name)
}

// rowChanges are the rows a statement with data-modifying WITH queries
// changed, by row key, with the part that changed each (0: the primary
// statement, i: the i-th data-modifying query). A part must not change
// a row another part changed: it would read the row as it was before the
// statement (the shared snapshot) and undo the other's change, where
// PostgreSQL applies one of the two, in an order stela does not
// reproduce. The primary statement may insert where a query deleted,
// as in PostgreSQL.
type rowChanges struct {
	parts map[string]int
	part  int // the part running
}

// noteChange records that the running part wrote the row of key.
func (x *execCtx) noteChange(w *tableWriter, row []types.Datum) error {
	if x.changes == nil {
		return nil
	}
	key, err := w.layout.RowKey(row)
	if err != nil {
		return err
	}
	if _, ok := x.changes.parts[string(key)]; !ok {
		if err := x.mem.grow(int64(len(key)) + 16); err != nil {
			return err
		}
		x.changes.parts[string(key)] = x.changes.part
	}
	return nil
}

// checkUnchanged refuses to change a row another part of the statement
// changed.
func (x *execCtx) checkUnchanged(w *tableWriter, row []types.Datum) error {
	if x.changes == nil {
		return nil
	}
	key, err := w.layout.RowKey(row)
	if err != nil {
		return err
	}
	if x.changedElsewhere(key) {
		return errChangedTwice(w)
	}
	return nil
}

// changedElsewhere reports whether a part other than the running one
// changed the row of key.
func (x *execCtx) changedElsewhere(key []byte) bool {
	if x.changes == nil {
		return false
	}
	part, ok := x.changes.parts[string(key)]
	return ok && part != x.changes.part
}

func errChangedTwice(w *tableWriter) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "a row of \"%s\" is changed by more than one part of a statement with data-modifying WITH queries", w.desc.Name).
		WithDetail("PostgreSQL would apply only one of the changes, and which one is not predictable: stela refuses the statement.").
		WithHint("Change each row in one part of the statement only.")
}
