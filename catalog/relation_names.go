package catalog

import (
	"github.com/stela-db/stela/engine"
)

// Relations and types have separate namespaces here (the 'y' type name
// entries of types.go beside the relation name entries), but not quite
// in PostgreSQL, where the two overlap in two ways:
//
//   - a stand-alone composite type (CREATE TYPE c AS (...)) has a
//     pg_class row of its own, so its name is a relation name too:
//     CREATE TABLE c, CREATE INDEX c ... fail with "relation already
//     exists", and an IF NOT EXISTS skips, as for any relation;
//   - a table, a view or a materialized view has a row type of its own
//     name, so an enum or a domain of that name keeps it from being made
//     (and the other way round, which CREATE TYPE checks).
//
// LookupRelation answers the first; RowTypeNameTaken the second.

// LookupRelation returns the relation named name in a schema, or the
// stand-alone composite type of that name (whose pg_class row takes the
// name in PostgreSQL), or nil.
func LookupRelation(txn *engine.Txn, schema uint32, name string) (*Descriptor, error) {
	d, err := lookup(txn, schema, name)
	if err != nil || d != nil {
		return d, err
	}
	t, err := LookupType(txn, schema, name)
	if err != nil || !t.IsComposite() {
		return nil, err
	}
	return t, nil
}

// RowTypeNameTaken reports whether a type that a new row type of that
// name would clash with exists in the schema: any user type but an
// array type, which PostgreSQL renames out of the way
// (moveArrayTypeName) rather than refuse the name.
func RowTypeNameTaken(txn *engine.Txn, schema uint32, name string) (bool, error) {
	t, err := LookupType(txn, schema, name)
	if err != nil || t == nil {
		return false, err
	}
	return t.Type == nil || t.Type.ArrayOf == 0, nil
}
