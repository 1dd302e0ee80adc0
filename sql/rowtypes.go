package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Row types: as in PostgreSQL, every table, materialized view and view
// has a composite type of its own name whose fields are its visible
// columns (NULL::t, ROW(1,'x')::t, '(1,x)'::t, json_populate_record),
// and CREATE TYPE c AS (...) makes a stand-alone one (ddl_composite.go).
// Both have one shape, catalog.RowType, and their OIDs come from
// catalog/rowtype.go. A relation's row type is derived from its
// descriptor whenever it is named or looked up by OID, so it always has
// the relation's current columns, as PostgreSQL's row type follows ALTER
// TABLE. A query AS OF an older transaction therefore still resolves t
// to the current shape, as the name of any other type resolves against
// the current catalog; a composite-typed column read AS OF an older
// transaction gets its type as that transaction saw it, as every column
// does.

// hasRowType reports whether a descriptor is a relation with a row type.
func hasRowType(d *catalog.Descriptor) bool {
	return catalog.HasRowType(d) && !d.IsComposite()
}

// rowTypeNamed is the row type a type name means, or its array type for
// _name (pg_type's name of t[]), with the relation; nil when none.
func rowTypeNamed(txn *engine.Txn, s *Session, schema, name string) (*types.T, *catalog.Descriptor, error) {
	d, err := lookupRowType(txn, s, schema, name)
	if err != nil || d != nil {
		if d == nil {
			return nil, nil, err
		}
		return catalog.RowType(d), d, nil
	}
	if !strings.HasPrefix(name, "_") {
		return nil, nil, nil
	}
	if d, err = lookupRowType(txn, s, schema, name[1:]); err != nil || d == nil {
		return nil, nil, err
	}
	a, _ := types.ArrayOf(catalog.RowType(d))
	return a, d, nil
}

// lookupRowType finds the relation whose row type a type name means, or
// nil: in the named schema, or the first on the search path.
func lookupRowType(txn *engine.Txn, s *Session, schema, name string) (*catalog.Descriptor, error) {
	var schemas []string
	if schema != "" {
		schemas = []string{schema}
	} else {
		schemas = s.searchPath()
	}
	for _, sn := range schemas {
		sd, err := catalog.Lookup(txn, 0, sn)
		if err != nil {
			return nil, err
		}
		if sd == nil {
			continue
		}
		d, err := catalog.Lookup(txn, sd.ID, name)
		if err != nil {
			return nil, err
		}
		if d != nil && catalog.RowTypeOID(d) != 0 {
			return d, nil
		}
	}
	return nil, nil
}

// rowTypeIOFuncs are the type functions of every composite type, with
// PostgreSQL 15's OIDs.
var rowTypeIOFuncs = [4]types.Datum{dReg(2290, "record_in"), dReg(2291, "record_out"), dReg(2402, "record_recv"), dReg(2403, "record_send")}

// rowTypeRows are pg_type's rows of the row types, the relations' and
// the stand-alone composite types', and of their array types, as
// PostgreSQL 15 fills them in (typtype 'c', typrelid the relation; the
// array _name of typtype 'b').
func rowTypeRows(c *vctx) ([][]types.Datum, error) {
	descs, err := c.all()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range append(descs[:len(descs):len(descs)], c.userTypes...) {
		oid := catalog.RowTypeOID(d)
		if oid == 0 {
			continue
		}
		out = append(out, []types.Datum{
			dOid(oid), d.Name, dOid(d.Schema), dOid(ownerOID(d)), int64(-1),
			false, dChar('c'), dChar('C'), false, true,
			dChar(','), dOid(catalog.RowTypeRelid(d)), dReg(0, ""), dOid(0), dOid(catalog.RowArrayOID(d)),
			rowTypeIOFuncs[0], rowTypeIOFuncs[1], rowTypeIOFuncs[2], rowTypeIOFuncs[3],
			dReg(0, ""), dReg(0, ""), dReg(0, ""), dChar('d'),
			dChar('x'), false, dOid(0), dInt(-1), dInt(0), dOid(0), nil, nil, nil,
		}, []types.Datum{
			dOid(catalog.RowArrayOID(d)), arrayTypeName(d.Name), dOid(d.Schema), dOid(ownerOID(d)), int64(-1),
			false, dChar('b'), dChar('A'), false, true,
			dChar(','), dOid(0), typeFunc(6179), dOid(oid), dOid(0),
			typeFunc(750), typeFunc(751), typeFunc(2400), typeFunc(2401),
			typeFunc(0), typeFunc(0), typeFunc(3816), dChar('d'),
			dChar('x'), false, dOid(0), dInt(-1), dInt(0), dOid(0), nil, nil, nil,
		})
	}
	return out, nil
}

// errRowTypeColumn refuses ALTER COLUMN ... TYPE to a composite type:
// converting the stored values of a column into records is not done.
func errRowTypeColumn(column string, t *types.T) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "cannot change column \"%s\" to composite type %s: ALTER COLUMN ... TYPE to a composite type is not supported", column, t)
}
