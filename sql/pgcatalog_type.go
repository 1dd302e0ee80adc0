package sql

import (
	"sort"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// pg_type, pg_am, pg_collation, pg_range and pg_enum: the types and the
// access methods and collations they use. Type rows are PostgreSQL 15's
// (pgcatalog_typedata.go, generated from it) for the types stela has.

// pgTypeRow is the part of a PostgreSQL pg_type row that is not in
// types.T.
type pgTypeRow struct {
	oid                                           uint32
	typname                                       string
	typlen                                        int16
	typbyval                                      bool
	typtype, typcategory                          byte
	typispreferred                                bool
	typdelim                                      byte
	typelem, typarray                             uint32
	typinput, typoutput, typreceive, typsend      uint32
	typmodin, typmodout, typanalyze, typsubscript uint32
	typalign, typstorage                          byte
	typcollation                                  uint32
}

var pgTypeByOid = func() map[uint32]*pgTypeRow {
	m := map[uint32]*pgTypeRow{}
	for i := range pgTypeRows {
		m[pgTypeRows[i].oid] = &pgTypeRows[i]
	}
	return m
}()

func init() {
	addVtable("pg_type", 1247, 'r', `oid oid, typname name, typnamespace oid, typowner oid, typlen smallint,
		typbyval boolean, typtype "char", typcategory "char", typispreferred boolean, typisdefined boolean,
		typdelim "char", typrelid oid, typsubscript regproc, typelem oid, typarray oid, typinput regproc,
		typoutput regproc, typreceive regproc, typsend regproc, typmodin regproc, typmodout regproc,
		typanalyze regproc, typalign "char", typstorage "char", typnotnull boolean, typbasetype oid,
		typtypmod integer, typndims integer, typcollation oid, typdefaultbin pg_node_tree, typdefault text,
		typacl aclitem[]`, pgTypeRowsOf)
	addVtable("pg_am", 2601, 'r', `oid oid, amname name, amhandler regproc, amtype "char"`, func(*vctx) ([][]types.Datum, error) {
		return [][]types.Datum{
			{dOid(amHeap), "heap", dReg(3, "heap_tableam_handler"), dChar('t')},
			{dOid(amBtree), "btree", dReg(330, "bthandler"), dChar('i')},
			{dOid(amHash), "hash", dReg(331, "hashhandler"), dChar('i')},
		}, nil
	})
	addVtable("pg_collation", 3456, 'r', `oid oid, collname name, collnamespace oid, collowner oid,
		collprovider "char", collisdeterministic boolean, collencoding integer, collcollate text,
		collctype text, colliculocale text, collversion text`, func(*vctx) ([][]types.Datum, error) {
		row := func(oid uint32, name string, provider byte, enc int, coll string) []types.Datum {
			return []types.Datum{dOid(oid), name, dOid(catalog.PgCatalogID), dOid(adminRoleOID), dChar(provider),
				dBool(true), dInt(enc), dTextOrNull(coll), dTextOrNull(coll), nil, nil}
		}
		// stela compares strings bytewise: default is C, and the
		// byte-order collations are the only ones it has.
		return [][]types.Datum{
			row(defaultCollation, "default", 'd', -1, ""),
			row(950, "C", 'c', -1, "C"),
			row(951, "POSIX", 'c', -1, "POSIX"),
			row(collationOIDs["ucs_basic"], "ucs_basic", 'c', 6, "C"),
		}, nil
	})
	// No range types exist in stela: pg_range is empty, truthfully.
	// pg_enum lists the labels of the database's enums (pgcatalog_enum.go).
	addVtable("pg_range", 3541, 'r', `rngtypid oid, rngsubtype oid, rngmultitypid oid, rngcollation oid,
		rngsubopc oid, rngcanonical regproc, rngsubdiff regproc`, emptyRows)
	addVtable("pg_enum", 3501, 'r', `oid oid, enumtypid oid, enumsortorder real, enumlabel name`, pgEnumRows)
}

func emptyRows(*vctx) ([][]types.Datum, error) { return nil, nil }

// regproc returns a type function's regproc value.
func typeFunc(oid uint32) types.Datum {
	return dReg(oid, pgTypeFuncs[oid])
}

func pgTypeRowsOf(c *vctx) ([][]types.Datum, error) {
	user, err := userTypeRows(c)
	if err != nil {
		return nil, err
	}
	rows, err := rowTypeRows(c)
	if err != nil {
		return nil, err
	}
	user = append(user, rows...)
	out := make([][]types.Datum, 0, len(pgTypeRows)+len(user))
	for i := range pgTypeRows {
		r := &pgTypeRows[i]
		out = append(out, []types.Datum{
			dOid(r.oid), r.typname, dOid(catalog.PgCatalogID), dOid(adminRoleOID), int64(r.typlen),
			r.typbyval, dChar(r.typtype), dChar(r.typcategory), r.typispreferred, dBool(true),
			dChar(r.typdelim), dOid(0), typeFunc(r.typsubscript), dOid(r.typelem), dOid(r.typarray),
			typeFunc(r.typinput), typeFunc(r.typoutput), typeFunc(r.typreceive), typeFunc(r.typsend),
			typeFunc(r.typmodin), typeFunc(r.typmodout), typeFunc(r.typanalyze), dChar(r.typalign),
			dChar(r.typstorage), dBool(false), dOid(0), dInt(-1), dInt(0), dOid(r.typcollation), nil, nil, nil,
		})
	}
	return append(out, user...), nil
}

// vtableNames lists the virtual relations in name order.
func vtableNames() []string {
	names := make([]string, 0, len(vtables))
	for n := range vtables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
