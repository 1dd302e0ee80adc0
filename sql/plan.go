package sql

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// A query plan is a tree of planNodes; running it opens a tree of
// rowIters, each pulling rows from its children (the Volcano model).

// column is a column of a plan node's output.
type column struct {
	name string
	// table qualifies the column for references such as t.a: the table's
	// alias or name ("" for computed columns).
	table string
	typ   *types.T
	// hidden columns are not expanded by * (the row id of a table
	// without a primary key).
	hidden bool
	// qualifiedOnly columns are found only by a qualified reference
	// (t.a): the columns a JOIN ... USING merged into one.
	qualifiedOnly bool
	// tableOID and attNum identify a table column for RowDescription.
	tableOID uint32
	attNum   int16
	// neverNull marks the column that is never NULL in its FROM item's
	// own rows: a table's first primary-key column, or the witness an
	// outer join adds to a nullable item that has none (witness.go).
	// NULL there means an outer join null-extended the item, and a
	// whole-row reference to the item is then NULL, not a record of
	// NULLs.
	neverNull bool
	// joinAlias marks the columns a join's alias names ((a JOIN b) AS
	// j). PostgreSQL expands a whole-row reference to j to ROW(...) of
	// them, a record of NULLs where an outer join null-extends j, so j
	// has no witness.
	joinAlias bool
	// sequence marks the columns of a sequence read as a relation: it
	// has no row type, so a whole-row reference to it is refused, as
	// PostgreSQL does (its columns, seq.*, are fine).
	sequence bool
	// rel is the table whose scan made the column (tableColumns): a
	// whole-row reference to it has the table's row type (scope.rowOf).
	rel *catalog.Descriptor
	// ref is the table reference in FROM whose scan made the column:
	// the key columns of a locked table are found by it (select_lock.go),
	// whatever aliases and joins renamed them.
	ref *pg_query.RangeVar
	// use, on a relation's column, is where a statement's uses of it
	// are marked for its column privilege check (privileges_columns.go),
	// as attnum useAt (a table's column's attNum; a view's column's
	// position in the view, its attnum there).
	use   *columnUse
	useAt int16
}

// planNode is a relational operator.
type planNode interface {
	cols() []column
	open(x *execCtx) (rowIter, error)
}

// rowIter produces rows; next returns nil at the end. A row belongs to the
// caller until the next call.
type rowIter interface {
	next() ([]types.Datum, error)
	close()
}

// execCtx is what running a plan needs.
type execCtx struct {
	ctx  context.Context
	sess *Session
	txn  *engine.Txn
	ec   *expr.Context
	mem  *memBudget // &budget, or a budget shared with a cursor
	// budget is the statement's own memory budget, kept here so that a
	// statement makes one allocation for both.
	budget memBudget
	// subqueries caches the results of uncorrelated subqueries, and
	// slots the current rows of lookup joins, for this execution.
	subqueries map[*subqueryExpr]*subqueryResult
	slots      map[*rowSlot][]types.Datum
	// subPlans are EXPLAIN ANALYZE's instrumented copies of subquery
	// plans, run in their place (instrumentSubqueries); nil otherwise.
	subPlans map[*subqueryExpr]planNode
	// snapshots are the read-only transactions of AS OF scans, by tx.
	snapshots map[uint64]*engine.Txn
	// compositeRels are the composite types by their relation's OID,
	// read once per statement (pgcatalog_composite.go).
	compositeRels map[uint32]*catalog.Descriptor
	// cteRows holds the materialized rows of each CTE, and workRows the
	// working table of each running recursive CTE.
	cteRows  map[*cte][][]types.Datum
	workRows map[*workTable][][]types.Datum
	// fkPending are the foreign-key checks deferred to the end of the
	// statement (fk.go).
	fkPending []fkPending
	// cascaded, when set, gathers what cascades drop instead of a
	// NOTICE each (ddl_droptype_cascade.go).
	cascaded *[]string
	// reads are what the statement's scans see of txn, fixed at its
	// first scan (stmtReads).
	reads      engine.Reads
	readsTaken bool
	// currentRows are the keys of the rows its LockRows nodes passed
	// last, by table (WHERE CURRENT OF a cursor).
	currentRows map[uint32]*currentRow
	// changes, for a statement with data-modifying WITH queries, are
	// the rows its parts changed (cte_dml.go).
	changes *rowChanges
	// owner is the role the objects the statement creates are owned by
	// when it is not the session's user: CREATE SCHEMA ... AUTHORIZATION
	// role's, for its elements (ddl_schema_elements.go).
	owner string
	// boundExprs are expressions copied from a table's stored ones
	// (CREATE TABLE ... LIKE), with the functions the source's are bound
	// to: their calls resolve among those, never by the search path
	// (hookUserCalls).
	boundExprs map[*pg_query.Node][]uint32
}

// creator is the role that owns the objects the statement creates.
func (x *execCtx) creator() string {
	if x.owner != "" {
		return x.owner
	}
	return x.sess.currentUser()
}

// stmtReads returns what the statement's scans read of its transaction:
// the transaction's writes as they were at the statement's first scan,
// which comes before the statement's first write (UPDATE and DELETE
// open their scan before they write; an INSERT that reads a table takes
// them before it opens its source), so that it never reads a row it
// wrote itself (engine.Reads). Constraint checks read x.txn.
func (x *execCtx) stmtReads() engine.Reads {
	if !x.readsTaken {
		x.reads, x.readsTaken = x.txn.StatementReads(), true
	}
	return x.reads
}

// releaseReads says that the statement is done reading (its rows are
// all pulled, or its result closed), so that the transaction's next
// write need not freeze what it read (engine.Reads).
func (x *execCtx) releaseReads() {
	if x.readsTaken {
		x.reads.Release()
		x.reads, x.readsTaken = engine.Reads{}, false
	}
}

// eval evaluates e over row.
func (x *execCtx) eval(e expr.Expr, row []types.Datum) (types.Datum, error) {
	old := x.ec.Row
	x.ec.Row = row
	v, err := e.Eval(x.ec)
	x.ec.Row = old
	if err != nil {
		return nil, evalError(x.ctx, err)
	}
	return v, nil
}

// evalBool evaluates a predicate: NULL is false.
func (x *execCtx) evalBool(e expr.Expr, row []types.Datum) (bool, error) {
	v, err := x.eval(e, row)
	if err != nil || v == nil {
		return false, err
	}
	return v.(bool), nil
}

// checkCanceled returns the statement's cancellation, if any; long loops
// call it now and then.
func (x *execCtx) checkCanceled() error {
	if x.ctx.Err() != nil {
		return CanceledError(x.ctx)
	}
	return nil
}

// sliceIter iterates over rows in memory; release, if set, runs at close
// (it returns the rows' memory to the budget).
type sliceIter struct {
	rows    [][]types.Datum
	i       int
	release func()
}

func (s *sliceIter) next() ([]types.Datum, error) {
	if s.i >= len(s.rows) {
		return nil, nil
	}
	r := s.rows[s.i]
	s.i++
	return r, nil
}

func (s *sliceIter) close() {
	if s.release != nil {
		s.release()
		s.release = nil
	}
	s.rows = nil
}

// drain reads every row of an iterator.
func drain(it rowIter) ([][]types.Datum, error) {
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
		rows = append(rows, r)
	}
}

// visibleCols returns the columns that * expands to.
func visibleCols(cols []column) []int {
	var out []int
	for i, c := range cols {
		if !c.hidden {
			out = append(out, i)
		}
	}
	return out
}
