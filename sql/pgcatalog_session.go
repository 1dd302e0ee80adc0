package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// Functions about the session and the server: the schemas of the search
// path, view definitions, the server's start time and transaction ids.

func init() {
	expr.AddFunc("current_schema", nil, types.Name, true, func(c *expr.Context, _ []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		schemas := searchPathSchemas(x, false)
		if len(schemas) == 0 {
			return nil, nil // no schema of search_path exists
		}
		return schemas[0], nil
	})
	expr.AddFunc("current_schemas", []*types.T{types.Bool}, nameArray, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		var elems []types.Datum
		for _, s := range searchPathSchemas(x, a[0].(bool)) {
			elems = append(elems, s)
		}
		return types.NewArray(elems), nil
	})
	viewDef := func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		var oid uint32
		switch v := a[0].(type) {
		case int64:
			oid = uint32(v)
		case string:
			parts, err := splitQualifiedName(v)
			if err != nil {
				return nil, err
			}
			if oid, err = relationOID(x, parts); err != nil {
				return nil, err
			}
		}
		d, err := catalog.Get(x.txn, oid)
		if err != nil || d == nil || d.Kind != catalog.KindView && !d.IsMatView() {
			return nil, err
		}
		// The query as written (PostgreSQL deparses its own form, and
		// pretty-prints with the bool or wrap argument), its names
		// qualified where the search path does not find them.
		return x.shownText(d.View.Query, true)
	}
	for _, arg := range []*types.T{types.OidType, types.Text} {
		expr.AddFunc("pg_get_viewdef", []*types.T{arg}, types.Text, true, viewDef)
		expr.AddFunc("pg_get_viewdef", []*types.T{arg, types.Bool}, types.Text, true, viewDef)
	}
	expr.AddFunc("pg_get_viewdef", []*types.T{types.OidType, types.Int4}, types.Text, true, viewDef)
	expr.AddFunc("pg_postmaster_start_time", nil, types.TimestampTZType, true, func(c *expr.Context, _ []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		return types.TimestampTZFromTime(x.sess.engine.started), nil
	})
	// txid_current is the transaction's snapshot: the id of the last
	// transaction it sees. stela gives a transaction its own id only when
	// it commits (ids are log positions, assigned in commit order), so
	// the id it will get is unknown while it runs; the snapshot is fixed
	// for the transaction and grows from one to the next, but two
	// concurrent transactions can share it. (pg_current_xact_id returns
	// xid8, a type stela lacks.)
	expr.AddFunc("txid_current", nil, types.Int8, true, func(c *expr.Context, _ []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		return int64(x.txn.Snapshot()), nil
	})
}

// searchPathSchemas are the existing schemas of search_path, in order;
// with implicit, pg_catalog first unless the path names it elsewhere
// (current_schemas(true)).
//
// The session's temp schema, when it exists and search_path does not
// name pg_temp, is implicit too: first, before pg_catalog, as
// PostgreSQL's.
func searchPathSchemas(x *execCtx, implicit bool) []string {
	var out []string
	explicitCatalog := false
	path, implicitTemp := x.sess.searchPathTemp()
	if implicitTemp {
		path = path[1:]
	}
	for _, name := range path {
		if name == "pg_catalog" {
			explicitCatalog = true
		}
		if _, err := catalog.Schema(x.txn, name); err == nil {
			out = append(out, name)
		}
	}
	if implicit && !explicitCatalog {
		out = append([]string{"pg_catalog"}, out...)
	}
	if implicit && implicitTemp {
		if _, err := catalog.Schema(x.txn, x.sess.tempSchemaName()); err == nil {
			out = append([]string{x.sess.tempSchemaName()}, out...)
		}
	}
	return out
}

// nameArray is name[].
var nameArray, _ = types.ArrayOf(types.Name)
