package sql

import (
	"context"
	"errors"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// SELECT ... FOR UPDATE, FOR NO KEY UPDATE, FOR SHARE, FOR KEY SHARE
// [OF t, ...] [NOWAIT | SKIP LOCKED] locks the rows it returns of the
// tables it names (every table of its FROM list without OF), with the
// engine's row locks (engine/rowlocks.go). As in PostgreSQL, a LockRows
// node locks each row after the sort and before LIMIT, so that only the
// rows returned are locked, and a row passed over by SKIP LOCKED lets
// LIMIT take the next. To lock a row the node needs its key: the
// projection carries the primary-key columns (or the hidden row id) of
// each locked table as extra columns, dropped after the LIMIT.
//
// A subquery in FROM is locked as PostgreSQL does, with the clause
// applied to its own SELECT; that locks the rows the subquery returns,
// which may be more than the outer query keeps. Views in FROM are not
// locked through yet (0A000). A NULL-extended row of an outer join has
// nothing to lock, so, as in PostgreSQL, the nullable side of an outer
// join cannot be locked.

// lockSpec is what the clauses ask of one FROM item.
type lockSpec struct {
	mode engine.RowLockMode
	wait engine.LockWait
}

// merge combines two clauses on one item as PostgreSQL does: the
// stronger mode, and NOWAIT over SKIP LOCKED over waiting.
func (l lockSpec) merge(o lockSpec) lockSpec {
	return lockSpec{mode: max(l.mode, o.mode), wait: max(l.wait, o.wait)}
}

var lockModes = map[pg_query.LockClauseStrength]engine.RowLockMode{
	pg_query.LockClauseStrength_LCS_FORKEYSHARE:    engine.LockForKeyShare,
	pg_query.LockClauseStrength_LCS_FORSHARE:       engine.LockForShare,
	pg_query.LockClauseStrength_LCS_FORNOKEYUPDATE: engine.LockForNoKeyUpdate,
	pg_query.LockClauseStrength_LCS_FORUPDATE:      engine.LockForUpdate,
}

var lockWaits = map[pg_query.LockWaitPolicy]engine.LockWait{
	pg_query.LockWaitPolicy_LockWaitBlock: engine.LockWaitBlock,
	pg_query.LockWaitPolicy_LockWaitSkip:  engine.LockWaitSkip,
	pg_query.LockWaitPolicy_LockWaitError: engine.LockWaitError,
}

// lockClauseName is a clause as PostgreSQL's messages name it.
func lockClauseName(s pg_query.LockClauseStrength) string {
	switch s {
	case pg_query.LockClauseStrength_LCS_FORKEYSHARE:
		return "FOR KEY SHARE"
	case pg_query.LockClauseStrength_LCS_FORSHARE:
		return "FOR SHARE"
	case pg_query.LockClauseStrength_LCS_FORNOKEYUPDATE:
		return "FOR NO KEY UPDATE"
	}
	return "FOR UPDATE"
}

// queryLocks is a query's locking clauses resolved against its FROM
// list before the FROM list is planned: the tables to lock, which are
// found among the planned columns afterwards (lockTargets).
type queryLocks struct {
	clause string // the first clause's name, for errors
	tables []lockedTable
	// trackOnly marks a cursor's simple scan (cursorTracking): its rows'
	// keys are kept for WHERE CURRENT OF, and nothing is locked.
	trackOnly bool
}

type lockedTable struct {
	rv   *pg_query.RangeVar
	spec lockSpec
}

// lockItem is a FROM item a clause may name.
type lockItem struct {
	alias    string
	node     *pg_query.Node
	nullable bool
}

// planLocking resolves n's locking clauses (nil without any). Subqueries
// in FROM get theirs applied to them (pl.lockSubqueries) before they are
// planned.
func (pl *planner) planLocking(n *pg_query.SelectStmt) (*queryLocks, error) {
	if len(n.LockingClause) == 0 {
		return nil, nil
	}
	first := n.LockingClause[0].GetLockingClause()
	q := &queryLocks{clause: lockClauseName(first.Strength)}
	switch {
	case len(n.DistinctClause) > 0:
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s is not allowed with DISTINCT clause", q.clause)
	case len(n.GroupClause) > 0:
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s is not allowed with GROUP BY clause", q.clause)
	case n.HavingClause != nil:
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s is not allowed with HAVING clause", q.clause)
	}
	var items []lockItem
	for _, f := range n.FromClause {
		items = appendLockItems(items, f, false)
	}
	specs := make([]*lockSpec, len(items))
	apply := func(i int, s lockSpec) {
		if specs[i] == nil {
			specs[i] = &s
		} else {
			*specs[i] = specs[i].merge(s)
		}
	}
	for _, c := range n.LockingClause {
		lc := c.GetLockingClause()
		s := lockSpec{mode: lockModes[lc.Strength], wait: lockWaits[lc.WaitPolicy]}
		name := lockClauseName(lc.Strength)
		if len(lc.LockedRels) == 0 {
			for i, it := range items {
				if pl.lockableItem(it.node) {
					apply(i, s)
				}
			}
			continue
		}
		for _, r := range lc.LockedRels {
			rv := r.GetRangeVar()
			if rv.Schemaname != "" || rv.Catalogname != "" {
				return nil, pgerror.Newf(pgcode.Syntax, "%s must specify unqualified relation names", name).WithPosition(int(rv.Location) + 1)
			}
			// The first item of that name, as PostgreSQL's range table
			// order finds it (a table inside an aliased join may share
			// its name with one outside).
			found := false
			for i, it := range items {
				if it.alias != rv.Relname {
					continue
				}
				found = true
				if what := pl.unlockableItem(it.node); what != "" {
					return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s cannot be applied to %s", name, what).WithPosition(int(rv.Location) + 1)
				}
				if pl.lockableItem(it.node) {
					apply(i, s)
				}
				break
			}
			if !found {
				return nil, pgerror.Newf(pgcode.UndefinedTable, "relation \"%s\" in %s clause not found in FROM clause", rv.Relname, name).WithPosition(int(rv.Location) + 1)
			}
		}
	}
	for i, it := range items {
		s := specs[i]
		if s == nil {
			continue
		}
		if it.nullable {
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s cannot be applied to the nullable side of an outer join", lockClauseName(strengthOf(s.mode)))
		}
		switch v := it.node.Node.(type) {
		case *pg_query.Node_RangeVar:
			q.tables = append(q.tables, lockedTable{rv: v.RangeVar, spec: *s})
		case *pg_query.Node_RangeSubselect:
			if pl.lockSubqueries == nil {
				pl.lockSubqueries = map[*pg_query.RangeSubselect]lockSpec{}
			}
			pl.lockSubqueries[v.RangeSubselect] = *s
		}
	}
	if len(q.tables) > 0 && pl.rangeDescs == nil {
		pl.rangeDescs = map[*pg_query.RangeVar]rangeDesc{}
	}
	return q, nil
}

func strengthOf(m engine.RowLockMode) pg_query.LockClauseStrength {
	for s, mode := range lockModes {
		if mode == m {
			return s
		}
	}
	return pg_query.LockClauseStrength_LCS_FORUPDATE
}

// appendLockItems lists the FROM items under n that a clause may name,
// marking those on the nullable side of an outer join.
func appendLockItems(items []lockItem, n *pg_query.Node, nullable bool) []lockItem {
	switch v := n.Node.(type) {
	case *pg_query.Node_RangeVar:
		alias := v.RangeVar.Relname
		if v.RangeVar.Alias != nil {
			alias = v.RangeVar.Alias.Aliasname
		}
		return append(items, lockItem{alias: alias, node: n, nullable: nullable})
	case *pg_query.Node_RangeSubselect:
		return append(items, lockItem{alias: v.RangeSubselect.GetAlias().GetAliasname(), node: n, nullable: nullable})
	case *pg_query.Node_RangeFunction:
		return append(items, lockItem{alias: v.RangeFunction.GetAlias().GetAliasname(), node: n, nullable: nullable})
	case *pg_query.Node_JoinExpr:
		j := v.JoinExpr
		if j.Alias != nil {
			items = append(items, lockItem{alias: j.Alias.Aliasname, node: n, nullable: nullable})
		}
		lnull := nullable || j.Jointype == pg_query.JoinType_JOIN_RIGHT || j.Jointype == pg_query.JoinType_JOIN_FULL
		rnull := nullable || j.Jointype == pg_query.JoinType_JOIN_LEFT || j.Jointype == pg_query.JoinType_JOIN_FULL
		items = appendLockItems(items, j.Larg, lnull)
		return appendLockItems(items, j.Rarg, rnull)
	}
	return items
}

// lockableItem tells whether a clause without OF locks the FROM item:
// tables and subqueries, not functions, joins (their tables are items
// of their own) or WITH queries, as in PostgreSQL. A subquery of VALUES
// has nothing to lock.
func (pl *planner) lockableItem(n *pg_query.Node) bool {
	switch v := n.Node.(type) {
	case *pg_query.Node_RangeVar:
		return pl.unlockableItem(n) == ""
	case *pg_query.Node_RangeSubselect:
		sel := v.RangeSubselect.Subquery.GetSelectStmt()
		return sel != nil && len(sel.ValuesLists) == 0
	}
	return false
}

// unlockableItem names, as PostgreSQL's message does, a FROM item that a
// clause cannot name; "" for the others.
func (pl *planner) unlockableItem(n *pg_query.Node) string {
	switch v := n.Node.(type) {
	case *pg_query.Node_RangeVar:
		if v.RangeVar.Schemaname == "" && pl.ctes.find(v.RangeVar.Relname) != nil {
			return "a WITH query"
		}
	case *pg_query.Node_RangeFunction:
		return "a function"
	case *pg_query.Node_JoinExpr:
		return "a join"
	}
	return ""
}

// rangeDesc is what planRangeVar resolved a table reference to, kept
// for the locking clauses of its query.
type rangeDesc struct {
	desc *catalog.Descriptor // nil for a catalog relation
	past bool                // read AS OF or as history
}

// noteRange records what rv was resolved to, when a locking clause may
// ask.
func (pl *planner) noteRange(rv *pg_query.RangeVar, d *catalog.Descriptor, past bool) {
	if pl.rangeDescs != nil {
		pl.rangeDescs[rv] = rangeDesc{desc: d, past: past || pl.txn.AsOf() > 0}
	}
}

// lockedSubquery returns the subquery of a FROM item, with the locking
// clause of its enclosing query applied to it.
func (pl *planner) lockedSubquery(rs *pg_query.RangeSubselect) *pg_query.SelectStmt {
	sub := rs.Subquery.GetSelectStmt()
	s, ok := pl.lockSubqueries[rs]
	if !ok {
		return sub
	}
	sub = proto.Clone(sub).(*pg_query.SelectStmt)
	policy := pg_query.LockWaitPolicy_LockWaitBlock
	for p, w := range lockWaits {
		if w == s.wait {
			policy = p
		}
	}
	sub.LockingClause = append(sub.LockingClause, &pg_query.Node{Node: &pg_query.Node_LockingClause{
		LockingClause: &pg_query.LockingClause{Strength: strengthOf(s.mode), WaitPolicy: policy}}})
	return sub
}

// lockTarget is a table whose rows a LockRows node locks.
type lockTarget struct {
	desc   *catalog.Descriptor
	layout *engine.Layout
	spec   lockSpec
	lock   bool // false: the key is only kept (a cursor's current row)
	// keyCols pairs each primary-key column's position in the row
	// (rowPos) with its column in the node's input (in).
	keyCols []lockKeyCol
}

type lockKeyCol struct{ rowPos, in int }

// lockTargets finds the locked tables' key columns among the query's
// input columns sc, adding a reference to each to exprs and cols (the
// projection's extra columns).
func (sb *selectBuild) lockTargets(q *queryLocks, exprs *[]expr.Expr, cols *[]column) ([]*lockTarget, error) {
	pl := sb.pl
	var out []*lockTarget
	for _, lt := range q.tables {
		rd, ok := pl.rangeDescs[lt.rv]
		if !ok {
			return nil, pgerror.Newf(pgcode.Internal, "locked table \"%s\" was not planned", lt.rv.Relname)
		}
		switch {
		case rd.desc == nil:
			continue // a catalog relation: computed, nothing to lock
		case q.trackOnly && (rd.past || rd.desc.Kind != catalog.KindTable || rd.desc.IsMatView()):
			continue // not an updatable scan: WHERE CURRENT OF says so
		case rd.past:
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s cannot be applied to a table read AS OF or as history", q.clause).
				WithDetail("The past is immutable: there is nothing to lock.").WithPosition(int(lt.rv.Location) + 1)
		case rd.desc.IsMatView():
			return nil, pgerror.Newf(pgcode.WrongObjectType, "cannot lock rows in materialized view \"%s\"", rd.desc.Name)
		case rd.desc.Kind == catalog.KindView:
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s of view \"%s\" is not supported yet", q.clause, rd.desc.Name).
				WithHint("Name the view's tables in the query, or lock them with a SELECT ... FOR UPDATE of their own.").WithPosition(int(lt.rv.Location) + 1)
		case rd.desc.Kind == catalog.KindSequence:
			return nil, pgerror.Newf(pgcode.WrongObjectType, "cannot lock rows in sequence \"%s\"", rd.desc.Name)
		case rd.desc.Kind != catalog.KindTable:
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s cannot be applied to \"%s\"", q.clause, rd.desc.Name)
		}
		d := rd.desc
		if !q.trackOnly {
			// As PostgreSQL: UPDATE on any column will do.
			pl.needColumns("w", d, false)
		}
		alias := lt.rv.Relname
		if lt.rv.Alias != nil {
			alias = lt.rv.Alias.Aliasname
		}
		t := &lockTarget{desc: d, layout: catalog.Layout(d), spec: lt.spec, lock: !q.trackOnly}
		for _, pos := range t.layout.Indexes[0].Cols {
			in := keyColumn(sb.inScope.cols, lt.rv, pos)
			if in < 0 && q.trackOnly {
				return nil, nil
			}
			if in < 0 {
				return nil, pgerror.Newf(pgcode.Internal, "the key of locked table \"%s\" is not among the query's columns", alias)
			}
			c := sb.inScope.cols[in]
			t.keyCols = append(t.keyCols, lockKeyCol{rowPos: pos, in: len(*exprs)})
			*exprs = append(*exprs, &expr.ColRef{Idx: in, T: c.typ, Name: c.name})
			*cols = append(*cols, column{name: "?column?", typ: c.typ, hidden: true})
		}
		out = append(out, t)
	}
	return out, nil
}

