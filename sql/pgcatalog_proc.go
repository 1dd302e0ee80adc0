package sql

import (
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Functions as regproc values. stela does not serve pg_proc yet, so the
// functions it can name are those pg_type's rows refer to (their input,
// output, send and receive functions), with PostgreSQL's OIDs.

// procName is regprocout: the function's name, "" when unknown.
func procName(oid uint32) string { return pgTypeFuncs[oid] }

// procOIDByName is regprocin for a (possibly pg_catalog-qualified) name.
func procOIDByName(parts []string) (uint32, error) {
	name := parts[len(parts)-1]
	if len(parts) > 2 || (len(parts) == 2 && parts[0] != "pg_catalog") {
		return 0, pgerror.Newf(pgcode.UndefinedFunction, "function \"%s\" does not exist", strings.Join(parts, "."))
	}
	for oid, n := range pgTypeFuncs {
		if n == name {
			return oid, nil
		}
	}
	return 0, pgerror.Newf(pgcode.FeatureNotSupported, "regproc input of \"%s\" is not supported: stela does not serve pg_proc yet", name)
}
