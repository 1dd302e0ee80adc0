package sql

import (
	"strconv"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// pg_namespace, pg_class, pg_attribute and pg_attrdef: the relations
// (tables, views, sequences, indexes, and pg_catalog's own relations)
// and their columns.

const (
	amHeap  = 2   // pg_am heap: tables
	amBtree = 403 // pg_am btree: every stela index is an ordered one
	amHash  = 405 // pg_am hash: an ordered index made USING hash (ddl_index_hash.go)
	// defaultCollation is pg_collation "default", the collation of
	// string columns (stela's is C: bytewise).
	defaultCollation = 100
)

// ownerOID is the OID of a descriptor's owner (the admin when unset).
func ownerOID(d *catalog.Descriptor) uint32 {
	if d.Owner == "" {
		return adminRoleOID
	}
	return roleOID(d.Owner)
}

func init() {
	addVtable("pg_namespace", 2615, 'r', `oid oid, nspname name, nspowner oid, nspacl aclitem[]`, pgNamespaceRows)
	addVtable("pg_class", 1259, 'r', `oid oid, relname name, relnamespace oid, reltype oid, reloftype oid,
		relowner oid, relam oid, relfilenode oid, reltablespace oid, relpages integer, reltuples real,
		relallvisible integer, reltoastrelid oid, relhasindex boolean, relisshared boolean,
		relpersistence "char", relkind "char", relnatts smallint, relchecks smallint, relhasrules boolean,
		relhastriggers boolean, relhassubclass boolean, relrowsecurity boolean, relforcerowsecurity boolean,
		relispopulated boolean, relreplident "char", relispartition boolean, relrewrite oid,
		relfrozenxid xid, relminmxid xid, relacl aclitem[], reloptions text[], relpartbound pg_node_tree`, pgClassRows)
	addVtable("pg_attribute", 1249, 'r', `attrelid oid, attname name, atttypid oid, attstattarget integer,
		attlen smallint, attnum smallint, attndims integer, attcacheoff integer, atttypmod integer,
		attbyval boolean, attalign "char", attstorage "char", attcompression "char", attnotnull boolean,
		atthasdef boolean, atthasmissing boolean, attidentity "char", attgenerated "char",
		attisdropped boolean, attislocal boolean, attinhcount integer, attcollation oid, attacl aclitem[],
		attoptions text[], attfdwoptions text[], attmissingval anyarray`, pgAttributeRows)
	addVtable("pg_attrdef", 2604, 'r', `oid oid, adrelid oid, adnum smallint, adbin pg_node_tree`, pgAttrdefRows)
}

func pgNamespaceRows(c *vctx) ([][]types.Datum, error) {
	descs, err := c.all()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind == catalog.KindSchema {
			out = append(out, []types.Datum{dOid(d.ID), d.Name, dOid(ownerOID(d)), nil})
		}
	}
	return out, nil
}

// classRow builds a pg_class row.
// hasTriggers is relhastriggers: stela has no triggers, but PostgreSQL
// implements foreign keys with them and sets it on both tables of a
// foreign key, and psql shows a table's foreign keys and "Referenced by"
// only then (fkTables).
func classRow(oid uint32, name string, ns uint32, owner uint32, am uint32, kind byte, natts, checks int, hasIndex, hasTriggers bool) []types.Datum {
	filenode := oid
	if kind == 'v' {
		filenode = 0
	}
	// relreplident: 'd' (default: the primary key) for user tables and
	// materialized views, 'n' (nothing) for the rest, system catalogs
	// included.
	replident := byte('n')
	if (kind == 'r' || kind == 'm') && oid >= catalog.FirstUserID {
		replident = 'd'
	}
	return []types.Datum{
		dOid(oid), name, dOid(ns), dOid(0), dOid(0), dOid(owner), dOid(am), dOid(filenode), dOid(0),
		dInt(0), float64(-1), dInt(0), dOid(0), dBool(hasIndex), dBool(false), dChar('p'), dChar(kind),
		dInt(natts), dInt(checks), dBool(false), dBool(hasTriggers), dBool(false), dBool(false), dBool(false),
		dBool(true), dChar(replident), dBool(false), dOid(0), dOid(0), dOid(0), nil, nil, nil,
	}
}

// withACL sets a pg_class row's relacl.
func withACL(row []types.Datum, acl types.Datum) []types.Datum {
	row[len(row)-3] = acl
	return row
}