// keyColumn finds the column of row position pos of the table that rv
// names among cols (-1 if the query does not pass it on).
func keyColumn(cols []column, rv *pg_query.RangeVar, pos int) int {
	for i, c := range cols {
		if c.ref == rv && int(c.attNum) == pos+1 {
			return i
		}
	}
	return -1
}

// lockRowsNode locks, for each row of its input, the row of every
// target it came from; a row of which one is passed over (SKIP LOCKED)
// is dropped.
type lockRowsNode struct {
	input   planNode
	targets []*lockTarget
	clause  string // FOR UPDATE ..., for errors
}

func (n *lockRowsNode) cols() []column { return n.input.cols() }

func (n *lockRowsNode) open(x *execCtx) (rowIter, error) {
	if n.targets[0].lock && !x.txn.CanLockRows() {
		return nil, pgerror.Newf(pgcode.ReadOnlySQLTransaction, "cannot execute SELECT %s in a read-only transaction", n.clause)
	}
	if x.currentRows == nil {
		x.currentRows = map[uint32]*currentRow{}
	}
	for i, t := range n.targets {
		cr := x.currentRows[t.desc.ID]
		if cr == nil {
			x.currentRows[t.desc.ID] = &currentRow{node: n, target: i}
		} else if cr.node != n || cr.target != i {
			cr.several = true // another reference to the table
		}
	}
	in, err := n.input.open(x)
	if err != nil {
		return nil, err
	}
	it := &lockRowsIter{n: n, x: x, in: in, timeout: x.sess.lockTimeout(), rows: make([][]types.Datum, len(n.targets))}
	for i, t := range n.targets {
		it.rows[i] = make([]types.Datum, len(t.layout.Types))
	}
	return it, nil
}

