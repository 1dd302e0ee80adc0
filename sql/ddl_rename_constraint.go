package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// renameConstraint is ALTER TABLE ... RENAME CONSTRAINT old TO new. A
// constraint's name is unique among its table's constraints; a primary
// key or unique constraint is also its index, whose name is a relation
// name of the schema, so the index is renamed with it, as in
// PostgreSQL. Nothing else refers to a constraint by name but ON
// CONFLICT ON CONSTRAINT, which resolves it when planned (and plans are
// made again after DDL).
func (x *execCtx) renameConstraint(n *pg_query.RenameStmt) error {
	d, err := x.renameTarget(n)
	if err != nil || d == nil {
		return err
	}
	old, name := n.Subname, n.Newname
	missing := pgerror.Newf(pgcode.UndefinedObject, "constraint %q for table %q does not exist", old, d.Name)
	if d.Kind != catalog.KindTable {
		return missing
	}
	// Each constraint's name, by pointer, and whether it is an index
	// (a relation name too).
	type named struct {
		name  *string
		index bool
	}
	t := d.Table
	var all []named
	for _, ix := range catalog.NamedIndexes(t) {
		if ix.Constraint || isPrimary(ix) {
			all = append(all, named{&ix.Name, true})
		}
	}
	for i := range t.Checks {
		all = append(all, named{name: &t.Checks[i].Name})
	}
	for i := range t.ForeignKeys {
		all = append(all, named{name: &t.ForeignKeys[i].Name})
	}
	var target *named
	taken := false
	for i, c := range all {
		switch *c.name {
		case old:
			target = &all[i]
		case name:
			taken = true
		}
	}
	if target == nil {
		return missing
	}
	if taken {
		return pgerror.Newf(pgcode.DuplicateObject, "constraint %q for relation %q already exists", name, d.Name)
	}
	if target.index {
		existing, err := catalog.Lookup(x.txn, d.Schema, name)
		if err != nil {
			return err
		}
		if existing != nil {
			return pgerror.Newf(pgcode.DuplicateTable, "relation %q already exists", name)
		}
	}
	*target.name = name
	return catalog.Put(x.txn, d)
}
