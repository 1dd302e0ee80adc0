package sql

import (
	"strconv"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// pg_tablespace and its functions (psql's \db, \db+). stela has no
// CREATE TABLESPACE: there are PostgreSQL's two built-in tablespaces,
// whose places in stela's data directory match PostgreSQL's:
//
//	pg_default  the databases: every database's store (databases/<name>/)
//	pg_global   the server-wide catalog: the system store (system/)
//
// pg_tablespace_location is '' for both, as PostgreSQL gives it for its
// built-in tablespaces (they live in the data directory, not at a
// location of their own); pg_tablespace_size is the bytes the stores'
// files take on disk (as pg_database_size, kv's DiskSpaceUsage).

const (
	defaultTablespaceOID = 1663
	globalTablespaceOID  = 1664
)

func init() {
	addVtable("pg_tablespace", 1213, 'r', `oid oid, spcname name, spcowner oid, spcacl aclitem[], spcoptions text[]`,
		func(*vctx) ([][]types.Datum, error) {
			return [][]types.Datum{
				{dOid(defaultTablespaceOID), "pg_default", dOid(adminRoleOID), nil, nil},
				{dOid(globalTablespaceOID), "pg_global", dOid(adminRoleOID), nil, nil},
			}, nil
		})
	oid := []*types.T{types.OidType}
	expr.AddFunc("pg_tablespace_location", oid, types.Text, true, func(_ *expr.Context, a []types.Datum) (types.Datum, error) {
		switch o := a[0].(int64); o {
		case 0, defaultTablespaceOID, globalTablespaceOID:
			// 0 is the database's tablespace, pg_default.
			return "", nil
		default:
			// PostgreSQL looks for the tablespace's symbolic link, which
			// only CREATE TABLESPACE makes.
			return nil, pgerror.Newf(pgcode.UndefinedFile, "could not stat file \"pg_tblspc/%d\": No such file or directory", o)
		}
	})
	expr.AddFunc("pg_tablespace_size", oid, types.Int8, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		return tablespaceSize(x, uint32(a[0].(int64)))
	})
	expr.AddFunc("pg_tablespace_size", []*types.T{types.Name}, types.Int8, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		switch name := a[0].(string); name {
		case "pg_default":
			return tablespaceSize(x, defaultTablespaceOID)
		case "pg_global":
			return tablespaceSize(x, globalTablespaceOID)
		default:
			return nil, pgerror.Newf(pgcode.UndefinedObject, "tablespace \"%s\" does not exist", name)
		}
	})
}

// tablespaceSize is pg_tablespace_size(oid). As in PostgreSQL, anyone may
// measure the database's tablespace (pg_default), only a superuser the
// others (stela has no CREATE privilege on tablespaces to grant, nor
// pg_read_all_stats); NULL for an OID that is no tablespace.
func tablespaceSize(x *execCtx, oid uint32) (types.Datum, error) {
	if oid != defaultTablespaceOID && !x.sess.currentSuperuser() {
		if oid != globalTablespaceOID {
			return nil, pgerror.Newf(pgcode.UndefinedObject, "tablespace with OID %s does not exist", strconv.FormatUint(uint64(oid), 10))
		}
		return nil, pgerror.New(pgcode.InsufficientPrivilege, "permission denied for tablespace pg_global")
	}
	switch oid {
	case defaultTablespaceOID:
		total := int64(0)
		for _, name := range x.sess.engine.Databases() {
			db, err := x.sess.engine.Database(name)
			if err != nil {
				continue // dropped since it was listed
			}
			total += int64(db.Store.DiskSpaceUsage())
		}
		return total, nil
	case globalTablespaceOID:
		return int64(x.sess.engine.System().Store().DiskSpaceUsage()), nil
	}
	return nil, nil
}
