package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// fkActions maps pg_query's one-letter referential actions.
var fkActions = map[string]string{"a": "", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default", "": ""}

// foreignKey adds a FOREIGN KEY constraint to the table being created.
func (b *tableBuilder) foreignKey(fk *pg_query.Constraint, col string) error {
	t := b.d.Table
	childCols := nodeStrings(fk.FkAttrs)
	var parent *catalog.Descriptor
	if fk.Pktable.Relname == b.d.Name && (fk.Pktable.Schemaname == "" || fk.Pktable.Schemaname == b.schema.Name) {
		parent = b.d // a self-reference
	} else {
		var err error
		if parent, err = catalog.Relation(b.x.txn, fk.Pktable.Schemaname, fk.Pktable.Relname, b.x.sess.searchPath()); err != nil {
			return err
		}
		if parent.Kind != catalog.KindTable {
			return pgerror.Newf(pgcode.WrongObjectType, "referenced relation \"%s\" is not a table", parent.Name)
		}
		if err := b.samePersistence(parent); err != nil {
			return err
		}
		// The parent's writers must see the new key, or fail.
		if err := catalog.ChangedShape(b.x.txn, parent.ID); err != nil {
			return err
		}
	}
	ref, err := referencedKey(parent, nodeStrings(fk.PkAttrs))
	if err != nil {
		return err
	}
	// Referencing a table needs REFERENCES on it, as in PostgreSQL: a
	// key on it would hold back its owner's deletes and updates.
	if parent != b.d {
		if err := b.x.sess.checkTable("x", parent); err != nil {
			return err
		}
	}
	if len(ref) != len(childCols) {
		return pgerror.New(pgcode.InvalidForeignKey, "number of referencing and referenced columns for foreign key disagree")
	}
	d := catalog.ForeignKeyDesc{Name: fk.Conname, RefTable: parent.ID, RefColumns: ref,
		OnDelete: fkActions[fk.FkDelAction], OnUpdate: fkActions[fk.FkUpdAction],
		Deferrable: fk.Deferrable, InitiallyDeferred: fk.Initdeferred, MatchFull: fk.FkMatchtype == "f"}
	for i, name := range childCols {
		c := t.ColumnByName(name)
		if c == nil {
			return pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" referenced in foreign key constraint does not exist", name)
		}
		pc := parent.Table.Column(ref[i])
		if c.Type().Family != pc.Type().Family && !(isNumericFamily(c) && isNumericFamily(pc)) {
			return pgerror.Newf(pgcode.DatatypeMismatch, "foreign key constraint \"%s\" cannot be implemented", fkName(b, fk, childCols)).
				WithDetail("Key columns \"" + name + "\" and \"" + pc.Name + "\" are of incompatible types: " + c.Type().String() + " and " + pc.Type().String() + ".")
		}
		d.Columns = append(d.Columns, c.ID)
	}
	if err := checkGeneratedFK(t, &d); err != nil {
		return err
	}
	if d.Name == "" {
		if d.Name, err = chooseName(b.x.txn, b.schema.ID, b.names, append([]string{b.d.Name}, childCols...), "fkey"); err != nil {
			return err
		}
	}
	if err := b.claim(d.Name); err != nil {
		return err
	}
	t.ForeignKeys = append(t.ForeignKeys, d)
	return nil
}

func fkName(b *tableBuilder, fk *pg_query.Constraint, cols []string) string {
	if fk.Conname != "" {
		return fk.Conname
	}
	return makeObjectName(append([]string{b.d.Name}, cols...), "fkey")
}

func isNumericFamily(c *catalog.ColumnDesc) bool {
	switch c.Type().Category {
	case 'N':
		return true
	}
	return false
}

// referencedKey resolves the referenced columns of a foreign key: the
// named ones, which must be a primary key or unique constraint, or the
// primary key.
func referencedKey(parent *catalog.Descriptor, names []string) ([]uint32, error) {
	t := parent.Table
	if len(names) == 0 {
		if t.PrimaryKey.Name == "" || t.Column(t.PrimaryKey.Columns[0].ColumnID).Hidden {
			return nil, pgerror.Newf(pgcode.InvalidForeignKey, "there is no primary key for referenced table \"%s\"", parent.Name)
		}
		var out []uint32
		for _, c := range t.PrimaryKey.Columns {
			out = append(out, c.ColumnID)
		}
		return out, nil
	}
	var ids []uint32
	for _, n := range names {
		c := t.ColumnByName(n)
		if c == nil {
			return nil, pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" referenced in foreign key constraint does not exist", n)
		}
		ids = append(ids, c.ID)
	}
	for _, ix := range t.AllIndexes() {
		if !ix.Unique || ix.Predicate != "" || len(ix.Columns) != len(ids) {
			continue
		}
		match := true
		for _, ic := range ix.Columns {
			found := false
			for _, id := range ids {
				if id == ic.ColumnID {
					found = true
				}
			}
			match = match && found
		}
		if match {
			return ids, nil
		}
	}
	return nil, pgerror.Newf(pgcode.InvalidForeignKey, "there is no unique constraint matching given keys for referenced table \"%s\"", parent.Name)
}

// samePersistence is PostgreSQL's rule for a foreign key's tables: a
// permanent table references only permanent ones, a temporary table
// only temporary ones (of its own session: no other's are found).
func (b *tableBuilder) samePersistence(parent *catalog.Descriptor) error {
	parentTemp, err := isTempSchemaID(b.x.txn, parent.Schema)
	if err != nil {
		return err
	}
	switch temp := catalog.IsTempSchema(b.schema.Name); {
	case temp && !parentTemp:
		return pgerror.New(pgcode.InvalidTableDefinition, "constraints on temporary tables may reference only temporary tables")
	case !temp && parentTemp:
		return pgerror.New(pgcode.InvalidTableDefinition, "constraints on permanent tables may reference only permanent tables")
	}
	return nil
}