type lockRowsIter struct {
	n       *lockRowsNode
	x       *execCtx
	in      rowIter
	timeout time.Duration
	// rows are each target's key columns, at their places in its row.
	rows [][]types.Datum
}

func (it *lockRowsIter) next() ([]types.Datum, error) {
	for {
		row, err := it.in.next()
		if row == nil || err != nil {
			return row, err
		}
		locked, err := it.lock(row)
		if err != nil {
			return nil, err
		}
		if locked {
			return row, nil
		}
	}
}

// lock locks the rows that row came from; false when one is passed over.
func (it *lockRowsIter) lock(row []types.Datum) (bool, error) {
	for i, t := range it.n.targets {
		r := it.rows[i]
		for _, kc := range t.keyCols {
			r[kc.rowPos] = row[kc.in]
		}
		cr := it.x.currentRows[t.desc.ID]
		if !t.lock {
			// A cursor's current row: its key is encoded only if WHERE
			// CURRENT OF asks, not for every row fetched.
			cr.key, cr.keyCols, cr.layout = nil, r, t.layout
			continue
		}
		key, err := t.layout.RowKey(r)
		if err != nil {
			return false, err
		}
		ok, err := it.x.txn.LockRow(it.x.ctx, key, t.spec.mode, t.spec.wait, it.timeout)
		if err != nil {
			return false, rowLockError(it.x.ctx, err, t.desc.Name)
		}
		if !ok {
			return false, nil
		}
		cr.key = key
	}
	return true, nil
}

