package sql

import (
	"slices"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// REASSIGN OWNED BY old [, ...] TO new: the relations and schemas of the
// session's database that old roles own become new's, in the statement's
// transaction, as PostgreSQL does before a DROP ROLE. As PostgreSQL's it
// needs the rights of every role named, which in stela (no role
// membership) a superuser has, or a user naming only itself. Databases
// old owns keep their owner: they are kept in the system catalog, which
// the statement's transaction does not reach, so it could not undo
// their change on ROLLBACK. ALTER DATABASE ... OWNER TO gives them away,
// and DROP ROLE names them until then.
func (pl *planner) planReassignOwned(n *pg_query.ReassignOwnedStmt) (plan, error) {
	return &ddlPlan{tag: "REASSIGN OWNED", fn: func(x *execCtx) error { return x.reassignOwned(n) }}, nil
}

func (x *execCtx) reassignOwned(n *pg_query.ReassignOwnedStmt) error {
	const denied = "permission denied to reassign objects"
	from, err := x.rolesToActFor(n.Roles, denied)
	if err != nil {
		return err
	}
	to, err := x.sess.existingRole(n.Newrole)
	if err != nil {
		return err
	}
	if err := x.mayActFor(to, denied); err != nil {
		return err
	}
	if slices.Contains(from, AdminUser) {
		return pgerror.Newf(pgcode.DependentObjectsStillExist, "cannot reassign ownership of objects owned by role %s because they are required by the database system", AdminUser)
	}
	all, err := catalog.All(x.txn)
	if err != nil {
		return err
	}
	for _, d := range all {
		// An index has its table's owner; a sequence a table owns is
		// owned by the same role and goes with it.
		if d.Kind == catalog.KindIndex || !slices.Contains(from, d.Owner) || d.Owner == to {
			continue
		}
		d.Owner = to
		if err := catalog.Put(x.txn, d); err != nil {
			return err
		}
	}
	return nil
}

// rolesToActFor resolves the roles REASSIGN OWNED BY or DROP OWNED BY
// names, in PostgreSQL's order: every one must exist (42704), then the
// session must have the rights of each (42501 denied).
func (x *execCtx) rolesToActFor(nodes []*pg_query.Node, denied string) ([]string, error) {
	var roles []string
	for _, node := range nodes {
		role, err := x.sess.existingRole(node.GetRoleSpec())
		if err != nil {
			return nil, err
		}
		roles = append(roles, role)
	}
	for _, role := range roles {
		if err := x.mayActFor(role, denied); err != nil {
			return nil, err
		}
	}
	return roles, nil
}

// mayActFor refuses (42501 denied) a session without the rights of
// role, which a superuser has, the role itself and its members.
func (x *execCtx) mayActFor(role, denied string) error {
	r, err := x.sess.rights()
	if err != nil {
		return err
	}
	if r.superuser || r.roles[role] {
		return nil
	}
	return pgerror.New(pgcode.InsufficientPrivilege, denied)
}