func pgClassRows(c *vctx) ([][]types.Datum, error) {
	descs, err := c.all()
	if err != nil {
		return nil, err
	}
	fk := fkTables(descs)
	grants, err := c.dbGrants()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, name := range vtableNames() {
		vt := vtables[name]
		out = append(out, classRow(vt.oid, vt.name, catalog.PgCatalogID, adminRoleOID, amOf(vt.kind), vt.kind, len(vt.cols), 0, false, false))
	}

	for _, d := range descs {
		owner := ownerOID(d)
		switch d.Kind {
		case catalog.KindTable:
			t := d.Table
			ixs := catalog.NamedIndexes(t)
			kind := byte('r')
			if d.IsMatView() {
				kind = 'm'
			}
			row := withACL(classRow(d.ID, d.Name, d.Schema, owner, amHeap, kind, liveAttnums(t), len(t.Checks), len(ixs) > 0, fk[d.ID]), relationACL(d, grants))
			if d.IsMatView() {
				row[len(row)-9] = dBool(d.MatView.Populated) // relispopulated
			}
			row[3] = dOid(catalog.RowTypeOID(d)) // reltype
			out = append(out, row)
			for _, ix := range ixs {
				oid, err := indexOID(d.ID, ix.ID)
				if err != nil {
					return nil, err
				}
				out = append(out, classRow(oid, ix.Name, d.Schema, owner, indexAM(ix), 'i', len(ix.Columns), 0, false, false))
			}
		case catalog.KindView:
			row := withACL(classRow(d.ID, d.Name, d.Schema, owner, 0, 'v', len(d.View.Columns), 0, false, false), relationACL(d, grants))
			row[3] = dOid(catalog.RowTypeOID(d)) // reltype
			out = append(out, row)
		case catalog.KindSequence:
			out = append(out, withACL(classRow(d.ID, d.Name, d.Schema, owner, 0, 'S', 3, 0, false, false), relationACL(d, grants)))
		}
	}
	out = append(out, compositeClassRows(c)...)
	markTemporary(out, descs)
	return out, nil
}

// markTemporary sets relpersistence 't' on the pg_class rows of the
// relations of temp schemas (sql/temp.go), the session's and others'.
func markTemporary(rows [][]types.Datum, descs []*catalog.Descriptor) {
	temp := map[int64]bool{}
	for _, d := range descs {
		if d.Kind == catalog.KindSchema && catalog.IsTempSchema(d.Name) {
			temp[int64(d.ID)] = true
		}
	}
	if len(temp) == 0 {
		return
	}
	const relnamespace, relpersistence = 2, 15
	for _, row := range rows {
		if ns, ok := row[relnamespace].(int64); ok && temp[ns] {
			row[relpersistence] = dChar('t')
		}
	}
}

// fkTables are the tables on either side of a foreign key.
func fkTables(descs []*catalog.Descriptor) map[uint32]bool {
	out := map[uint32]bool{}
	for _, d := range descs {
		if d.Kind != catalog.KindTable {
			continue
		}
		for _, f := range d.Table.ForeignKeys {
			out[d.ID], out[f.RefTable] = true, true
		}
	}
	return out
}

func amOf(kind byte) uint32 {
	if kind == 'r' {
		return amHeap
	}
	return 0
}

// liveAttnums is relnatts: the highest attnum (dropped columns keep
// theirs, as in PostgreSQL), without the hidden row id.
func liveAttnums(t *catalog.TableDesc) int {
	n := 0
	for i := range t.Columns {
		if !t.Columns[i].Hidden {
			n = i + 1
		}
	}
	return n
}

// typeRow returns PostgreSQL's pg_type row of a type stela serves.
func typeRow(oid uint32) *pgTypeRow {
	return pgTypeByOid[oid]
}

// attACLPos is attacl's position in a pg_attribute row.
const attACLPos = 22

