package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// uniqueUsingIndex is ALTER TABLE ADD [CONSTRAINT name] UNIQUE USING
// INDEX index: an existing unique index of the table, of every row and
// in the default order, operator class and collation, becomes the
// constraint's (renamed after it, as PostgreSQL does); its entries are
// already there.
func (x *execCtx) uniqueUsingIndex(b *tableBuilder, u *pg_query.Constraint) error {
	d, t := b.d, b.d.Table
	pos := int(u.Location) + 1 // errors point at the constraint
	ix := t.IndexByName(u.Indexname)
	if ix == nil {
		other, err := catalog.Lookup(x.txn, d.Schema, u.Indexname)
		if err != nil {
			return err
		}
		if other != nil && other.Kind == catalog.KindIndex {
			return pgerror.Newf(pgcode.ObjectNotInPrerequisiteState, "index \"%s\" does not belong to table \"%s\"", u.Indexname, d.Name).WithPosition(pos)
		}
		return pgerror.Newf(pgcode.UndefinedObject, "index \"%s\" does not exist", u.Indexname).WithPosition(pos)
	}
	const detail = "Cannot create a primary key or unique constraint using such an index."
	switch {
	case ix.Constraint:
		return pgerror.Newf(pgcode.ObjectNotInPrerequisiteState, "index \"%s\" is already associated with a constraint", ix.Name).WithPosition(pos)
	case !ix.Unique:
		return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a unique index", ix.Name).WithDetail(detail).WithPosition(pos)
	case ix.Predicate != "":
		return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is a partial index", ix.Name).WithDetail(detail).WithPosition(pos)
	}
	for i, c := range ix.Columns {
		col := t.Column(c.ColumnID)
		if c.Desc || c.NullsFirst || c.Opclass != "" || indexKeyCollationOID(c, col) != columnCollationOID(col.Type(), col.Collation) {
			return pgerror.Newf(pgcode.WrongObjectType, "index \"%s\" column number %d does not have default sorting behavior", ix.Name, i+1).WithDetail(detail).WithPosition(pos)
		}
	}
	if name := u.Conname; name != "" && name != ix.Name {
		if err := b.claim(name); err != nil {
			return err
		}
		if err := x.relationNameFree(d.Schema, name); err != nil {
			return err
		}
		x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, "ALTER TABLE / ADD CONSTRAINT USING INDEX will rename index \""+ix.Name+"\" to \""+name+"\"")
		ix.Name = name
	}
	ix.Constraint = true
	return catalog.Put(x.txn, d)
}