// currentRow is the row of a table that a query returned last (WHERE
// CURRENT OF): its key, or its key columns in keyCols (at their places
// in a row of layout) until the key is asked for. several marks a query
// that reads the table more than once, whose current row of it is
// ambiguous.
type currentRow struct {
	key     []byte
	keyCols []types.Datum
	layout  *engine.Layout
	several bool
	// node and target are the reference that keeps the row.
	node   *lockRowsNode
	target int
}

// rowKey returns the current row's key. (The key columns are valid
// while the query stands on the row: it has not read on since.)
func (cr *currentRow) rowKey() ([]byte, error) {
	if cr.key == nil && cr.keyCols != nil {
		return cr.layout.RowKey(cr.keyCols)
	}
	return cr.key, nil
}

// cursorTracking makes a cursor's query keep the key of its current row
// when it is a simple scan of one table, as PostgreSQL's WHERE CURRENT
// OF needs of a cursor without FOR UPDATE; nil for other queries.
func (pl *planner) cursorTracking(n *pg_query.SelectStmt) *queryLocks {
	if len(n.FromClause) != 1 || len(n.DistinctClause) > 0 || len(n.GroupClause) > 0 || n.HavingClause != nil {
		return nil
	}
	rv := n.FromClause[0].GetRangeVar()
	if rv == nil || pl.unlockableItem(n.FromClause[0]) != "" {
		return nil
	}
	if pl.rangeDescs == nil {
		pl.rangeDescs = map[*pg_query.RangeVar]rangeDesc{}
	}
	return &queryLocks{tables: []lockedTable{{rv: rv}}, trackOnly: true}
}

