package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// GRANT role TO member [WITH ADMIN OPTION], REVOKE [ADMIN OPTION FOR]
// role FROM member, and CREATE ROLE's IN ROLE, ROLE and ADMIN, with
// PostgreSQL 15's rules: superusers grant any role; others a role they
// hold ADMIN OPTION on (directly or through a role they are a member
// of), never a superuser role nor their own; no role may become a
// member of itself, even through others. Each membership changed is one
// transaction of the system log (catalog/membership.go), so, as grants,
// they are administrative statements run outside a transaction block.

// membershipChange is a parsed GRANT or REVOKE of roles.
type membershipChange struct {
	grant   bool
	admin   bool // WITH ADMIN OPTION; on REVOKE, ADMIN OPTION FOR
	roles   []string
	members []string
	grantor string // GRANTED BY; "" for the session's user
}

func planGrantRole(n *pg_query.GrantRoleStmt) (plan, error) {
	tag := "GRANT ROLE"
	if !n.IsGrant {
		tag = "REVOKE ROLE"
	}
	admin := false
	for _, o := range n.Opt {
		d := o.GetDefElem()
		if d == nil {
			continue
		}
		if d.Defname != "admin" {
			// PostgreSQL 16's INHERIT and SET options.
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s ... %s OPTION is not supported", strings.Fields(tag)[0], strings.ToUpper(d.Defname))
		}
		// WITH ADMIN OPTION is true; REVOKE ADMIN OPTION FOR is false.
		admin = true
	}
	return &adminPlan{tag: tag, stmt: tag, fn: func(s *Session, ec *expr.Context) error {
		c := &membershipChange{grant: n.IsGrant, admin: admin}
		for _, m := range n.GranteeRoles {
			name, err := s.memberRole(m.GetRoleSpec())
			if err != nil {
				return err
			}
			c.members = append(c.members, name)
		}
		for _, r := range n.GrantedRoles {
			ap := r.GetAccessPriv()
			if ap == nil || ap.PrivName == "" || len(ap.Cols) > 0 {
				return pgerror.New(pgcode.InvalidGrantOperation, "column names cannot be included in GRANT/REVOKE ROLE")
			}
			if _, err := s.engine.sys.User(ap.PrivName); err != nil {
				return err
			}
			c.roles = append(c.roles, ap.PrivName)
		}
		if n.Grantor != nil {
			name, err := s.memberRole(n.Grantor)
			if err != nil {
				return err
			}
			c.grantor = name
		}
		return s.changeMemberships(ec, c)
	}}, nil
}

// memberRole resolves a role of a membership statement: one that
// exists, PUBLIC not being one (42704, as PostgreSQL).
func (s *Session) memberRole(r *pg_query.RoleSpec) (string, error) {
	if r == nil {
		return "", pgerror.New(pgcode.Syntax, "a role is required")
	}
	if r.Roletype == pg_query.RoleSpecType_ROLESPEC_PUBLIC {
		return "", pgerror.New(pgcode.UndefinedObject, `role "public" does not exist`)
	}
	return s.existingRole(r)
}

// changeMemberships grants or revokes every role of c to or from every
// member, one system transaction each, with PostgreSQL's notices for
// what is already so.
func (s *Session) changeMemberships(ec *expr.Context, c *membershipChange) error {
	me, err := s.engine.sys.User(s.currentUser())
	if err != nil {
		return err
	}
	grantor := s.currentUser()
	if c.grantor != "" && c.grantor != s.currentUser() {
		if !me.Superuser {
			return pgerror.New(pgcode.InsufficientPrivilege, "must be superuser to set grantor")
		}
		grantor = c.grantor
	}
	for _, role := range c.roles {
		// The right to grant, checked with the memberships the change
		// is made on.
		check := func(ms []catalog.Membership) error {
			target, err := s.engine.sys.User(role)
			if err != nil {
				return err
			}
			switch {
			case me.Superuser:
			case target.Superuser:
				return pgerror.New(pgcode.InsufficientPrivilege, "must be superuser to alter superusers")
			case !catalog.AdminOf(ms, s.currentUser(), role):
				s.log.Warn().Str("user", s.currentUser()).Str("role", role).Msg("permission denied to grant role")
				return pgerror.Newf(pgcode.InsufficientPrivilege, "must have admin option on role \"%s\"", role)
			}
			return nil
		}
		for _, member := range c.members {
			var changed bool
			if c.grant {
				changed, err = s.engine.sys.GrantMembership(ec.Ctx, role, member, grantor, c.admin, check)
				if err == nil && !changed {
					s.notice("NOTICE", pgcode.SuccessfulCompletion, "role \""+member+"\" is already a member of role \""+role+"\"")
				}
			} else {
				var found bool
				found, err = s.engine.sys.RevokeMembership(ec.Ctx, role, member, c.admin, check)
				changed = found
				if err == nil && !found {
					s.notice("WARNING", pgcode.Warning, "role \""+member+"\" is not a member of role \""+role+"\"")
				}
			}
			if err != nil {
				return err
			}
			if changed {
				s.log.Info().Str("user", s.currentUser()).Str("role", role).Str("member", member).
					Bool("admin_option", c.admin).Bool("grant", c.grant).Msg("role membership changed")
			}
		}
	}
	return nil
}

// createRoleMemberships makes the memberships CREATE ROLE's IN ROLE,
// ROLE and ADMIN ask for, once the role exists (as PostgreSQL, by the
// rules of GRANT role).
func (s *Session) createRoleMemberships(ec *expr.Context, name string, o *roleOptions) error {
	changes := []*membershipChange{
		{grant: true, roles: o.inRoles, members: []string{name}},
		{grant: true, admin: true, roles: []string{name}, members: o.admins},
		{grant: true, roles: []string{name}, members: o.members},
	}
	for _, c := range changes {
		if len(c.roles) == 0 || len(c.members) == 0 {
			continue
		}
		if err := s.changeMemberships(ec, c); err != nil {
			return err
		}
	}
	return nil
}

// checkRoleMemberships refuses, before CREATE ROLE makes the role, the
// memberships it could not then make: of roles that do not exist, or of
// the new role in itself.
func (s *Session) checkRoleMemberships(name string, o *roleOptions) error {
	for _, list := range [][]string{o.inRoles, o.admins, o.members} {
		for _, r := range list {
			if r == name {
				return pgerror.Newf(pgcode.InvalidGrantOperation, "role \"%s\" is a member of role \"%s\"", name, name)
			}
			if _, err := s.engine.sys.User(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// roleNames reads the role list of IN ROLE, ROLE or ADMIN.
func roleNames(d *pg_query.DefElem) ([]string, error) {
	var out []string
	for _, n := range d.Arg.GetList().GetItems() {
		r := n.GetRoleSpec()
		if r == nil {
			continue
		}
		switch r.Roletype {
		case pg_query.RoleSpecType_ROLESPEC_CSTRING:
			out = append(out, r.Rolename)
		case pg_query.RoleSpecType_ROLESPEC_PUBLIC:
			return nil, pgerror.New(pgcode.UndefinedObject, `role "public" does not exist`)
		default:
			return nil, pgerror.New(pgcode.FeatureNotSupported, "CURRENT_USER and SESSION_USER are not supported in CREATE ROLE's role lists")
		}
	}
	return out, nil
}
