package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The size functions (psql's \dt+, \l+, \d+). They report pebble's
// estimate of the bytes on disk of a relation's keys (kv's
// EstimateDiskUsage): every version of every row ever written, since
// nothing is overwritten, and only what has been flushed from the
// memtable, so a small or young table may weigh 0 bytes. They read no
// rows. What each measures in stela's layout, where a table's rows are
// its primary key's entries:
//
//	pg_table_size           the rows (the primary index's key range)
//	pg_indexes_size         the secondary indexes' entries
//	pg_total_relation_size  both: every key of the table
//	pg_relation_size        a table's rows; a secondary index's entries;
//	                        0 for a primary key index (its entries are the
//	                        rows, counted with the table), a view, a
//	                        sequence's or a catalog relation
//	pg_database_size        the files of the database's store (pebble's
//	                        sstables, write-ahead log and metadata)

func init() {
	reg, i8 := []*types.T{types.Regclass}, types.Int8
	sizeOf := func(what func(*execCtx, uint32) (types.Datum, error)) func(*expr.Context, []types.Datum) (types.Datum, error) {
		return func(c *expr.Context, a []types.Datum) (types.Datum, error) {
			x, err := execOf(c)
			if err != nil {
				return nil, err
			}
			return what(x, a[0].(types.Reg).Oid)
		}
	}
	expr.AddFunc("pg_table_size", reg, i8, true, sizeOf(func(x *execCtx, oid uint32) (types.Datum, error) {
		return relationSize(x, oid, sizeRows)
	}))
	expr.AddFunc("pg_indexes_size", reg, i8, true, sizeOf(func(x *execCtx, oid uint32) (types.Datum, error) {
		return relationSize(x, oid, sizeIndexes)
	}))
	expr.AddFunc("pg_total_relation_size", reg, i8, true, sizeOf(func(x *execCtx, oid uint32) (types.Datum, error) {
		return relationSize(x, oid, sizeRows|sizeIndexes)
	}))
	expr.AddFunc("pg_relation_size", reg, i8, true, sizeOf(func(x *execCtx, oid uint32) (types.Datum, error) {
		return relationSize(x, oid, sizeRows|sizeIndexOnly)
	}))
	expr.AddFunc("pg_relation_size", []*types.T{types.Regclass, types.Text}, i8, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		switch a[1].(string) {
		case "main":
			return relationSize(x, a[0].(types.Reg).Oid, sizeRows|sizeIndexOnly)
		case "fsm", "vm", "init":
			// stela keeps no free space map, visibility map or init fork.
			return relationSizeZero(x, a[0].(types.Reg).Oid)
		}
		return nil, pgerror.New(pgcode.InvalidParameterValue, "invalid fork name").
			WithHint(`Valid fork names are "main", "fsm", "vm", and "init".`)
	})
	dbSize := func(x *execCtx, name string) (types.Datum, error) {
		db, err := x.sess.engine.Database(name)
		if err != nil {
			return nil, err
		}
		return int64(db.Store.DiskSpaceUsage()), nil
	}
	expr.AddFunc("pg_database_size", []*types.T{types.Name}, i8, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		return dbSize(x, a[0].(string))
	})
	expr.AddFunc("pg_database_size", []*types.T{types.OidType}, i8, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		for _, name := range x.sess.engine.Databases() {
			if databaseOID(name) == uint32(a[0].(int64)) {
				return dbSize(x, name)
			}
		}
		return nil, nil // as PostgreSQL for an OID that is no database
	})
}

// What relationSize adds up.
const (
	sizeRows      = 1 << iota // a table's rows
	sizeIndexes               // a table's secondary indexes
	sizeIndexOnly             // an index's own entries, when oid is an index
)

// relationSize estimates the bytes of a relation's keys; NULL when no
// relation has the OID.
func relationSize(x *execCtx, oid uint32, what int) (types.Datum, error) {
	store := x.sess.db.Store
	estimate := func(r kv.Range) (int64, error) {
		n, err := store.EstimateDiskUsage(r)
		return int64(n), err
	}
	if d, ix, err := indexTable(x.txn, oid); err != nil || ix != nil {
		if err != nil || what&sizeIndexOnly == 0 || isPrimary(ix) {
			return int64(0), err
		}
		return estimate(kv.PrefixRange(engine.IndexPrefix(d.StorageID(), ix.ID)))
	}
	if vtableByOID(oid) != nil {
		return int64(0), nil
	}
	d, err := catalog.Get(x.txn, oid)
	if err == nil && d == nil {
		// A composite type's relation has no storage: 0, as PostgreSQL.
		if cd, err := compositeByRelid(x, oid); err != nil || cd != nil {
			return int64(0), err
		}
	}
	if err != nil || d == nil || d.Kind == catalog.KindSchema {
		return nil, err
	}
	if d.Kind != catalog.KindTable {
		return int64(0), nil
	}
	total := int64(0)
	if what&sizeRows != 0 {
		n, err := estimate(kv.PrefixRange(engine.IndexPrefix(d.StorageID(), engine.PrimaryIndexID)))
		if err != nil {
			return nil, err
		}
		total += n
	}
	if what&sizeIndexes != 0 {
		for _, ix := range catalog.NamedIndexes(d.Table) {
			if isPrimary(ix) {
				continue
			}
			n, err := estimate(kv.PrefixRange(engine.IndexPrefix(d.StorageID(), ix.ID)))
			if err != nil {
				return nil, err
			}
			total += n
		}
	}
	return total, nil
}

// relationSizeZero is 0 for an existing relation, NULL otherwise.
func relationSizeZero(x *execCtx, oid uint32) (types.Datum, error) {
	if name, err := relationName(x, oid); err != nil || name == "" {
		return nil, err
	}
	return int64(0), nil
}
