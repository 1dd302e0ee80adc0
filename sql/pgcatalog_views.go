package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// pg_tables, pg_views and pg_indexes: PostgreSQL's system views over
// pg_class, computed here from the same descriptors.

func init() {
	addVtable("pg_tables", 12033, 'v', `schemaname name, tablename name, tableowner name, tablespace name,
		hasindexes boolean, hasrules boolean, hastriggers boolean, rowsecurity boolean`, pgTablesRows)
	addVtable("pg_views", 12028, 'v', `schemaname name, viewname name, viewowner name, definition text`, pgViewsRows)
	addVtable("pg_indexes", 12043, 'v', `schemaname name, tablename name, indexname name, tablespace name,
		indexdef text`, pgIndexesRows)
}

// schemaNames maps schema ids to names.
func schemaNames(descs []*catalog.Descriptor) map[uint32]string {
	m := map[uint32]string{}
	for _, d := range descs {
		if d.Kind == catalog.KindSchema {
			m[d.ID] = d.Name
		}
	}
	return m
}

// allWithSchemas is c.all() with the names of the schemas among them,
// which most catalog views print beside each object.
func (c *vctx) allWithSchemas() ([]*catalog.Descriptor, map[uint32]string, error) {
	descs, err := c.all()
	if err != nil {
		return nil, nil, err
	}
	return descs, schemaNames(descs), nil
}

func ownerName(d *catalog.Descriptor) string {
	if d.Owner == "" {
		return AdminUser
	}
	return d.Owner
}

func pgTablesRows(c *vctx) ([][]types.Datum, error) {
	descs, schemas, err := c.allWithSchemas()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	// pg_catalog's own relations are tables too.
	for _, name := range vtableNames() {
		if vt := vtables[name]; vt.kind == 'r' {
			out = append(out, []types.Datum{"pg_catalog", vt.name, AdminUser, nil, dBool(false), dBool(false), dBool(false), dBool(false)})
		}
	}
	fk := fkTables(descs)
	for _, d := range descs {
		if d.Kind == catalog.KindTable && !d.IsMatView() {
			out = append(out, []types.Datum{schemas[d.Schema], d.Name, ownerName(d), nil,
				dBool(len(catalog.NamedIndexes(d.Table)) > 0), dBool(false), dBool(fk[d.ID]), dBool(false)})
		}
	}
	return out, nil
}

func pgViewsRows(c *vctx) ([][]types.Datum, error) {
	descs, schemas, err := c.allWithSchemas()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind == catalog.KindView {
			// The definition is the query as written (PostgreSQL prints
			// its own deparsed form), as pg_get_viewdef shows it.
			def, err := c.at().shownText(d.View.Query, true)
			if err != nil {
				return nil, err
			}
			out = append(out, []types.Datum{schemas[d.Schema], d.Name, ownerName(d), def})
		}
	}
	return out, nil
}

func pgIndexesRows(c *vctx) ([][]types.Datum, error) {
	descs, schemas, err := c.allWithSchemas()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind != catalog.KindTable {
			continue
		}
		for _, ix := range catalog.NamedIndexes(d.Table) {
			oid, err := indexOID(d.ID, ix.ID)
			if err != nil {
				return nil, err
			}
			def, err := indexDefOf(c.at(), oid, 0, false, nil)
			if err != nil {
				return nil, err
			}
			out = append(out, []types.Datum{schemas[d.Schema], d.Name, ix.Name, nil, def})
		}
	}
	return out, nil
}
