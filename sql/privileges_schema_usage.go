package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
)

// USAGE on a schema, as PostgreSQL checks it: a name qualified by a
// schema the user may not use is refused where it is looked up (42501
// "permission denied for schema s", before whether the object exists),
// and an unqualified name is never found in such a schema: the schema
// is dropped from the effective search path, silently, as PostgreSQL's
// recomputeNamespacePath drops it. Both are made here, for relations,
// types and functions alike: the search path is filtered once, where it
// is memoized (search_path_memo.go), and a qualified name's schema is
// checked by useSchema. The database's admins use every schema;
// pg_catalog and information_schema, and the session's own temporary
// schema, are everyone's.

// usableSchema reports whether the rights may look objects up in schema
// sc.
func (r *rights) usableSchema(sc *catalog.Descriptor) bool {
	if sc.ID == catalog.PgCatalogID || sc.ID == catalog.InformationSchemaID || catalog.IsTempSchema(sc.Name) {
		return true
	}
	return r.hasSchema("U", sc)
}

// useSchema checks that the session's user may use the schema a name
// is qualified by (a schema that does not exist is left to the lookup's
// own error), and notes the need, so that a prepared statement is
// refused after a REVOKE. A view's query is not checked: as in
// PostgreSQL, whoever may read the view may use what it names.
func (pl *planner) useSchema(name string) error {
	if pl.depth > 0 {
		return nil
	}
	sc, err := pl.s.useSchemaIn(pl.txn, name)
	if sc != nil {
		pl.need(schemaNeed("U", sc))
	}
	return err
}

// useSchemaIn is useSchema's check, as txn sees the catalog; it returns
// the schema when the user holds USAGE on it by its ACL (nil for an
// admin or a schema everyone uses).
func (s *Session) useSchemaIn(txn *engine.Txn, name string) (*catalog.Descriptor, error) {
	if name == "" || name == catalog.TempSchemaAlias {
		return nil, nil
	}
	r, err := s.rights()
	if err != nil || r.hasDatabase("C") {
		return nil, err
	}
	sc, err := catalog.Lookup(txn, 0, name)
	if err != nil || sc == nil || sc.Kind != catalog.KindSchema {
		return nil, err
	}
	n := schemaNeed("U", sc)
	if !r.usableSchema(sc) {
		return nil, s.denied(n)
	}
	return sc, nil
}

// usablePath drops from path the schemas the rights may not use, and
// moves tempAt (parseSearchPath's) to match. Names of schemas that do
// not exist stay: lookups skip them.
func usablePath(txn *engine.Txn, r *rights, path catalog.SearchPath, tempAt int) (catalog.SearchPath, int, error) {
	out := make(catalog.SearchPath, 0, len(path))
	for i, name := range path {
		sc, err := catalog.Lookup(txn, 0, name)
		if err != nil {
			return nil, 0, err
		}
		if sc != nil && sc.Kind == catalog.KindSchema && !r.usableSchema(sc) {
			if i < tempAt {
				tempAt--
			}
			continue
		}
		out = append(out, name)
	}
	return out, tempAt, nil
}

// pathUsageState is what the search path's filtering depends on.
type pathUsageState struct {
	// filter: the user is not an admin, and its path is filtered.
	filter bool
	r      *rights
	txn    *engine.Txn
	// version is txn's catalog version; stable when txn did not change
	// the catalog itself.
	version uint64
	stable  bool
	// done releases txn when it was begun for the filtering alone.
	done func()
}

// pathUsage reads what the search path's filtering depends on. Errors
// leave the path unfiltered: a user whose rights or catalog cannot be
// read meets the same error at the lookup that follows.
func (s *Session) pathUsage() pathUsageState {
	st := pathUsageState{done: func() {}}
	r, err := s.rights()
	if err != nil || r.hasDatabase("C") {
		return st
	}
	txn, err := s.storage()
	if err != nil {
		return st
	}
	if s.txn.eng != txn {
		st.done = txn.Rollback
	}
	v, err := catalog.Version(txn)
	if err != nil {
		st.done()
		return pathUsageState{done: func() {}}
	}
	st.filter, st.r, st.txn, st.version, st.stable = true, r, txn, v, !catalog.ChangedIn(txn)
	return st
}
