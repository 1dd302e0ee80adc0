package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// Finding the database's own types (enums, ddl_enum.go) by name, for
// the expression builder and DDL: after the built-in types, as
// PostgreSQL finds pg_catalog's types first.

// userTypeHook resolves user type names in txn's catalog, unqualified
// names along the session's search path.
func userTypeHook(txn *engine.Txn, s *Session) expr.TypeResolver {
	return func(schema, name string) (*types.T, bool, error) {
		if txn == nil {
			return nil, false, nil
		}
		d, err := lookupUserType(txn, s, schema, name)
		if err != nil {
			return nil, false, err
		}
		if d != nil {
			return catalog.TypeByOid(txn, d.ID)
		}
		// A relation's row type, or its array type (rowtypes.go).
		t, d, err := rowTypeNamed(txn, s, schema, name)
		return t, d != nil, err
	}
}

// lookupUserType returns the descriptor of a user type, or nil; a named
// schema that does not exist is 3F000.
func lookupUserType(txn *engine.Txn, s *Session, schema, name string) (*catalog.Descriptor, error) {
	if schema != "" {
		sd, err := catalog.Schema(txn, schema)
		if err != nil {
			return nil, err
		}
		return catalog.LookupType(txn, sd.ID, name)
	}
	for _, sn := range s.searchPath() {
		sd, err := catalog.Lookup(txn, 0, sn)
		if err != nil {
			return nil, err
		}
		if sd == nil {
			continue
		}
		d, err := catalog.LookupType(txn, sd.ID, name)
		if err != nil || d != nil {
			return d, err
		}
	}
	return nil, nil
}

// typeFromName resolves a type name in a statement: built-in types,
// then the database's.
func (x *execCtx) typeFromName(tn *pg_query.TypeName) (*types.T, error) {
	return expr.TypeFromNameIn(tn, userTypeHook(x.txn, x.sess))
}
