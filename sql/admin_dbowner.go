package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// planAlterDatabaseOwner plans ALTER DATABASE name OWNER TO role, which a
// pg_dump --create script writes after CREATE DATABASE. Database owners
// are kept in the system catalog, so this is an administrative statement
// (outside a transaction block), as RENAME TO is. PostgreSQL's checks in
// its order: the role exists, the database exists, the user owns the
// database (or is a superuser) and may become the role (a superuser any;
// anyone else themselves and the roles they are members of).
func planAlterDatabaseOwner(n *pg_query.AlterOwnerStmt) (plan, error) {
	name := n.Object.GetString_().GetSval()
	return &adminPlan{tag: "ALTER DATABASE", stmt: "ALTER DATABASE", fn: func(s *Session, ec *expr.Context) error {
		role, err := s.existingRole(n.Newowner)
		if err != nil {
			return err
		}
		return s.engine.sys.SetDatabaseOwner(ec.Ctx, name, role, func(d *catalog.Database) (bool, error) {
			if databaseOwner(d) == role {
				return false, nil // as PostgreSQL: no check when nothing changes
			}
			r, err := s.engine.rightsOf(s.currentUser(), name)
			if err != nil {
				return false, err
			}
			switch {
			case r.superuser:
			case !r.owner:
				return false, pgerror.Newf(pgcode.InsufficientPrivilege, "must be owner of database %s", name)
			case !r.members[role]:
				return false, pgerror.Newf(pgcode.InsufficientPrivilege, "must be member of role \"%s\"", role)
			}
			return true, nil
		})
	}}, nil
}

// databaseOwner is a database's owner: the admin when the record names
// none (databases made before owners were kept).
func databaseOwner(d *catalog.Database) string {
	if d.Owner == "" {
		return AdminUser
	}
	return d.Owner
}
