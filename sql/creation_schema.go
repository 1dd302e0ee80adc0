package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// An object created under an unqualified name goes in the first schema
// of the search path that exists, as PostgreSQL's creation namespace:
// with search_path = app, public a CREATE TABLE t makes app.t. The
// session's temporary schema is not one (a temporary relation says so:
// temp.go), nor are names of schemas that do not exist ("$user" for a
// user without a schema of that name).

// creationSchema is the schema an unqualified CREATE uses; 3F000 when
// no schema of the search path exists.
func (s *Session) creationSchema(txn *engine.Txn) (*catalog.Descriptor, error) {
	for _, sn := range s.searchPath() {
		if catalog.IsTempSchema(sn) {
			continue
		}
		d, err := catalog.Lookup(txn, 0, sn)
		if err != nil {
			return nil, err
		}
		if d != nil && d.Kind == catalog.KindSchema {
			return d, nil
		}
	}
	return nil, pgerror.New(pgcode.InvalidSchemaName, "no schema has been selected to create in")
}

// tempFirst reports whether an unqualified CREATE of a relation makes a
// temporary one: when search_path names pg_temp before any schema that
// exists, as PostgreSQL's creation namespace is then the temp schema
// (made if need be). pg_temp searched implicitly, first, is never one
// to create in.
func (s *Session) tempFirst(txn *engine.Txn) (bool, error) {
	if s.pathFront != "" {
		return false, nil // CREATE SCHEMA's elements go in that schema
	}
	m := s.pathMemoFor()
	if m.tempAt < 0 {
		return false, nil
	}
	for _, sn := range m.path[:m.tempAt] {
		d, err := catalog.Lookup(txn, 0, sn)
		if err != nil {
			return false, err
		}
		if d != nil && d.Kind == catalog.KindSchema {
			return false, nil
		}
	}
	return true, nil
}

// OnSearchPath reports whether the search path has schema (pg_catalog,
// searched first implicitly, always). The expression builder asks it of
// an extension's schema (expr.Builder.onSearchPath).
func (s *Session) OnSearchPath(schema string) bool {
	if schema == "pg_catalog" {
		return true
	}
	for _, sn := range s.searchPath() {
		if sn == schema {
			return true
		}
	}
	return false
}
