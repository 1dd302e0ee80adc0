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
	missing := pgerror.Newf(pgcode.UndefinedObject, "constraint \"%s\" for table \"%s\" does not exist", old, d.Name)
	if d.Kind != catalog.KindTable {
		return missing
	}
	all := tableConstraints(d.Table)
	var target *tableConstraint
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
		return pgerror.Newf(pgcode.DuplicateObject, "constraint \"%s\" for relation \"%s\" already exists", name, d.Name)
	}
	if target.index {
		if err := x.relationNameFree(d.Schema, name); err != nil {
			return err
		}
	}
	*target.name = name
	return catalog.Put(x.txn, d)
}

// tableConstraint is one of a table's constraints: its name, by pointer
// into the descriptor, whether it is an index (a relation name too),
// and its foreign key if it is one.
type tableConstraint struct {
	name  *string
	index bool
	fk    *catalog.ForeignKeyDesc
}

// tableConstraints lists a table's primary key and unique constraints,
// then its checks, then its foreign keys.
func tableConstraints(t *catalog.TableDesc) []tableConstraint {
	var all []tableConstraint
	for _, ix := range catalog.NamedIndexes(t) {
		if ix.Constraint || isPrimary(ix) {
			all = append(all, tableConstraint{name: &ix.Name, index: true})
		}
	}
	for i := range t.Checks {
		all = append(all, tableConstraint{name: &t.Checks[i].Name})
	}
	for i := range t.ForeignKeys {
		fk := &t.ForeignKeys[i]
		all = append(all, tableConstraint{name: &fk.Name, fk: fk})
	}
	return all
}
