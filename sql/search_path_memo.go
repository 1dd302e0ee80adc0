package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
)

// The search path is asked for several times per table a statement
// names (the virtual tables' lookup, the relation cache's key, the
// catalog's lookup): splitting the setting each time was 1% of a
// simple-protocol point select's allocations. The session keeps the
// last result with what it was computed from.
//
// The path is the effective one: without the schemas the user may not
// use (privileges_schema_usage.go). For a user who is not one of the
// database's admins it depends on the grants (the system tx its rights
// were read at) and on the catalog (the schemas and their owners: the
// catalog version), which the memo keeps too; within a transaction
// that changed the catalog it is computed each time.

// searchPathMemo is a computed search path and its inputs.
type searchPathMemo struct {
	setting, front, temp, user string
	valid                      bool
	// filtered: the path was filtered for a user who is not an admin,
	// with the grants of system tx rightsTx and catalog version
	// catalogVersion.
	filtered                 bool
	rightsTx, catalogVersion uint64
	path                     catalog.SearchPath
	implicitTemp             bool
	tempAt                   int // parseSearchPath's
	// key is path joined by NULs: the relation cache's key.
	key string
}

// pathMemoFor returns the memo for the session's present search_path,
// pathFront, temp schema, user and the schemas it may use, computing it
// when one changed.
func (s *Session) pathMemoFor() *searchPathMemo {
	v, _ := s.Setting("search_path")
	temp := ""
	if s.temp.used {
		temp = s.tempSchemaName()
	}
	usage := s.pathUsage()
	m := &s.pathMemo
	if m.valid && m.setting == v && m.front == s.pathFront && m.temp == temp && m.user == s.currentUser() &&
		m.filtered == usage.filter && (!usage.filter || usage.stable && m.rightsTx == usage.r.tx && m.catalogVersion == usage.version) {
		return m
	}
	path, implicit, tempAt := s.parseSearchPath(v, temp)
	if usage.filter {
		var err error
		if path, tempAt, err = usablePath(usage.txn, usage.r, path, tempAt); err != nil {
			// The lookups that follow meet the same storage error.
			path, tempAt = nil, -1
		}
	}
	usage.done()
	// A full slice: a caller's append copies rather than writes into
	// the memo.
	path = path[:len(path):len(path)]
	*m = searchPathMemo{setting: v, front: s.pathFront, temp: temp, user: s.currentUser(), valid: true,
		filtered: usage.filter, path: path, implicitTemp: implicit, tempAt: tempAt, key: strings.Join(path, "\x00")}
	if usage.filter {
		m.rightsTx, m.catalogVersion = usage.r.tx, usage.version
		// A memo made in a transaction that changed the catalog is not
		// to be trusted by the next call: its version may be rolled
		// back and taken again by another schema.
		m.valid = usage.stable
	}
	return m
}
