package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Naming the table of an integrity error (pgerror/objects.go). The
// engine knows an index's name but not the schema or table it belongs
// to, and the checks of the table writer know the table's descriptor
// but not its schema's name; the schema is looked up here, only on the
// failing path.

// aboutTable returns err naming d and d's schema as the table it is
// about, when err is a *pgerror.Error; any other error (nil, or one
// wrapped with more context) comes back as it is.
func (x *execCtx) aboutTable(err error, d *catalog.Descriptor) error {
	if pe, ok := err.(*pgerror.Error); ok {
		return x.inTable(pe, d)
	}
	return err
}

// inTable is pe naming d and d's schema, unless it names a table already.
func (x *execCtx) inTable(pe *pgerror.Error, d *catalog.Descriptor) *pgerror.Error {
	if pe.Table != "" || d == nil {
		return pe
	}
	schema := ""
	if s, err := catalog.Get(x.txn, d.Schema); err == nil && s != nil {
		schema = s.Name
	}
	return pe.WithTable(schema, d.Name)
}

// nullsInColumn is the error of a table whose rows hold NULL in a column
// that may no longer: SET NOT NULL, a new NOT NULL column, a new primary
// key, a new type.
func (x *execCtx) nullsInColumn(d *catalog.Descriptor, column string) error {
	return x.inTable(pgerror.Newf(pgcode.NotNullViolation, "column \"%s\" of relation \"%s\" contains null values", column, d.Name).WithColumn(column), d)
}

// rowBreaksCheck is the error of a table with a row a CHECK constraint,
// new or to be kept, fails.
func (x *execCtx) rowBreaksCheck(d *catalog.Descriptor, check string) error {
	return x.inTable(pgerror.Newf(pgcode.CheckViolation, "check constraint \"%s\" of relation \"%s\" is violated by some row", check, d.Name).WithConstraint(check), d)
}