func (it *lockRowsIter) close() { it.in.close() }

// rowLockError turns an engine's row-lock failure into PostgreSQL's.
func rowLockError(ctx context.Context, err error, table string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, engine.ErrRowLocked):
		return pgerror.Newf(pgcode.LockNotAvailable, "could not obtain lock on row in relation \"%s\"", table)
	case ctx.Err() != nil && !errors.As(err, new(*pgerror.Error)):
		return CanceledError(ctx)
	}
	return err
}

// awaitRowLocks makes a write of row wait for the row locks of other
// transactions that it conflicts with (engine/rowlocks.go): a DELETE, or
// an UPDATE of a column of a unique key, as FOR UPDATE would, any other
// UPDATE as FOR NO KEY UPDATE would. new is nil for a DELETE.
func (w *tableWriter) awaitRowLocks(x *execCtx, old, new []types.Datum) error {
	if !x.txn.AnyRowLocks() {
		return nil
	}
	mode := engine.LockForUpdate
	if new != nil {
		mode = engine.LockForNoKeyUpdate
		for i, ix := range w.layout.Indexes {
			if (i == 0 || ix.Unique && !ix.Partial) && keyChanged(w.layout.Types, old, new, ix.Cols) {
				mode = engine.LockForUpdate
				break
			}
		}
	}
	key, err := w.layout.RowKey(old)
	if err != nil {
		return err
	}
	return rowLockError(x.ctx, x.txn.AwaitRowLocks(x.ctx, key, mode, x.sess.lockTimeout()), w.desc.Name)
}
