package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The checks PostgreSQL makes where the names of relations and of types
// meet (catalog/relation_names.go says how they overlap):
//
//   - a new table, view, materialized view or sequence takes a relation
//     name (the caller's check, with catalog.LookupRelation, so that a
//     composite type's name counts) and then a row type name:
//     heap_create_with_catalog refuses one an enum or a domain has, with
//     a hint. An index has no row type, so it makes only the first check.
//   - RENAME of a relation with a row type renames the row type too, and
//     meets the same clash without the hint (RenameTypeInternal).

// rowTypeHint is heap_create_with_catalog's hint.
const rowTypeHint = "A relation has an associated type of the same name, so you must use a name that doesn't conflict with any existing type."

// newRowTypeNameFree refuses the name of a new relation with a row type
// when a type has it.
func (x *execCtx) newRowTypeNameFree(schema uint32, name string) error {
	clash, err := x.rowTypeClash(schema, name)
	if clash != nil {
		return clash.WithHint(rowTypeHint)
	}
	return err
}

// relationNameFree refuses (42P07) a relation name a relation of the
// schema has, a composite type's included.
func (x *execCtx) relationNameFree(schema uint32, name string) error {
	if d, err := catalog.LookupRelation(x.txn, schema, name); err != nil {
		return err
	} else if d != nil {
		return pgerror.Newf(pgcode.DuplicateTable, "relation \"%s\" already exists", name)
	}
	return nil
}

// rowTypeNameFree refuses a renamed row type's name when a type has it.
func (x *execCtx) rowTypeNameFree(schema uint32, name string) error {
	clash, err := x.rowTypeClash(schema, name)
	if clash != nil {
		return clash
	}
	return err
}

// rowTypeClash is the error for a row type named name, nil when the name
// is free.
func (x *execCtx) rowTypeClash(schema uint32, name string) (*pgerror.Error, error) {
	taken, err := catalog.RowTypeNameTaken(x.txn, schema, name)
	if err != nil || !taken {
		return nil, err
	}
	return pgerror.Newf(pgcode.DuplicateObject, "type \"%s\" already exists", name), nil
}
