package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// dropColumn is DROP COLUMN. The column stays in the descriptor, marked
// dropped, so that the rows stored with it still decode (as PostgreSQL's
// attisdropped); no row is written. What uses the column goes with it,
// as PostgreSQL's automatic dependencies: the indexes and CHECK and
// FOREIGN KEY constraints of the table that include it, and its owned
// sequence. Views reading it and other tables' foreign keys referencing
// it are dependents: refused without CASCADE, dropped with it.
func (x *execCtx) dropColumn(d *catalog.Descriptor, name string, missingOK, cascade bool) error {
	t := d.Table
	c := t.ColumnByName(name)
	if c == nil || c.Hidden {
		return x.missing(missingOK, pgcode.UndefinedColumn, "column \""+name+"\" of relation \""+d.Name+"\" does not exist")
	}
	for _, ic := range t.PrimaryKey.Columns {
		if ic.ColumnID == c.ID {
			// PostgreSQL drops the primary key with it; here the primary
			// key is what the rows are stored under.
			return pgerror.Newf(pgcode.FeatureNotSupported, "cannot drop column %s of table %s: it is part of the primary key", name, d.Name).
				WithDetail("The primary key of a table is what its rows are stored under in stela.")
		}
	}
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	what := "column " + name + " of " + x.describe(d)
	ds := g.newDropSet()
	ds.in[d.ID] = true // the table stays, but its own constraints are not dependents
	for _, o := range g.all {
		if o.Kind != catalog.KindTable || o.ID == d.ID {
			continue
		}
		for _, fk := range o.Table.ForeignKeys {
			if fk.RefTable == d.ID && containsID(fk.RefColumns, c.ID) {
				ds.addFK(o, fk.Name, what)
			}
		}
	}
	selfRefs := map[string]bool{}
	for _, fk := range t.ForeignKeys {
		if fk.RefTable == d.ID && containsID(fk.RefColumns, c.ID) && !containsID(fk.Columns, c.ID) {
			selfRefs[fk.Name] = true
		}
	}
	// The generated columns reading it are dependents too.
	if err := x.dropGeneratedUsers(d, c, ds, what); err != nil {
		return err
	}
	// The sequences the column owns go with it (removeColumn deletes a
	// serial's, the set the others, made OWNED BY it); the defaults
	// calling them, of other columns, are dependents.
	ds.keep, ds.keepDropCol = d.ID, c.ID
	for _, o := range g.all {
		if o.Kind != catalog.KindSequence {
			continue
		}
		owned := o.Sequence.OwnedByTable == d.ID && o.Sequence.OwnedByColumn == c.ID
		if !owned && o.ID != c.Sequence {
			continue
		}
		if o.ID != c.Sequence && !ds.in[o.ID] {
			ds.in[o.ID] = true
			ds.objs = append(ds.objs, o)
		}
		ds.sequenceUsers(o, x.describe(o))
	}
	if err := x.removeColumn(d, c); err != nil {
		return err
	}
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	// A view depends on the column if it no longer plans, or plans to
	// other columns, without it.
	for _, o := range g.all {
		if readsRelation(o, d) && x.viewBroken(o) {
			ds.addDependent(o, what)
		}
	}
	if len(selfRefs) > 0 {
		// A foreign key of the table referencing the column of its own.
		for fk := range selfRefs {
			ds.addFK(d, fk, what)
		}
	}
	if len(ds.dependents) > 0 {
		if !cascade {
			return errDependents(what, false, ds.dependents)
		}
		x.cascadeNotice("drop", ds.cascaded)
	}
	return ds.apply()
}

// removeColumn marks a column dropped and removes what includes it from
// the table: indexes (their entries stay, as a dropped index's do), CHECK
// and FOREIGN KEY constraints; its owned sequence is deleted. (Should the
// statement fail after, the transaction is aborted with it.)
func (x *execCtx) removeColumn(d *catalog.Descriptor, c *catalog.ColumnDesc) error {
	t := d.Table
	var keepIx []catalog.IndexDesc
	for _, ix := range t.Indexes {
		uses := ix.Predicate != "" && exprUsesColumn(ix.Predicate, c.Name)
		for _, ic := range ix.Columns {
			uses = uses || ic.ColumnID == c.ID
		}
		if uses {
			continue
		}
		keepIx = append(keepIx, ix)
	}
	t.Indexes = keepIx
	var keepChecks []catalog.CheckDesc
	for _, ck := range t.Checks {
		if !exprUsesColumn(ck.Expr, c.Name) {
			keepChecks = append(keepChecks, ck)
		}
	}
	t.Checks = keepChecks
	var keepFKs []catalog.ForeignKeyDesc
	for _, fk := range t.ForeignKeys {
		if !containsID(fk.Columns, c.ID) {
			keepFKs = append(keepFKs, fk)
		}
	}
	t.ForeignKeys = keepFKs
	if c.Sequence != 0 {
		s, err := catalog.Get(x.txn, c.Sequence)
		if err != nil {
			return err
		}
		if s != nil {
			if err := catalog.Delete(x.txn, s); err != nil {
				return err
			}
			x.sess.forgetGrantsAfterCommit([]uint32{s.ID})
		}
	}
	c.Dropped, c.NotNull, c.Default, c.Identity, c.Sequence, c.Generated = true, false, "", "", 0, ""
	c.Functions = nil
	x.sess.forgetColumnGrantsAfterCommit(d.ID, c.ID) // drop_grants.go
	dropOrphanKeys(t)
	return nil
}

// exprUsesColumn reports whether a stored expression refers to a column.
func exprUsesColumn(text, col string) bool {
	if col == "" {
		return false // a nameless key column (ddl_index_expr.go): nothing names it
	}
	n, err := parser.ParseExpr(text)
	if err != nil {
		return true
	}
	found := false
	walk(n, func(m *pg_query.Node) bool {
		if cr := m.GetColumnRef(); cr != nil {
			if f := cr.Fields; len(f) > 0 && f[len(f)-1].GetString_().GetSval() == col {
				found = true
			}
		}
		return !found
	})
	return found
}

// viewBroken reports whether a view's query no longer plans, or plans to
// other columns than the view's, in the transaction as it now is.
func (x *execCtx) viewBroken(v *catalog.Descriptor) bool {
	stmt, pl, err := x.storedViewPlanner(v) // view_stored_plan.go
	if err != nil {
		return true
	}
	node, err := pl.planQuery(stmt.AST.GetSelectStmt(), nil, &level{})
	return err != nil || sameViewShape(v, node.cols()) != nil
}
