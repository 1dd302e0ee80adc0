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
// columns (NULL::t, ROW(1,'x')::t, '(1,x)'::t, json_populate_record).
// stela stores nothing for them: the type is derived from the relation's
// descriptor whenever it is named or looked up by OID, so it always has
// the relation's current columns, as PostgreSQL's row type follows ALTER
// TABLE. A query AS OF an older transaction therefore still resolves t
// to the current shape, as the name of any other type resolves against
// the current catalog. Sequences and indexes have none (PostgreSQL 15
// gives neither a row type).
//
// A row type's OID is 0x3C000000 + (relation id - 16384), its array
// type's (t[], pg_type's _t) 0x3C080000 + (relation id - 16384), next to
// the other derived OIDs of pgcatalog_oid.go.

const (
	oidRowTypeBase  = 0x3C000000
	oidRowArrayBase = oidRowTypeBase + (oidMaxDescriptor - catalog.FirstUserID)
)

// rowTypeOID is the pg_type OID of a relation's row type, 0 when the
// relation has none.
func rowTypeOID(d *catalog.Descriptor) uint32 {
	if !hasRowType(d) || d.ID < catalog.FirstUserID || d.ID >= oidMaxDescriptor {
		return 0
	}
	return oidRowTypeBase + d.ID - catalog.FirstUserID
}

// rowArrayOID is the pg_type OID of the array type of a relation's row
// type, 0 when the relation has none.
func rowArrayOID(d *catalog.Descriptor) uint32 {
	if oid := rowTypeOID(d); oid != 0 {
		return oid - oidRowTypeBase + oidRowArrayBase
	}
	return 0
}

// rowTypeRelation is the relation id whose row type, or the array type
// of it (array), has OID oid.
func rowTypeRelation(oid uint32) (id uint32, array bool, ok bool) {
	const span = oidMaxDescriptor - catalog.FirstUserID
	switch {
	case oid >= oidRowTypeBase && oid < oidRowTypeBase+span:
		return oid - oidRowTypeBase + catalog.FirstUserID, false, true
	case oid >= oidRowArrayBase && oid < oidRowArrayBase+span:
		return oid - oidRowArrayBase + catalog.FirstUserID, true, true
	}
	return 0, false, false
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
	return types.NewRowType(rowTypeOID(d), rowArrayOID(d), d.Name, types.RowTypeDef{Relid: d.ID, Schema: d.Schema}, fields)
}

// rowTypeNamed is the row type a type name means, or its array type for
// _name (pg_type's name of t[]), with the relation; nil when none.
func rowTypeNamed(txn *engine.Txn, s *Session, schema, name string) (*types.T, *catalog.Descriptor, error) {
	d, err := lookupRowType(txn, s, schema, name)
	if err != nil || d != nil {
		if d == nil {
			return nil, nil, err
		}
		return rowTypeOf(d), d, nil
	}
	if !strings.HasPrefix(name, "_") {
		return nil, nil, nil
	}
	if d, err = lookupRowType(txn, s, schema, name[1:]); err != nil || d == nil {
		return nil, nil, err
	}
	a, _ := types.ArrayOf(rowTypeOf(d))
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
		if d != nil && rowTypeOID(d) != 0 {
			return d, nil
		}
	}
	return nil, nil
}

// rowTypeByOID returns the row type, or its array type, with that OID;
// ok is false when no relation has it.
func rowTypeByOID(txn *engine.Txn, oid uint32) (*types.T, bool, error) {
	id, array, ok := rowTypeRelation(oid)
	if !ok || txn == nil {
		return nil, false, nil
	}
	d, err := catalog.Get(txn, id)
	if err != nil || !hasRowType(d) {
		return nil, false, err
	}
	t := rowTypeOf(d)
	if array {
		t, ok = types.ArrayOf(t)
	}
	return t, ok, nil
}

// rowTypeIOFuncs are the type functions of every composite type, with
// PostgreSQL 15's OIDs.
var rowTypeIOFuncs = [4]types.Datum{dReg(2290, "record_in"), dReg(2291, "record_out"), dReg(2402, "record_recv"), dReg(2403, "record_send")}

// rowTypeRows are pg_type's rows of the relations' row types and their
// array types, as PostgreSQL 15 fills them in (typtype 'c', typrelid
// the relation; the array _name of typtype 'b').
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
			dChar(','), dOid(d.ID), dReg(0, ""), dOid(0), dOid(rowArrayOID(d)),
			rowTypeIOFuncs[0], rowTypeIOFuncs[1], rowTypeIOFuncs[2], rowTypeIOFuncs[3],
			dReg(0, ""), dReg(0, ""), dReg(0, ""), dChar('d'),
			dChar('x'), false, dOid(0), dInt(-1), dInt(0), dOid(0), nil, nil, nil,
		}, []types.Datum{
			dOid(rowArrayOID(d)), "_" + d.Name, dOid(d.Schema), dOid(ownerOID(d)), int64(-1),
			false, dChar('b'), dChar('A'), false, true,
			dChar(','), dOid(0), typeFunc(6179), dOid(oid), dOid(0),
			typeFunc(750), typeFunc(751), typeFunc(2400), typeFunc(2401),
			typeFunc(0), typeFunc(0), typeFunc(3816), dChar('d'),
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
