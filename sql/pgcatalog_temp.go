package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// The functions about temp schemas (temp.go): the session's own, and
// whether a schema is another session's.

func init() {
	// pg_my_temp_schema() is the oid of the session's temp schema, 0
	// until it has one.
	expr.AddFunc("pg_my_temp_schema", nil, types.OidType, true, func(c *expr.Context, _ []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		if !x.sess.temp.used {
			return dOid(0), nil
		}
		sc, err := catalog.Lookup(x.txn, 0, x.sess.tempSchemaName())
		if err != nil || sc == nil {
			return dOid(0), err
		}
		return dOid(sc.ID), nil
	})
	expr.AddFunc("pg_is_other_temp_schema", []*types.T{types.OidType}, types.Bool, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		sc, err := catalog.Get(x.txn, uint32(a[0].(int64)))
		if err != nil || sc == nil || sc.Kind != catalog.KindSchema {
			return false, err
		}
		return catalog.IsTempSchema(sc.Name) && sc.Name != x.sess.searchPath().TempSchema(), nil
	})
}