// attRow builds a pg_attribute row.
func attRow(rel uint32, name string, t *types.T, attnum int, notNull, hasDef bool, identity string, dropped bool) []types.Datum {
	length, byval, align, storage := int64(-1), false, "i", "x"
	if r := typeRow(t.Oid); r != nil {
		length, byval, align, storage = int64(r.typlen), r.typbyval, string(r.typalign), string(r.typstorage)
	}
	coll := columnCollationOID(t, "")
	ndims := 0
	if t.IsArray() && !t.IsVector() {
		ndims = 1
	}
	typ := t.Oid
	typmod := t.Typmod
	if t.Domain != nil {
		// A column of a domain: the domain's oid, no modifier of its
		// own (typtypmod is the domain's).
		typ, typmod = t.Domain.Oid, -1
	}
	if dropped {
		typ, typmod = 0, -1
	}
	return []types.Datum{
		dOid(rel), name, dOid(typ), dInt(-1), length, dInt(attnum), dInt(ndims), dInt(-1), int64(typmod),
		byval, align, storage, "", notNull, hasDef, dBool(false), identity, "", dropped, dBool(true),
		dInt(0), dOid(coll), nil, nil, nil, nil,
	}
}

func pgAttributeRows(c *vctx) ([][]types.Datum, error) {
	descs, err := c.all()
	if err != nil {
		return nil, err
	}
	grants, err := c.dbGrants()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, name := range vtableNames() {
		vt := vtables[name]
		for i, col := range vt.cols {
			out = append(out, attRow(vt.oid, col.name, col.typ, i+1, vt.kind == 'r', false, "", false))
		}
	}
	for _, d := range descs {
		switch d.Kind {
		case catalog.KindTable:
			t := d.Table
			for i := range t.Columns {
				col := &t.Columns[i]
				if col.Hidden {
					continue
				}
				name := col.Name
				if col.Dropped {
					name = "........pg.dropped." + strconv.Itoa(i+1) + "........"
				}
				row := attRow(d.ID, name, col.Type(), i+1, col.NotNull, hasDefault(col), col.Identity, col.Dropped)
				if col.Generated != "" {
					row[attGeneratedPos] = "s" // stored
				}
				if col.Collation != "" && !col.Dropped {
					row[attCollationPos] = dOid(columnCollationOID(col.Type(), col.Collation))
				}
				if !col.Dropped {
					row[attACLPos] = columnACL(d.ID, col.ID, grants)
				}
				out = append(out, row)
			}
			for _, ix := range catalog.NamedIndexes(t) {
				oid, err := indexOID(d.ID, ix.ID)
				if err != nil {
					return nil, err
				}
				for k, ic := range ix.Columns {
					col := t.Column(ic.ColumnID)
					name := col.Name
					if col.IndexKey {
						name = indexKeyColname(col)
					}
					out = append(out, attRow(oid, name, col.Type(), k+1, false, false, "", false))
				}
			}
		case catalog.KindView:
			for i, vc := range d.View.Columns {
				t, ok := vc.Type(), true
				if !ok {
					t = types.Unknown
				}
				row := attRow(d.ID, vc.Name, t.WithTypmod(vc.Typmod), i+1, false, false, "", false)
				row[attACLPos] = columnACL(d.ID, uint32(i+1), grants)
				out = append(out, row)
			}
		case catalog.KindSequence:
			out = append(out,
				attRow(d.ID, "last_value", types.Int8, 1, true, false, "", false),
				attRow(d.ID, "log_cnt", types.Int8, 2, true, false, "", false),
				attRow(d.ID, "is_called", types.Bool, 3, true, false, "", false))
		}
	}
	return append(out, compositeAttributeRows(c)...), nil
}

func pgAttrdefRows(c *vctx) ([][]types.Datum, error) {
	descs, err := c.all()
	if err != nil {
		return nil, err
	}
	byID := map[uint32]*catalog.Descriptor{}
	for _, d := range descs {
		byID[d.ID] = d
	}
	schemas, path := schemaNames(descs), c.x.sess.searchPath()
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind != catalog.KindTable {
			continue
		}
		t, err := c.at().shownTable(d.Table)
		if err != nil {
			return nil, err
		}
		for i := range t.Columns {
			col := &t.Columns[i]
			if col.Dropped || col.Hidden {
				continue
			}
			text := defaultTextOf(col, t, byID, schemas, path)
			if text == "" {
				continue
			}
			oid, err := attrdefOID(d.ID, i+1)
			if err != nil {
				return nil, err
			}
			out = append(out, []types.Datum{dOid(oid), dOid(d.ID), dInt(i + 1), text})
		}
	}
	return out, nil
}

// attnumOf returns a column's attnum (its position in the row encoding,
// from 1).
func attnumOf(t *catalog.TableDesc, columnID uint32) int {
	return t.ColumnIndex(columnID) + 1
}
