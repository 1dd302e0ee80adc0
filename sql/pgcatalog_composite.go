package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// pg_class and pg_attribute rows of the stand-alone composite types
// (ddl_composite.go): PostgreSQL gives each a relation of relkind 'c',
// its pg_type row's typrelid, which holds its attributes, so that psql's
// \d c describes it as "Composite type" and \dT lists it.

// compositeClassRows are the composite types' pg_class rows.
func compositeClassRows(c *vctx) [][]types.Datum {
	var out [][]types.Datum
	for _, d := range c.userTypes {
		if !d.IsComposite() {
			continue
		}
		row := classRow(d.Type.Composite.Relid, d.Name, d.Schema, ownerOID(d), 0, 'c', len(d.Type.Composite.Attributes), 0, false, false)
		row[3] = dOid(d.ID) // reltype
		row[7] = dOid(0)    // relfilenode: nothing stored
		out = append(out, row)
	}
	return out
}

// compositeAttributeRows are the composite types' pg_attribute rows.
func compositeAttributeRows(c *vctx) [][]types.Datum {
	var out [][]types.Datum
	for _, d := range c.userTypes {
		if !d.IsComposite() {
			continue
		}
		for i := range d.Type.Composite.Attributes {
			a := &d.Type.Composite.Attributes[i]
			out = append(out, attRow(d.Type.Composite.Relid, a.Name, a.Type(), i+1, false, false, "", false))
		}
	}
	return out
}

// compositeByRelid is the composite type whose relation has OID relid,
// or nil.
func compositeByRelid(x *execCtx, relid uint32) (*catalog.Descriptor, error) {
	if x == nil || x.txn == nil || relid < catalog.FirstUserID {
		return nil, nil
	}
	// psql's \d asks once per pg_class row: one read of the catalog
	// for the statement.
	if x.compositeRels == nil {
		all, err := catalog.All(x.txn)
		if err != nil {
			return nil, err
		}
		x.compositeRels = map[uint32]*catalog.Descriptor{}
		for _, d := range all {
			if d.IsComposite() {
				x.compositeRels[d.Type.Composite.Relid] = d
			}
		}
	}
	return x.compositeRels[relid], nil
}
