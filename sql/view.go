package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// planView plans a view's stored query as a subquery of its own (it
// sees no WITH queries or outer rows of the query that reads it), with
// the view's column names.
func (pl *planner) planView(d *catalog.Descriptor, lv *level) (planNode, error) {
	stmt, err := parseViewQuery(d)
	if err != nil {
		return nil, err
	}
	saved := pl.ctes
	pl.ctes = nil
	defer func() { pl.ctes = saved }()
	// The view's query has AS OF clauses of its own, at locations in its
	// own text: the statement's clauses are set aside meanwhile, lest one
	// be taken by a table of the view at the same location.
	travel, used, travelErr := pl.travel, pl.travelUsed, pl.travelErr
	pl.travel, pl.travelUsed, pl.travelErr = nil, nil, nil
	defer func() { pl.travel, pl.travelUsed, pl.travelErr = travel, used, travelErr }()
	pl.attachTimeTravel(stmt)
	// Its calls resolve to the functions it was bound to (view_funcs.go);
	// a definition of a past tx names them as they were named then.
	var bound *funcBinding
	if p := pl.viewPoint; p != nil && p.catTxn != pl.txn {
		bound, err = bindingAsOf(pl.txn, p.catTxn, d.View)
	} else {
		bound, err = bindingOf(pl.txn, d.View)
	}
	if err != nil {
		return nil, err
	}
	savedBound := pl.bound
	pl.bound = bound
	defer func() { pl.bound = savedBound }()
	// What CREATE VIEW writes out and RENAME COLUMN rewrites is the
	// query being made or renamed in, not this view's.
	stars, refs := pl.explicitStars, pl.columnRefs
	pl.explicitStars, pl.columnRefs = false, nil
	defer func() { pl.explicitStars, pl.columnRefs = stars, refs }()
	pl.depth++
	defer func() { pl.depth-- }()
	if pl.depth > maxViewDepth {
		return nil, pgerror.Newf(pgcode.InvalidObjectDefinition, "infinite recursion detected in rules for relation \"%s\"", d.Name)
	}
	// The view's query has the system columns it names, whether or not
	// the query reading the view names any.
	sys := pl.sysCols
	pl.sysCols = sys || selectWantsSystemColumns(stmt.AST.GetSelectStmt())
	node, err := pl.planQuery(stmt.AST.GetSelectStmt(), nil, &level{parent: lv})
	pl.sysCols = sys
	if err == nil {
		err = pl.checkTimeTravelUsed()
	}
	if err != nil {
		return nil, err
	}
	cols := append([]column(nil), node.cols()...)
	if err := sameViewShape(d, cols); err != nil {
		return nil, err
	}
	for i := range cols {
		cols[i].name = d.View.Columns[i].Name
		cols[i].tableOID = d.ID
		cols[i].attNum = int16(i + 1)
	}
	n := &renameNode{input: node, columns: cols}
	if p := pl.viewPoint; p != nil && p.asOf.param != nil {
		n.pastView = &pastViewCheck{asOf: p.asOf, id: d.ID, name: d.Name, planned: d.View}
	}
	return n, nil
}

// sameViewShape refuses a view whose stored query no longer gives the
// columns it was made with. A view made before CREATE VIEW wrote out its
// * items (select_storedstars.go) takes in a column added since to a
// table it reads with *: read on, its columns would shift under their
// stored names.
func sameViewShape(d *catalog.Descriptor, cols []column) error {
	ok := len(cols) == len(d.View.Columns)
	for i := 0; ok && i < len(cols); i++ {
		ok = storedTypeMatches(typeOid(cols[i].typ), d.View.Columns[i].TypeOid)
	}
	if ok {
		return nil
	}
	return pgerror.Newf(pgcode.FeatureNotSupported, "view \"%s\" no longer has the columns it was made with", d.Name).
		WithDetail("A table it reads with * has gained or changed columns since.").
		WithHint("Make the view again with CREATE OR REPLACE VIEW.")
}

// storedTypeMatches reports whether a column a stored query plans to
// now, of type got, is still the column of type want it was stored
// with: an untyped literal's column was stored as text.
func storedTypeMatches(got, want uint32) bool {
	return got == want || got == types.Unknown.Oid && want == types.Text.Oid
}

// maxViewDepth bounds views over views.
const maxViewDepth = 64
