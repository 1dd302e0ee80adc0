package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Row types: as in PostgreSQL, every table, materialized view and view
// has a composite type of its own name whose fields are its visible
// columns (NULL::t, ROW(1,'x')::t, '(1,x)'::t, json_populate_record).
// stela stores nothing for them: the type is derived from the relation's
// descriptor whenever it is named or looked up by OID, so it always has
// the relation's current columns, as PostgreSQL's row type follows ALTER
// TABLE. A query AS OF an older transaction therefore still resolves t
// to the current shape, as the name of any other type resolves against
// the current catalog. Sequences and indexes have none (PostgreSQL 15
// gives neither a row type).
//
// A row type's OID is 0x3C000000 + (relation id - 16384), next to the
// other derived OIDs of pgcatalog_oid.go.

const oidRowTypeBase = 0x3C000000

// rowTypeOID is the pg_type OID of a relation's row type, 0 when the
// relation has none.
func rowTypeOID(d *catalog.Descriptor) uint32 {
	if !hasRowType(d) || d.ID < catalog.FirstUserID || d.ID >= oidMaxDescriptor {
		return 0
	}
	return oidRowTypeBase + d.ID - catalog.FirstUserID
}

// rowTypeRelation is the relation id whose row type has OID oid.
func rowTypeRelation(oid uint32) (uint32, bool) {
	if oid < oidRowTypeBase || oid >= oidRowTypeBase+(oidMaxDescriptor-catalog.FirstUserID) {
		return 0, false
	}
	return oid - oidRowTypeBase + catalog.FirstUserID, true
}

// hasRowType reports whether a descriptor is a relation with a row type.
func hasRowType(d *catalog.Descriptor) bool {
	return d != nil && (d.Kind == catalog.KindTable && d.Table != nil || d.Kind == catalog.KindView && d.View != nil)
}

// rowTypeOf is a relation's row type.
func rowTypeOf(d *catalog.Descriptor) *types.T {
	var fields []types.Field
	switch {
	case d.Kind == catalog.KindView:
		for i := range d.View.Columns {
			c := &d.View.Columns[i]
			fields = append(fields, types.Field{Name: c.Name, T: c.Type()})
		}
	default:
		for i := range d.Table.Columns {
			c := &d.Table.Columns[i]
			if !c.Dropped && !c.Hidden {
				fields = append(fields, types.Field{Name: c.Name, T: c.Type()})
			}
		}
	}
	return types.NewRowType(rowTypeOID(d), d.Name, types.RowTypeDef{Relid: d.ID, Schema: d.Schema}, fields)
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
		if d != nil && rowTypeOID(d) != 0 {
			return d, nil
		}
	}
	return nil, nil
}

// rowTypeByOID returns the row type with that OID; ok is false when no
// relation has it.
func rowTypeByOID(txn *engine.Txn, oid uint32) (*types.T, bool, error) {
	id, ok := rowTypeRelation(oid)
	if !ok || txn == nil {
		return nil, false, nil
	}
	d, err := catalog.Get(txn, id)
	if err != nil || !hasRowType(d) {
		return nil, false, err
	}
	return rowTypeOf(d), true, nil
}

// rowTypeIOFuncs are the type functions of every composite type, with
// PostgreSQL 15's OIDs.
var rowTypeIOFuncs = [4]types.Datum{dReg(2290, "record_in"), dReg(2291, "record_out"), dReg(2402, "record_recv"), dReg(2403, "record_send")}

// rowTypeRows are pg_type's rows of the relations' row types, as
// PostgreSQL 15 fills them in (typtype 'c', typrelid the relation).
// stela has no array types of row types: typarray is 0.
func rowTypeRows(c *vctx) ([][]types.Datum, error) {
	descs, err := c.all()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		oid := rowTypeOID(d)
		if oid == 0 {
			continue
		}
		out = append(out, []types.Datum{
			dOid(oid), d.Name, dOid(d.Schema), dOid(ownerOID(d)), int64(-1),
			false, dChar('c'), dChar('C'), false, true,
			dChar(','), dOid(d.ID), dReg(0, ""), dOid(0), dOid(0),
			rowTypeIOFuncs[0], rowTypeIOFuncs[1], rowTypeIOFuncs[2], rowTypeIOFuncs[3],
			dReg(0, ""), dReg(0, ""), dReg(0, ""), dChar('d'),
			dChar('x'), false, dOid(0), dInt(-1), dInt(0), dOid(0), nil, nil, nil,
		})
	}
	return out, nil
}

// errRowTypeColumn refuses a row type as a column's type: PostgreSQL
// stores composite values in columns, stela's row encoding has no
// composite values yet.
func errRowTypeColumn(column string, t *types.T) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "column %q cannot be of type %s: a table's row type is not supported as a column type", column, t)
}
