package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/stela-db/stela/catalog"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// stela compares strings bytewise, which is the C collation, and its
// databases' default collation is C. The collations it has are those
// that order that way: default, C, POSIX and ucs_basic (pg_collation
// lists them). A column may name one (pg_dump writes `COLLATE
// pg_catalog."C"` for a column declared so); the name is kept for the
// catalogs and changes no comparison.

// collationOIDs are pg_collation's oids, as PostgreSQL 15 assigns them
// (ucs_basic's is initdb's, the same on every PostgreSQL 15 cluster).
var collationOIDs = map[string]uint32{"default": defaultCollation, "C": 950, "POSIX": 951, "ucs_basic": 12340}

// columnCollation resolves a column's COLLATE clause for a column of
// type t: the collation's name, "" for the default.
func columnCollation(c *pg_query.CollateClause, t *types.T) (string, error) {
	name, err := collationNamed(nodeStrings(c.Collname))
	if err != nil {
		return "", err.WithPosition(int(c.Location) + 1)
	}
	if !collatable(t) {
		return "", pgerror.Newf(pgcode.DatatypeMismatch, "collations are not supported by type %s", t)
	}
	if name == "default" {
		name = ""
	}
	return name, nil
}

// collationNamed resolves a collation's possibly qualified name to
// its pg_collation name.
func collationNamed(parts []string) (string, *pgerror.Error) {
	name := parts[len(parts)-1]
	_, ok := collationOIDs[name]
	if !ok || len(parts) > 2 || len(parts) == 2 && parts[0] != "pg_catalog" {
		return "", pgerror.Newf(pgcode.UndefinedObject, "collation \"%s\" for encoding \"UTF8\" does not exist", strings.Join(parts, "."))
	}
	return name, nil
}

// collatable reports whether values of t have a collation: the string
// types but "char", and their arrays.
func collatable(t *types.T) bool {
	if t.IsArray() {
		t = t.Elem
	}
	return t.Family == types.StringFamily && t.Oid != types.Char.Oid || t.Oid == types.Name.Oid
}

// attCollationPos is attcollation's position in pg_attribute's rows
// (attRow).
const attCollationPos = 21

// columnCollationOID is pg_attribute.attcollation of a column of type t
// with collation name ("" for its type's): 0 for a type without one.
func columnCollationOID(t *types.T, name string) uint32 {
	elem := t
	if t.IsArray() {
		elem = t.Elem
	}
	switch {
	case !collatable(t):
		return 0
	case name != "":
		return collationOIDs[name]
	case elem.Oid == types.Name.Oid:
		return 950 // C, as PostgreSQL gives name columns
	}
	return defaultCollation
}

// indexKeyCollationOID is pg_index.indcollation of an index key over
// column col: its COLLATE's, else the column's.
func indexKeyCollationOID(ic catalog.IndexColumn, col *catalog.ColumnDesc) uint32 {
	if ic.Collation != "" {
		return collationOIDs[ic.Collation]
	}
	return columnCollationOID(col.Type(), col.Collation)
}
