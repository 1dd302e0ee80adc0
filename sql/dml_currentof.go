package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// UPDATE and DELETE ... WHERE CURRENT OF cursor change the row of the
// target table that the cursor is on: the row it returned last, whose
// key the cursor's query kept (select_lock.go). That is every table a
// cursor's query locks with FOR UPDATE/SHARE, or the table of a cursor
// over a simple scan of one table (no join, grouping, sort or set
// operation, as PostgreSQL's "simply updatable scan"). The row is read
// as the transaction sees it now, so a row the transaction deleted
// since is not changed again.

// currentOfNode is the source of such a statement: the target table's
// row the cursor is on, or no row.
type currentOfNode struct {
	cursor  string
	w       *tableWriter
	columns []column
	sys     bool // the row has the system columns, as a scan's (syscols.go)
}

// planCurrentOf plans the source of a change WHERE CURRENT OF.
func (pl *planner) planCurrentOf(w *tableWriter, rv *pg_query.RangeVar, co *pg_query.CurrentOfExpr, from []*pg_query.Node, verb string) (planNode, error) {
	switch {
	case co.CursorName == "":
		return nil, pgerror.New(pgcode.FeatureNotSupported, "WHERE CURRENT OF a cursor named by a parameter is not supported yet")
	case len(from) > 0:
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s ... WHERE CURRENT OF with other tables is not supported yet", verb)
	}
	alias := rv.Relname
	if rv.Alias != nil {
		alias = rv.Alias.Aliasname
	}
	cols, err := aliasColumns(tableColumns(w.desc, alias), alias, rv.Alias)
	if err != nil {
		return nil, err
	}
	for i := range cols {
		cols[i].rel = w.desc
	}
	if pl.sysCols {
		cols = withSystemColumns(cols, alias)
	}
	return &currentOfNode{cursor: co.CursorName, w: w, columns: cols, sys: pl.sysCols}, nil
}

func (n *currentOfNode) cols() []column { return n.columns }

func (n *currentOfNode) open(x *execCtx) (rowIter, error) {
	key, err := x.sess.cursorCurrentKey(n.cursor, n.w.desc)
	if err != nil {
		return nil, err
	}
	v, ver, found, err := x.txn.GetVersion(key)
	if err != nil || !found {
		return &sliceIter{}, err
	}
	row, err := n.w.layout.DecodeRow(v)
	if err != nil {
		return nil, err
	}
	if n.sys {
		row = withSystem(row, ver, n.w.desc.ID)
	}
	return &sliceIter{rows: [][]types.Datum{row}}, nil
}

// cursorCurrentKey returns the key of the row of table d a cursor is on,
// with PostgreSQL's errors for a cursor that is on none.
func (s *Session) cursorCurrentKey(name string, d *catalog.Descriptor) ([]byte, error) {
	c, err := s.cursor(name)
	if err != nil {
		return nil, err
	}
	notScan := pgerror.Newf(pgcode.InvalidCursorState, "cursor \"%s\" is not a simply updatable scan of table \"%s\"", name, d.Name)
	qr, ok := c.src.(*queryResult)
	if c.src != nil && !ok {
		return nil, notScan
	}
	if !ok || c.x < 1 || c.x != c.pulled {
		// Exhausted, before its first row or past its last.
		if ok && qr.x.currentRows[d.ID] == nil {
			return nil, notScan
		}
		return nil, pgerror.Newf(pgcode.InvalidCursorState, "cursor \"%s\" is not positioned on a row", name)
	}
	cr := qr.x.currentRows[d.ID]
	switch {
	case cr == nil:
		return nil, notScan
	case cr.several:
		return nil, pgerror.Newf(pgcode.InvalidCursorState, "cursor \"%s\" has multiple FOR UPDATE/SHARE references to table \"%s\"", name, d.Name)
	}
	return cr.rowKey()
}
