package sql

import (
	"sync"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Time travel through a view: SELECT ... FROM v AS OF TX 42 (or AS OF
// TIMESTAMP, FOR SYSTEM_TIME AS OF, a parameter) reads v as it was after
// tx 42: its definition of then, and every relation its query reads —
// tables, views under it, catalogs — as of that same tx. A relation the
// view's query reads with an AS OF of its own keeps its own point, and a
// view under it read that way passes that point on instead.
//
// Why the definition of then, not today's: a view is a name for a query,
// and what "v as of tx 42" meant at tx 42 is the query v had then. Reading
// today's query over the tables of then would answer something no one
// could have seen at tx 42 (a column added since that the tables of then
// lack, a filter changed since), and would break the rule that the
// catalog travels with the data (a table AS OF is read with its columns
// of then, timetravel.go). So, as for a table, a view created after tx 42
// is "relation "v" does not exist as of tx 42" (42P01), and a view
// replaced since answers with its old query and columns.
//
// A literal point is known at planning: the view and its relations are
// resolved in a snapshot of the catalog at the tx. A parameter ($1) is
// known only when the statement runs: the view is planned with its
// present definition (and its tables with their present columns), and
// each execution checks that the view had that same definition at the tx
// read (else 0A000: prepare with a literal instead), as scans check their
// table's layout.
//
// Only relations travel: the functions, types and operators the view's
// query uses are today's, as for a table read AS OF. A user function the
// view is bound to (view_funcs.go) is found by its id under the name the
// query of then gives it, so one renamed or moved since still runs. Privileges are
// those of reading the view today: SELECT on the view and on what it
// reads, checked with today's grants.
//
// History reads (FOR SYSTEM_TIME ALL, BETWEEN, DIFF) are not defined for
// a view: every version of a join's rows has no single meaning. They are
// refused with 0A000.

// travelPoint is the AS OF a view is read with, which the relations its
// query reads inherit.
type travelPoint struct {
	// catTxn is the transaction the relations are resolved in: a
	// snapshot at the tx for a literal, the statement's for a parameter.
	catTxn *engine.Txn
	asOf   *scanAsOf
}

// scanAsOf returns the time travel of one relation read at the point. Each
// read gets its own: a scan memoizes the versions of its table found to
// have the planned layout.
func (p *travelPoint) scanAsOf() *scanAsOf {
	return &scanAsOf{tx: p.asOf.tx, param: p.asOf.param, timestamp: p.asOf.timestamp}
}

// pastViewCheck is the check that a view read AS OF a parameter had, at
// the tx read, the definition it was planned with.
type pastViewCheck struct {
	asOf    *scanAsOf
	id      uint32
	name    string
	planned *catalog.ViewDesc
	// sameAt holds the descriptor versions (the txs that wrote them)
	// found to have the planned definition; a plan may serve several
	// executions at once.
	sameAt sync.Map
}

func (c *pastViewCheck) check(x *execCtx) error {
	tx, err := c.asOf.resolve(x)
	if err != nil {
		return err
	}
	t, err := x.snapshotTxn(tx)
	if err != nil {
		return err
	}
	ver, ok, err := catalog.DescVersion(t, c.id)
	if err != nil {
		return err
	}
	if !ok {
		return pgerror.Newf(pgcode.UndefinedTable, "relation \"%s\" does not exist as of tx %d", c.name, tx)
	}
	if _, same := c.sameAt.Load(ver); same {
		return nil
	}
	then, err := catalog.Get(t, c.id)
	if err != nil {
		return err
	}
	if then == nil || then.Kind != catalog.KindView {
		return pgerror.Newf(pgcode.UndefinedTable, "relation \"%s\" does not exist as of tx %d", c.name, tx)
	}
	if !sameViewQuery(then.View, c.planned) {
		return pgerror.Newf(pgcode.FeatureNotSupported, "view \"%s\" had another definition at tx %d than now", c.name, tx).
			WithHint("With AS OF $n the view is planned with its present definition; use a literal AS OF TX to read it with its definition of then.")
	}
	c.sameAt.Store(ver, true)
	return nil
}

// sameViewQuery reports whether two definitions of a view read alike:
// the same query and output columns (comments aside).
func sameViewQuery(a, b *catalog.ViewDesc) bool {
	if a.Query != b.Query || len(a.Columns) != len(b.Columns) {
		return false
	}
	for i := range a.Columns {
		x, y := a.Columns[i], b.Columns[i]
		if x.Name != y.Name || x.TypeOid != y.TypeOid || x.Typmod != y.Typmod {
			return false
		}
	}
	return true
}
